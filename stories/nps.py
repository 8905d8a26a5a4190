"""NPS: a customer's 0–10 answer to "how likely are you to recommend us?", the score
of a set of answers, and the follow-up a detractor opens."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from acts.models import FollowUp
from core import errors
from core.models import User
from core.roles import require_team_of
from customers.models import Customer

from .events import nps_detractor_emit
from .models import NpsResponse
from .services import STORY_TEXT_MAX


def score_clean(score) -> int:
    """A whole number from 0 to 10 (an int, or its digits as text), else InvalidInput."""
    if isinstance(score, bool) or (isinstance(score, float) and not score.is_integer()):
        raise errors.InvalidInput(errors.MSG_NPS_SCORE_RANGE, field="score")
    try:
        value = int(score) if isinstance(score, int | float) else int(str(score).strip(), 10)
    except (TypeError, ValueError):
        raise errors.InvalidInput(errors.MSG_NPS_SCORE_RANGE, field="score") from None
    if not 0 <= value <= 10:
        raise errors.InvalidInput(errors.MSG_NPS_SCORE_RANGE, field="score")
    return value


def nps_row_create(
    *, customer: Customer, score: int, comment: str, date: datetime.date, act, recorded_by: User | None
) -> NpsResponse:
    response = NpsResponse.objects.create(
        team_id=customer.team_id,
        customer=customer,
        act=act,
        score=score,
        comment=comment,
        date=date,
        recorded_by=recorded_by,
    )
    if score <= 6:
        # A problem put right brings most customers back: someone calls them today.
        FollowUp.objects.create(
            team_id=customer.team_id,
            customer=customer,
            act=act,
            nps_response=response,
            kind=FollowUp.Kind.DETRACTOR,
            due_on=timezone.localdate(),
        )
        nps_detractor_emit(response)
    return response


def nps_record(
    *,
    user: User,
    customer: Customer,
    score,
    comment: str = "",
    date: datetime.date | None = None,
    act=None,
) -> NpsResponse:
    """Record a customer's 0–10 answer, optionally after one of their acts.

    A detractor (0–6) opens a follow-up for the team, due today.
    """
    require_team_of(user, customer, "That customer belongs to another team.")
    score = score_clean(score)
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise errors.InvalidInput("An answer cannot be dated in the future.", field="date")
    if act is not None and act.customer_id != customer.pk:
        raise errors.InvalidInput("That act was not for this customer.", field="act")
    with transaction.atomic():
        return nps_row_create(
            customer=customer,
            score=score,
            comment=(comment or "").strip()[:STORY_TEXT_MAX],
            date=date,
            act=act,
            recorded_by=user,
        )


def nps_score(responses: QuerySet) -> Decimal | None:
    """Net Promoter Score of some NPS responses, computed by the database in one query.

    NPS = % promoters (scores 9–10) − % detractors (scores 0–6); passives (7–8) count
    in the total only. From −100 to 100, one decimal (half up); None with no responses.
    """
    counts = responses.order_by().aggregate(
        total=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=9)),
        detractors=Count("pk", filter=Q(score__lte=6)),
    )
    if not counts["total"]:
        return None
    score = Decimal(100 * (counts["promoters"] - counts["detractors"])) / counts["total"]
    return score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
