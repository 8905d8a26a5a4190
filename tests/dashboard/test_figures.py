"""Each figure of the dashboard against the hand-computed world in conftest.py."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from acts import budgets
from acts import services as act_services
from core import errors
from core.models import PointsEntry
from core.recognition import kudos_give, leaderboard_visibility_set
from customers.services import customer_return_record
from secondmile.dashboard import figures as metrics
from secondmile.dashboard.scope import Scope, dashboard_scope, period_bounds
from tests.factories import CustomerFactory

from .builders import act, at, days_ago, delivered, retold, tell_story
from .conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope(world, staff):
    return dashboard_scope(user=staff, **PERIOD)


def test_core_figures_follow_the_definitions(scope):
    figures = metrics.dashboard_figures(scope)
    assert figures["acts_count"] == 5
    assert figures["proactive_share"] == Decimal("0.6")
    assert figures["spend_total"] == Decimal("88.00")
    assert figures["stories_count"] == 2
    assert figures["referred_customers_count"] == 2
    assert figures["cost_per_referred_customer"] == Decimal("44.00")
    assert figures["nps_with_act"] == Decimal("33.3")
    assert figures["nps_without_act"] == Decimal("-66.7")


def test_the_other_figures(scope):
    figures = metrics.dashboard_figures(scope)
    assert figures["empowerment_rate"] == Decimal("0.6")
    assert figures["decline_rate"] == Decimal("0.5")
    assert figures["stories_per_act"] == Decimal("0.40")
    assert figures["referral_revenue"] == Decimal("200.00")
    assert figures["referral_return"] == Decimal(200) / Decimal(88)  # 2.27…, rounded on the page only
    assert figures["recovery"] == {"reactive": 2, "returned": 1, "recovery_rate": Decimal("0.5")}
    assert {q["value"]: q["count"] for q in figures["quadrants"]} == {
        "reception": 1,
        "delivery": 1,
        "reliability": 1,
        "response": 2,
    }
    kinds = {k["value"]: k["count"] for k in figures["kinds"]}
    assert kinds == {"call": 2, "gift": 1, "upgrade": 1, "note": 1, "time": 0, "expertise": 0, "waiver": 0, "other": 0}
    assert figures["kinds"][0]["value"] == "call"


def test_spend_counts_actual_cost_once_delivered_else_approved_amount_and_pending_as_zero(world, staff):
    scope = dashboard_scope(user=staff, start=days_ago(10), end=days_ago(10))
    # Day 10: a1 delivered at $18 (approved $20), a2 free, a4 declined.
    assert metrics.act_totals(scope)["spend_total"] == Decimal("18.00")
    scope = dashboard_scope(user=staff, start=days_ago(3), end=days_ago(3))
    assert metrics.act_totals(scope)["spend_total"] == Decimal("0.00")  # a6 waits: counts 0


def test_an_admin_sees_every_team_or_one(world, admin_user, other_team):
    everyone = dashboard_scope(user=admin_user, team="all", **PERIOD)
    assert everyone.team is None
    assert metrics.act_totals(everyone)["acts_count"] == 6  # with the other team's a8
    assert metrics.stories_count(everyone) == 3
    assert metrics.referral_totals(everyone)["referred_customers_count"] == 3
    other = dashboard_scope(user=admin_user, team=str(other_team.pk), **PERIOD)
    assert metrics.act_totals(other)["acts_count"] == 1


def test_staff_and_managers_see_their_team_only(world, staff, manager, team, other_team):
    assert dashboard_scope(user=staff, team=str(team.pk)).team == team
    for user in (staff, manager):
        with pytest.raises(Http404):
            dashboard_scope(user=user, team=str(other_team.pk))
        with pytest.raises(Http404):
            dashboard_scope(user=user, team="all")


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-13-01", "", "start"),
        ("yesterday", "", "start"),
        ("", "31/01/2026", "end"),
        ("2026-03-10", "2026-03-01", "start"),
        ("2010-01-01", "2026-01-01", "end"),
    ],
)
def test_bad_dates_are_refused_with_the_field(staff, start, end, field):
    with pytest.raises(errors.InvalidInput) as refused:
        dashboard_scope(user=staff, start=start, end=end)
    assert refused.value.field == field


def test_named_periods(staff):
    today = timezone.localdate()
    assert period_bounds("month", today=datetime.date(2026, 3, 14)) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 14),
    )
    assert period_bounds("3m", today=datetime.date(2026, 2, 14)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 2, 14),
    )
    assert period_bounds("year", today=datetime.date(2026, 2, 14)) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 14),
    )
    scope = dashboard_scope(user=staff)
    assert (scope.start, scope.end) == (today.replace(day=1), today)
    only_end = dashboard_scope(user=staff, end="2026-03-14")
    assert only_end.start == datetime.date(2026, 3, 1)
    previous = Scope(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 10)).previous()
    assert (previous.start, previous.end) == (datetime.date(2026, 2, 19), datetime.date(2026, 2, 28))


def test_an_empty_period_divides_by_nothing(team, staff):
    scope = dashboard_scope(user=staff, start="2001-01-01", end="2001-01-31")
    figures = metrics.dashboard_figures(scope)
    assert figures["acts_count"] == 0
    assert figures["spend_total"] == Decimal("0.00")
    for name in (
        "proactive_share",
        "empowerment_rate",
        "decline_rate",
        "stories_per_act",
        "cost_per_referred_customer",
        "referral_return",
        "nps_with_act",
        "nps_without_act",
    ):
        assert figures[name] is None, name
    assert figures["recovery"]["recovery_rate"] is None
    assert figures["approval_time"] == {"count": 0, "median": None, "p90": None}


def test_approval_time_median_and_90th_percentile(team, staff, manager, admin_user):
    start = timezone.now() - datetime.timedelta(days=1)
    waits = [datetime.timedelta(hours=h) for h in (1, 2, 3, 10)]
    for index, wait in enumerate(waits):
        with at(start):
            request = act(staff, cost="80")
        with at(start + wait):
            if index == 3:
                act_services.spend_decline(user=manager, act=request, note="Not this time")
            else:
                act_services.spend_approve(user=manager, act=request)
    with at(start):
        act(staff, cost="80")  # still waiting: no decision, no time
    scope = dashboard_scope(user=staff, start=days_ago(2), end=days_ago(0))
    times = metrics.approval_times(scope)
    assert times == {"count": 4, "median": datetime.timedelta(hours=2.5), "p90": datetime.timedelta(hours=10)}

    with at(start):
        request = act(staff, cost="80")
    with at(start + datetime.timedelta(minutes=30)):
        act_services.spend_approve(user=manager, act=request)
    times = metrics.approval_times(scope)
    # 0.5, 1, 2, 3, 10 hours: the middle one, and the value at rank ⌈4.5⌉ = 5.
    assert times == {"count": 5, "median": datetime.timedelta(hours=2), "p90": datetime.timedelta(hours=10)}


def test_activity_series_by_week_from_the_first_day(scope):
    series = metrics.activity_series(scope)
    assert series["unit"] == "week"
    assert [(r["start"], r["acts"], r["stories"]) for r in series["rows"]] == [
        (days_ago(20), 0, 0),
        (days_ago(13), 3, 0),
        (days_ago(6), 2, 2),
    ]


def test_long_periods_go_by_month(staff):
    series = metrics.activity_series(dashboard_scope(user=staff, start="2025-01-15", end="2025-12-31"))
    assert series["unit"] == "month"
    assert len(series["rows"]) == 12
    assert series["rows"][0]["start"] == datetime.date(2025, 1, 15)


def test_budget_by_month_uses_the_months_row_else_the_team_default(team, staff, admin_user):
    today = timezone.localdate()
    act(staff, cost="20")
    budgets.budget_set(user=admin_user, team=team, month=today, amount=Decimal("500"))
    scope = dashboard_scope(user=staff, start=today.replace(day=1), end=today)
    [month] = metrics.budget_by_month(scope)
    assert month == {
        "month": today.replace(day=1),
        "budget": Decimal("500.00"),
        "spend": Decimal("20.00"),
        "share": Decimal("0.04"),
    }
    old = metrics.budget_by_month(dashboard_scope(user=staff, start="2001-01-01", end="2001-02-10"))
    assert [(m["budget"], m["spend"]) for m in old] == [(Decimal("1000.00"), 0), (Decimal("1000.00"), 0)]


def test_leaderboard_ranks_outcomes_and_leaves_out_who_asked(team, staff, staff2, manager, admin_user):
    # Outcomes only: two stories retelling ana's acts, one retelling sam's; delivering earns nothing.
    retold(staff, admin_user)
    retold(staff, admin_user)
    retold(staff2, admin_user)
    delivered(staff2)
    kudos_give(user=manager, receiver=staff2, note="Great recovery")
    scope = dashboard_scope(user=staff)
    board = metrics.leaderboard(scope)
    assert [(p.username, p.period_points, p.period_kudos) for p in board] == [("ana", 10, 0), ("sam", 5, 1)]
    assert PointsEntry.objects.filter(user=staff).count() == 2
    leaderboard_visibility_set(user=staff, hidden=True)
    assert [p.username for p in metrics.leaderboard(scope)] == ["sam"]
    earlier = dashboard_scope(user=staff, start="2001-01-01", end="2001-01-31")
    assert metrics.leaderboard(earlier) == []


def _scope_of_today(user):
    return dashboard_scope(user=user, start=days_ago(0), end=days_ago(0))


def test_a_declined_top_up_is_a_decision_and_the_act_stays_empowered(team, staff, manager, afternoon):
    """An empowered act ($40) delivered at $70 asks for the difference; the manager declines
    it three hours later. The act stays delivered at $70, $30 over its approved $40 (level
    now "manager")."""
    start = afternoon - datetime.timedelta(hours=5)
    with at(start):
        empowered = act(staff, cost="40")
    with at(start + datetime.timedelta(hours=1)):
        act_services.act_deliver(user=staff, act=empowered, actual_cost="70")
    with at(start + datetime.timedelta(hours=4)):
        act_services.spend_decline(user=manager, act=empowered, note="Keep it to what was approved")
    empowered.refresh_from_db()
    assert (empowered.status, empowered.approval_level) == ("delivered", "manager")

    scope = _scope_of_today(staff)
    assert metrics.decision_totals(scope) == {"requests_decided_count": 1, "declined_count": 1, "empowered_count": 1}
    figures = metrics.dashboard_figures(scope)
    assert figures["decline_rate"] == 1  # 1 declined of 1 decision
    assert figures["empowerment_rate"] == 1  # it needed nobody's approval when logged
    assert figures["approval_time"] == {
        "count": 1,
        "median": datetime.timedelta(hours=3),
        "p90": datetime.timedelta(hours=3),
    }


def test_a_requests_first_wait_and_its_top_ups_wait_both_count(team, staff, manager, afternoon):
    """$60 asked, approved after 1 h; delivered at $72, the top-up declined after 3 h; a
    second act ($10) was empowered. Decisions 2, declines 1, waits 1 h and 3 h; 1 of 2 acts
    needed nobody's approval."""
    start = afternoon - datetime.timedelta(hours=6)
    with at(start):
        request = act(staff, cost="60")
        act(staff, cost="10")
    with at(start + datetime.timedelta(hours=1)):
        act_services.spend_approve(user=manager, act=request)
    with at(start + datetime.timedelta(hours=2)):
        act_services.act_deliver(user=staff, act=request, actual_cost="72")
    with at(start + datetime.timedelta(hours=5)):
        act_services.spend_decline(user=manager, act=request, note="$60 was the deal")

    figures = metrics.dashboard_figures(_scope_of_today(staff))
    assert figures["decline_rate"] == Decimal("0.5")
    assert figures["empowerment_rate"] == Decimal("0.5")
    # The first wait survives the top-up rewriting requested_at: (1 h + 3 h) / 2, and rank ⌈1.8⌉ = 2.
    assert figures["approval_time"] == {
        "count": 2,
        "median": datetime.timedelta(hours=2),
        "p90": datetime.timedelta(hours=3),
    }


def test_recovery_counts_a_return_after_the_act_within_the_window_only(team, staff, manager, admin_user):
    """Reactive act on day 100; RECOVERY_DAYS 90. A later act, a told story, a return before
    the act or on its day do not count; a return 91 days after does not; one 90 days after does."""
    customer = CustomerFactory(team=team)
    act(staff, days=100, customer=customer, trigger="reactive", kind="call")
    scope = dashboard_scope(user=staff, start=days_ago(100), end=days_ago(100))
    act(staff, days=50, customer=customer, cost="20")
    tell_story(customer, days=40, status="approved", moderator=admin_user)
    for days in (101, 100, 9):
        customer_return_record(user=staff, customer=customer, date=days_ago(days))
    assert metrics.recovery(scope) == {"reactive": 1, "returned": 0, "recovery_rate": Decimal("0")}
    customer_return_record(user=staff, customer=customer, date=days_ago(10))  # day 100 + 90
    assert metrics.recovery(scope) == {"reactive": 1, "returned": 1, "recovery_rate": Decimal("1")}
    assert metrics.dashboard_figures(scope)["recovery"] == metrics.recovery(scope)


def test_proactive_share_keeps_its_precision(team, staff):
    for trigger in ("proactive", "reactive", "reactive"):
        act(staff, days=200, trigger=trigger)
    figures = metrics.dashboard_figures(dashboard_scope(user=staff, start=days_ago(200), end=days_ago(200)))
    assert figures["proactive_share"] == Decimal(1) / Decimal(3)
