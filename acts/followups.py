"""Follow-ups: what a delivered act (or a low NPS score) leaves to do for the customer,
and marking one done."""

import datetime

from django.db import transaction
from django.utils import timezone

from core import errors
from core.models import User
from core.roles import require_team_of

from .models import FollowUp

# Days after delivery that each follow-up falls due.
FOLLOW_UP_DAYS = {"thank_you": 2, "check_in": 14}


def followups_after_delivery(*, act) -> list:
    """Schedule what follows a delivered act: a thank-you note due two days after
    delivery and a check-in call due after fourteen, for the act's team."""
    delivered_on = timezone.localdate()
    return FollowUp.objects.bulk_create(
        [
            FollowUp(
                team_id=act.team_id,
                customer_id=act.customer_id,
                act=act,
                kind=kind,
                due_on=delivered_on + datetime.timedelta(days=days),
            )
            for kind, days in FOLLOW_UP_DAYS.items()
        ]
    )


def followup_done(*, user: User, follow_up):
    """Mark a follow-up done by `user`: someone of its team (an admin of any team).

    Locked and checked: a follow-up already done raises Conflict, so a double click
    records it once.
    """
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        require_team_of(user, follow_up, "This follow-up belongs to another team.")
        if follow_up.done_at is not None:
            raise errors.Conflict("This follow-up is already done.")
        follow_up.done_at = timezone.now()
        follow_up.done_by = user
        follow_up.save(update_fields=["done_at", "done_by"])
    return follow_up
