"""Follow-ups: what a delivered act (or a low NPS score) leaves to do for the customer,
marking one done, and snoozing one to a later day. Each done or snooze is an audit row
(who, when, why)."""

import datetime

from django.db import transaction
from django.utils import timezone

from core import errors
from core.audit import audited_update
from core.models import AuditEvent, User
from core.roles import require_team_of

from .models import FollowUp

# Days after delivery that each follow-up falls due.
FOLLOW_UP_DAYS = {"thank_you": 2, "check_in": 14}

# How far a follow-up can be put off at a time (days): a snooze is a short "not today".
SNOOZE_DAYS = (1, 3, 7)
MSG_ALREADY_DONE = "This follow-up is already done."
MSG_SNOOZE_DAYS = "Snooze for 1, 3 or 7 days."


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


def _open_locked(*, user: User, follow_up) -> FollowUp:
    """The follow-up re-read under its row lock, once it is the user's team's (an admin's:
    any) and not done yet (Conflict: a double click, or a teammate first)."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    require_team_of(user, follow_up, "This follow-up belongs to another team.")
    if follow_up.done_at is not None:
        raise errors.Conflict(MSG_ALREADY_DONE)
    return follow_up


def followup_done(*, user: User, follow_up):
    """Mark a follow-up done by `user`: someone of its team (an admin of any team).

    Locked and checked: a follow-up already done raises Conflict, so a double click
    records it once.
    """
    with transaction.atomic():
        follow_up = _open_locked(user=user, follow_up=follow_up)
        audited_update(
            follow_up,
            actor=user,
            action=AuditEvent.Action.FOLLOWUP_DONE,
            team=follow_up.team,
            changes={"done_at": timezone.now(), "done_by": user},
            shown=lambda values: {"done": values["done_at"] is not None},
        )
    return follow_up


def followup_snooze(*, user: User, follow_up, days, reason: str = "") -> FollowUp:
    """Put off a follow-up that is not done: it falls due `days` (1, 3 or 7) after today.

    Someone of its team (an admin of any team); locked, so a done in the meantime wins
    and the snooze raises Conflict. The move is an audit row with the old and new day.
    """
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if days not in SNOOZE_DAYS:
        raise errors.InvalidInput(MSG_SNOOZE_DAYS, field="days")
    with transaction.atomic():
        follow_up = _open_locked(user=user, follow_up=follow_up)
        audited_update(
            follow_up,
            actor=user,
            action=AuditEvent.Action.FOLLOWUP_SNOOZED,
            team=follow_up.team,
            changes={"due_on": timezone.localdate() + datetime.timedelta(days=days)},
            reason=(reason or "").strip()[:500],
        )
    return follow_up
