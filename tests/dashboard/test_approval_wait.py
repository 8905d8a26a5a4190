"""Approval time reads the waits recorded on the decisions; the migration that added
them (acts 0004) fills the decisions already in the history with the same values the
figure computed before, from the latest request event at or before each decision."""

import datetime
import importlib

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from acts import services as act_services
from acts.models import ActEvent
from secondmile.dashboard import figures as metrics
from secondmile.dashboard.scope import dashboard_scope
from tests.history_flush import append_only_suspended

from .builders import act, at, days_ago

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
migration = importlib.import_module("acts.migrations.0004_actevent_waited")
_0003 = importlib.import_module("acts.migrations.0003_history_append_only")
handwritten_triggers = {"postgresql": _0003.POSTGRES_DOWN, "sqlite": _0003.SQLITE_DOWN}


def _copy_without_waits(original, staff):
    """A second act whose history rows repeat `original`'s, written as before the
    migration: same actions, statuses and times, no `waited`."""
    twin = act(staff, cost="0")
    ActEvent.objects.bulk_create(
        [
            ActEvent(
                act=twin,
                actor=e.actor,
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                amount=e.amount,
                note=e.note,
                at=e.at,
            )
            for e in original.events.order_by("at", "id")
        ]
    )
    return twin


def _decision_waits(act_):
    return list(
        act_.events.filter(action__in=["approved", "declined"]).order_by("at", "id").values_list("waited", flat=True)
    )


def test_the_backfill_gives_old_decisions_the_waits_the_services_now_record(team, staff, manager):
    start = timezone.now() - 10 * HOUR
    with at(start):
        topped_up = act(staff, cost="60")
        declined = act(staff, cost="90")
    with at(start + HOUR):
        act_services.spend_approve(user=manager, act=topped_up)
    with at(start + 2 * HOUR):
        act_services.act_deliver(user=staff, act=topped_up, actual_cost="72")
        act_services.spend_decline(user=manager, act=declined, note="Not this time")
    with at(start + 5 * HOUR):
        act_services.spend_decline(user=manager, act=topped_up, note="$60 was the deal")
    scope = dashboard_scope(user=staff, start=days_ago(1), end=days_ago(0))
    before = metrics.approval_times(scope)
    assert before == {"count": 3, "median": 2 * HOUR, "p90": 3 * HOUR}  # waits 1 h, 2 h, 3 h

    twins = [_copy_without_waits(original, staff) for original in (topped_up, declined)]
    # A decision with no request before it (as no service writes) keeps no wait.
    orphan = act(staff, cost="0")
    ActEvent.objects.create(
        act=orphan, action="approved", from_status="pending_approval", to_status="approved", at=start
    )
    assert [_decision_waits(twin) for twin in twins] == [[None, None], [None]]

    # The backfill ran with 0003's hand-written triggers, which it drops and re-creates;
    # those have since been replaced (acts 0005), so it runs here as it did then.
    with append_only_suspended(connection):
        assert migration.backfill_waited(ActEvent, connection) == 4
        with connection.cursor() as cursor:
            cursor.execute(handwritten_triggers[connection.vendor])
    assert _decision_waits(twins[0]) == _decision_waits(topped_up) == [HOUR, 3 * HOUR]
    assert _decision_waits(twins[1]) == _decision_waits(declined) == [2 * HOUR]
    assert _decision_waits(orphan) == [None]
    # The twins count as their originals do: the same six waits sorted, 1 1 2 2 3 3 hours.
    assert metrics.approval_times(scope) == {"count": 6, "median": 2 * HOUR, "p90": 3 * HOUR}

    # The history is append-only again afterwards.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ActEvent.objects.filter(act=orphan).update(note="changed")


def test_approval_time_counts_only_the_scopes_decisions(team, other_team, staff, manager, other_staff, other_manager):
    start = timezone.now() - 10 * HOUR
    with at(start):
        ours = act(staff, cost="80")
        theirs = act(other_staff, cost="80")
        old = act(staff, cost="80", days=40)
    with at(start + HOUR):
        act_services.spend_approve(user=manager, act=ours)
        act_services.spend_approve(user=manager, act=old)
    with at(start + 7 * HOUR):
        act_services.spend_approve(user=other_manager, act=theirs)
    scope = dashboard_scope(user=staff, start=days_ago(1), end=days_ago(0))
    assert metrics.approval_times(scope) == {"count": 1, "median": HOUR, "p90": HOUR}
