"""Surprise suggestions: each day, a few of the team's customers who have gone a while
without a proactive act, picked in a stable daily shuffle, each with why it was picked."""

import datetime
import hashlib

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Mod

from core.models import Team
from customers.models import Customer

from .models import GOING_AHEAD, Act, Kind, Trigger

SURPRISE_AFTER_DAYS = 30
SURPRISE_PICKS = 3


_PRIME = 2_147_483_647  # 2**31 − 1: (id × multiplier + shift) mod it shuffles ids, stably.


def _daily_shuffle(team_id: int, today: datetime.date) -> tuple[int, int]:
    digest = hashlib.sha256(f"surprise:{team_id}:{today.isoformat()}".encode()).digest()
    multiplier = 1 + int.from_bytes(digest[:8]) % (_PRIME - 1)
    shift = int.from_bytes(digest[8:16]) % _PRIME
    return multiplier, shift


def surprise_suggestions(*, team: Team | None, today: datetime.date, count: int = SURPRISE_PICKS) -> list[Customer]:
    """A random pick of the team's customers with no proactive act going ahead in the
    last SURPRISE_AFTER_DAYS days, so that surprises are spread, not scheduled.

    Random but stable within a day: the database orders the candidates by
    (id × m + s) mod (2³¹ − 1), with m and s drawn from a hash of the team and the date,
    so everyone sees the same three today and another three tomorrow. Each customer
    comes with `last_surprise` (date), `last_kind`, `acts_total` and `referrals_total`,
    from which the page says why they were picked. One query.
    """
    if team is None:
        return []
    since = today - datetime.timedelta(days=SURPRISE_AFTER_DAYS)
    proactive = Act.objects.filter(customer_id=OuterRef("pk"), trigger=Trigger.PROACTIVE, status__in=GOING_AHEAD)
    multiplier, shift = _daily_shuffle(team.pk, today)
    order = Mod(
        ExpressionWrapper(F("pk") * Value(multiplier) + Value(shift), output_field=BigIntegerField()),
        Value(_PRIME),
    )
    last_surprise = proactive.order_by("-date", "-id")
    acts_total = (
        Act.objects.filter(customer_id=OuterRef("pk"), status__in=GOING_AHEAD)
        .order_by()
        .values("customer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    referrals_total = (
        Customer.objects.filter(referred_by_id=OuterRef("pk"))
        .order_by()
        .values("referred_by_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    candidates = (
        Customer.objects.filter(team=team)
        .filter(~Exists(proactive.filter(date__gt=since)))
        .annotate(
            last_surprise=Subquery(last_surprise.values("date")[:1]),
            last_kind=Subquery(last_surprise.values("kind")[:1]),
            acts_total=Coalesce(Subquery(acts_total, output_field=IntegerField()), 0),
            referrals_total=Coalesce(Subquery(referrals_total, output_field=IntegerField()), 0),
            shuffle=order,
        )
        .order_by("shuffle", "pk")
    )
    picks = list(candidates[:count])
    for customer in picks:
        customer.why = _why_picked(customer, today)
    return picks


def _why_picked(customer: Customer, today: datetime.date) -> str:
    if customer.last_surprise is None:
        reason = "Never surprised yet"
        if customer.acts_total == 1:
            reason += " (one act so far: a recovery)"
        elif customer.acts_total:
            reason += f" ({customer.acts_total} acts so far, all recoveries)"
    else:
        days = (today - customer.last_surprise).days
        reason = f"Last surprise {days} days ago ({Kind(customer.last_kind).label.lower()})"
    if customer.referrals_total:
        reason += f"; has sent us {customer.referrals_total} customer{'s' if customer.referrals_total != 1 else ''}"
    return reason + "."
