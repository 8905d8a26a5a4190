"""Follow-ups on PostgreSQL: done and snoozed under the follow-up's row lock, so a double
click or two teammates at once record it once, with one audit row."""

import datetime

import pytest

from acts import followups
from acts.models import FollowUp
from core import errors
from core.models import AuditEvent
from tests.concurrency import run_at_once
from tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _follow_up(team) -> FollowUp:
    customer = CustomerFactory(team=team)
    return FollowUp.objects.create(team=team, customer=customer, kind="thank_you", due_on=datetime.date(2027, 5, 20))


def test_one_follow_up_done_by_ten_at_once_is_done_once(team, staff):
    follow_up = _follow_up(team)

    outcomes = run_at_once([lambda: followups.followup_done(user=staff, follow_up=follow_up)] * 10)

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("crashed") == 0, outcomes
    assert kinds.count("ok") == 1
    assert all(isinstance(e, errors.Conflict) for kind, e in outcomes if kind == "refused")
    follow_up.refresh_from_db()
    assert follow_up.done_by == staff
    done = AuditEvent.objects.filter(action=AuditEvent.Action.FOLLOWUP_DONE, target_id=follow_up.pk)
    assert [(event.before, event.after) for event in done] == [({"done": False}, {"done": True})]


def test_a_snooze_racing_a_done_never_moves_a_done_follow_up(team, staff):
    follow_up = _follow_up(team)
    jobs = [
        lambda: followups.followup_done(user=staff, follow_up=follow_up),
        *[lambda: followups.followup_snooze(user=staff, follow_up=follow_up, days=3)] * 5,
    ]

    outcomes = run_at_once(jobs)

    assert [kind for kind, _ in outcomes].count("crashed") == 0, outcomes
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None
    snoozes = AuditEvent.objects.filter(action=AuditEvent.Action.FOLLOWUP_SNOOZED, target_id=follow_up.pk).count()
    # Every snooze moves it to the same day: only the first that ran before the done changed it.
    assert snoozes == (1 if any(kind == "ok" for kind, _ in outcomes[1:]) else 0)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FOLLOWUP_DONE, target_id=follow_up.pk).count() == 1
