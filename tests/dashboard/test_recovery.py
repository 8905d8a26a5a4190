"""The recovery rate by its definition, on a small world computed by hand, compared with
the reference over the rows, the API and the page.

Today is 17 Jun 2026; the period is 1 Jan – 17 Jun 2026; Harbour's RECOVERY_DAYS is 90.
reactive acts going ahead (dated in the period):
  r1 c1 10 Jan  return 20 Jan (10 days after)                   → came back
  r2 c2 10 Jan  return 5 Jan (before) and 20 Apr (100 days after) → did not (window closed 10 Apr)
  r3 c3 1 Feb   return 2 May (exactly 90 days after)             → came back
  r4 c4 1 Jun   return 1 Jun (the same day, not after)           → waiting (window open to 30 Aug)
  r5 c5 15 Jun  no return                                       → waiting
not counted: a proactive act of c6 with a return; a declined reactive act of c1; a reactive
act of 20 Dec 2025 (outside the period) with c1's return of 20 Jan; Riverside's reactive act
with its customer's return the next day.
reactive_acts 5, reactive_returned 2 → recovery_rate 0.4; waiting 2 (r4, r5); did not come back 1 (r2).
"""

import datetime

import pytest
import time_machine

from acts import services as act_services
from acts.policy import team_policy_update
from core.tokens import api_token_create
from customers.services import customer_return_record
from secondmile.dashboard import figures as metrics
from secondmile.dashboard.scope import dashboard_scope
from tests.factories import CustomerFactory, log_act
from tests.queries import signed_in

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world(team, other_team, staff, manager, other_staff):
    with time_machine.travel(datetime.datetime(2026, 6, 17, 12, 0, tzinfo=datetime.UTC), tick=False):
        c = [None] + [CustomerFactory(team=team, name=f"Guest {i}") for i in range(1, 7)]

        def reactive(customer, date, **fields):
            return log_act(staff, customer=customer, date=date, trigger="reactive", kind="call", **fields)

        def back(customer, date, user=staff):
            customer_return_record(user=user, customer=customer, date=date)

        reactive(c[1], D(2026, 1, 10))
        back(c[1], D(2026, 1, 20))
        reactive(c[2], D(2026, 1, 10))
        back(c[2], D(2026, 1, 5))
        back(c[2], D(2026, 4, 20))
        reactive(c[3], D(2026, 2, 1))
        back(c[3], D(2026, 5, 2))
        reactive(c[4], D(2026, 6, 1))
        back(c[4], D(2026, 6, 1))
        reactive(c[5], D(2026, 6, 15))

        log_act(staff, customer=c[6], date=D(2026, 3, 1))  # proactive
        back(c[6], D(2026, 3, 2))
        declined = reactive(c[1], D(2026, 1, 15), cost="80")
        act_services.spend_decline(user=manager, act=declined, note="Not for this")
        reactive(c[1], D(2025, 12, 20))  # before the period

        elsewhere = CustomerFactory(team=other_team)
        log_act(other_staff, customer=elsewhere, date=D(2026, 3, 1), trigger="reactive")
        back(elsewhere, D(2026, 3, 2), user=other_staff)
        yield team


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2026, 6, 17, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def test_the_figures_match_the_hand_count(world, staff, today):
    scope = dashboard_scope(user=staff, start="2026-01-01", end="2026-06-17")
    expected = {"reactive": 5, "returned": 2, "recovery_rate": 2 / metrics.Decimal(5)}
    assert metrics.recovery(scope) == expected
    figures = metrics.dashboard_figures(scope)
    assert figures["recovery"] == expected
    assert figures["recovery_waiting"] == 2


def test_the_api_and_the_page_say_the_same(world, staff, today):
    api = signed_in(token=api_token_create(user=staff)[1])
    body = api.get("/api/dashboard?start=2026-01-01&end=2026-06-17").json()
    assert (body["reactive_acts"], body["reactive_returned"], body["recovery_rate"], body["reactive_waiting"]) == (
        5,
        2,
        0.4,
        2,
    )
    page = signed_in(staff).get("/dashboard/?start=2026-01-01&end=2026-06-17").content.decode()
    assert "2 of 5 reactive acts · 2 waiting" in page
    assert (
        "Recovery rate counts a reactive act as a recovery when its customer comes back (a visit or a purchase "
        "recorded on their page) after the act and within 90 days. Of 5 reactive acts: 2 came back, "
        "2 still waiting (window open), 1 did not come back."
    ) in page


def test_an_admin_sees_every_team_with_each_window(world, admin_user, other_team, today):
    api = signed_in(token=api_token_create(user=admin_user)[1])
    body = api.get("/api/dashboard?start=2026-01-01&end=2026-06-17&team=all").json()
    # Riverside's reactive act came back the next day: 3 of 6.
    assert (body["reactive_acts"], body["reactive_returned"], body["reactive_waiting"]) == (6, 3, 2)


def test_a_shorter_window_recounts_the_team(world, staff, admin_user, today):
    team_policy_update(user=admin_user, team=world, recovery_days=30)
    scope = dashboard_scope(user=staff, start="2026-01-01", end="2026-06-17")
    # r1 (10 days) still counts, r3 (90 days) no longer; r4 and r5 still waiting (to 1 Jul, 15 Jul).
    assert metrics.recovery(scope)["returned"] == 1
    assert metrics.dashboard_figures(scope)["recovery"]["returned"] == 1
    assert metrics.dashboard_figures(scope)["recovery_waiting"] == 2


def test_no_reactive_act_is_null_not_zero(staff, today):
    body = signed_in(token=api_token_create(user=staff)[1]).get("/api/dashboard?start=2026-06-01").json()
    assert (body["recovery_rate"], body["reactive_acts"], body["reactive_returned"]) == (None, 0, 0)


def test_a_window_is_open_to_its_last_day_and_each_team_has_its_own(
    staff, other_staff, admin_user, team, other_team, today
):
    """Harbour's N is 30 and Riverside's 90 (today 17 Jun): an act of 18 May (today =
    date + 30) still waits and one of 17 May does not; Riverside's of 1 May (47 days) waits."""
    team_policy_update(user=admin_user, team=team, recovery_days=30)
    team_policy_update(user=admin_user, team=other_team, recovery_days=90)
    with time_machine.travel(datetime.datetime(2026, 6, 17, 12, 0, tzinfo=datetime.UTC), tick=False):
        log_act(staff, date=D(2026, 5, 18), trigger="reactive")
        log_act(staff, date=D(2026, 5, 17), trigger="reactive")
        log_act(other_staff, date=D(2026, 5, 1), trigger="reactive")
        one = dashboard_scope(user=staff, start="2026-05-01", end="2026-06-17")
        every = dashboard_scope(user=admin_user, team="all", start="2026-05-01", end="2026-06-17")
    assert metrics.dashboard_figures(one)["recovery_waiting"] == 1
    assert metrics.dashboard_figures(every)["recovery_waiting"] == 2
