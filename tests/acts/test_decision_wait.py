"""Each decision records how long the request it answered waited (ActEvent.waited)."""

import datetime

import pytest
from django.utils import timezone

from acts import services
from acts.models import ActEvent
from tests.dashboard.builders import at
from tests.factories import log_act

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def _waits(act):
    return list(act.events.order_by("at", "id").values_list("action", "waited"))


def test_an_approval_records_the_wait_since_the_request(staff, manager):
    start = timezone.now() - 5 * HOUR
    with at(start):
        request = log_act(staff, cost="80")
    with at(start + 2 * HOUR):
        services.spend_approve(user=manager, act=request)
    assert _waits(request) == [("logged", None), ("approved", 2 * HOUR)]


def test_a_decline_records_the_wait_since_the_request(staff, manager):
    start = timezone.now() - 5 * HOUR
    with at(start):
        request = log_act(staff, cost="80")
    with at(start + datetime.timedelta(minutes=95)):
        services.spend_decline(user=manager, act=request, note="Not this time")
    assert _waits(request) == [("logged", None), ("declined", datetime.timedelta(minutes=95))]


def test_a_top_up_decision_waits_from_the_top_up_not_from_the_first_request(staff, manager):
    """$60 asked at 0, approved at 1 h; delivered at $72 at 2 h; the top-up approved at 5 h:
    waits 1 h and 3 h."""
    start = timezone.now() - 6 * HOUR
    with at(start):
        request = log_act(staff, cost="60")
    with at(start + HOUR):
        services.spend_approve(user=manager, act=request)
    with at(start + 2 * HOUR):
        services.act_deliver(user=staff, act=request, actual_cost="72")
    with at(start + 5 * HOUR):
        services.spend_approve(user=manager, act=request)
    assert _waits(request) == [("logged", None), ("approved", HOUR), ("more_requested", None), ("approved", 3 * HOUR)]


def test_the_wait_agrees_exactly_with_the_request_and_decision_events(staff, manager):
    """On the real clock: the request event is stamped with requested_at and the decision
    event with decided_at, so waited is exactly the difference of the two events' times."""
    request = log_act(staff, cost="80")
    services.spend_approve(user=manager, act=request)
    request.refresh_from_db()
    logged, approved = request.events.order_by("at", "id")
    assert logged.at == request.requested_at
    assert approved.at == request.decided_at
    assert approved.waited == approved.at - logged.at


def test_empowered_and_withdrawn_acts_record_no_wait(staff):
    empowered = log_act(staff, cost="20")
    request = log_act(staff, cost="80")
    services.spend_withdraw(user=staff, act=request)
    assert not ActEvent.objects.filter(act__in=[empowered, request], waited__isnull=False).exists()
