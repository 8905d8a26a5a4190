"""Reminders of waiting requests at their boundaries (24 h reminds the approvers, 48 h
the admins too, each once), and the morning mail of follow-ups due today."""

import datetime

import pytest
import time_machine

from acts.models import ActEvent, FollowUp
from acts.policy import team_policy_update
from acts.reminders import approval_reminders_send, followup_reminders_send
from acts.services import spend_approve
from core.models import OutgoingMail
from tests.factories import CustomerFactory, UserFactory, log_act

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def waiting(staff, manager, admin_user, django_capture_on_commit_callbacks, mailoutbox):
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        act = log_act(staff, cost="75.00", customer=CustomerFactory(team=staff.team, name="Elena Petrova"))
    mailoutbox.clear()
    return act


def _run_at(moment, job, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return job.call()


def test_a_request_reminds_its_approvers_once_after_24_hours(
    waiting, manager, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    assert _run_at(T0 + datetime.timedelta(hours=23, minutes=59), approval_reminders_send, run)["reminded"] == 0
    assert mailoutbox == []
    assert _run_at(T0 + datetime.timedelta(hours=24), approval_reminders_send, run)["reminded"] == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, admin_user.email])
    assert {m.subject for m in mailoutbox} == {"Reminder: $75.00 for Elena Petrova"}
    assert "has waited 24 hours" in mailoutbox[0].body
    event = waiting.events.get(action=ActEvent.Action.REMINDED)
    assert event.note == "Waited 24 hours: reminded its approvers (2)."
    mailoutbox.clear()
    assert _run_at(T0 + datetime.timedelta(hours=25), approval_reminders_send, run)["reminded"] == 0
    assert mailoutbox == []


def test_after_48_hours_it_goes_to_the_admins_too_once(
    waiting, manager, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    _run_at(T0 + datetime.timedelta(hours=24), approval_reminders_send, run)
    mailoutbox.clear()
    second_admin = UserFactory(username="zoe", team=manager.team, role="admin")
    assert _run_at(T0 + datetime.timedelta(hours=47, minutes=59), approval_reminders_send, run) == {
        "reminded": 0,
        "escalated": 0,
    }
    assert _run_at(T0 + datetime.timedelta(hours=48), approval_reminders_send, run) == {"reminded": 0, "escalated": 1}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([admin_user.email, second_admin.email])
    assert {m.subject for m in mailoutbox} == {"Still waiting: $75.00 for Elena Petrova"}
    assert "Sent to the admins too" in [e.get_action_display() for e in waiting.events.all()]
    mailoutbox.clear()
    assert _run_at(T0 + datetime.timedelta(hours=72), approval_reminders_send, run) == {"reminded": 0, "escalated": 0}
    assert mailoutbox == []


def test_a_decided_request_reminds_nobody(waiting, manager, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(T0 + datetime.timedelta(hours=1), tick=False):
        spend_approve(user=manager, act=waiting, note="")
    mailoutbox.clear()
    assert _run_at(T0 + datetime.timedelta(hours=50), approval_reminders_send, django_capture_on_commit_callbacks) == {
        "reminded": 0,
        "escalated": 0,
    }
    assert mailoutbox == []


def test_the_team_sets_its_own_reminder_and_escalation_hours(
    waiting, admin_user, team, mailoutbox, django_capture_on_commit_callbacks
):
    team_policy_update(user=admin_user, team=team, reminder_hours=2, escalation_hours=3)
    run = django_capture_on_commit_callbacks
    assert _run_at(T0 + datetime.timedelta(hours=1, minutes=59), approval_reminders_send, run)["reminded"] == 0
    assert _run_at(T0 + datetime.timedelta(hours=2), approval_reminders_send, run)["reminded"] == 1
    assert _run_at(T0 + datetime.timedelta(hours=3), approval_reminders_send, run)["escalated"] == 1


def test_escalation_cannot_come_before_the_reminder(admin_user, team):
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="no sooner than the reminder"):
        team_policy_update(user=admin_user, team=team, reminder_hours=24, escalation_hours=12)
    team.refresh_from_db()
    assert (team.reminder_hours, team.escalation_hours) == (24, 48)


def test_follow_ups_due_today_remind_their_owner_each_morning(
    staff, staff2, manager, team, mailoutbox, django_capture_on_commit_callbacks
):
    today = datetime.date(2026, 3, 10)
    with time_machine.travel(T0, tick=False):
        act = log_act(staff, customer=CustomerFactory(team=team, name="Elena Petrova"))
    FollowUp.objects.create(team=team, customer=act.customer, act=act, kind="thank_you", due_on=today)
    FollowUp.objects.create(team=team, customer=act.customer, act=act, kind="check_in", due_on=today)
    FollowUp.objects.create(
        team=team, customer=act.customer, act=act, kind="check_in", due_on=today, done_at=T0, done_by=staff
    )
    FollowUp.objects.create(team=team, customer=act.customer, act=act, kind="check_in", due_on=today.replace(day=11))
    FollowUp.objects.create(
        team=team, customer=CustomerFactory(team=team, name="Walter"), kind="detractor", due_on=today
    )
    morning = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=datetime.UTC)
    assert _run_at(morning, followup_reminders_send, django_capture_on_commit_callbacks) == 2
    mails = {m.to[0]: m for m in mailoutbox}
    assert set(mails) == {staff.email, manager.email}
    assert mails[staff.email].subject == "2 follow-ups due today"
    assert "Thank-you note: Elena Petrova" in mails[staff.email].body
    assert "Check-in call: Elena Petrova" in mails[staff.email].body
    assert mails[manager.email].subject == "1 follow-up due today"
    assert "Detractor follow-up: Walter" in mails[manager.email].body
    mailoutbox.clear()
    _run_at(morning + datetime.timedelta(hours=1), followup_reminders_send, django_capture_on_commit_callbacks)
    assert mailoutbox == [], "once a day"
    assert OutgoingMail.objects.filter(key__startswith="followups:2026-03-10").count() == 2
