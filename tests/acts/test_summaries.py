"""The day summaries the dashboard reads: kept equal to the acts by the services.

Each test compares DaySummary rows with a fresh computation over the acts and their
history (summaries.act_aggregates and decision_aggregates, the figures' definitions),
so a service that forgot to refresh its day, or refreshed it before its history row,
shows up as a difference.
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acts import services, summaries
from acts.models import Act, ActEvent, DaySummary
from secondmile.dashboard import figures as metrics
from secondmile.dashboard.scope import Scope
from tests.concurrency import run_at_once
from tests.dashboard.builders import days_ago
from tests.factories import CustomerFactory, log_act

pytestmark = pytest.mark.django_db


def recomputed() -> dict:
    """{(team, date): figures} computed from scratch over the acts and their history."""
    on_acts, on_events = summaries.act_aggregates(), metrics.decision_aggregates()
    result = {}
    for team_id, date in Act.objects.order_by().values_list("team_id", "date").distinct():
        totals = Act.objects.filter(team_id=team_id, date=date).aggregate(**on_acts)
        totals.update(ActEvent.objects.filter(act__team_id=team_id, act__date=date).aggregate(**on_events))
        totals["spend_total"] = Decimal(totals["spend_total"]).quantize(Decimal("0.01"))
        result[(team_id, date)] = totals
    return result


def stored() -> dict:
    names = summaries.summed_fields()
    return {
        (row["team_id"], row["date"]): {name: row[name] for name in names}
        for row in DaySummary.objects.values("team_id", "date", *names)
    }


def test_the_summary_has_one_column_per_summed_figure():
    names = set(summaries.summed_fields())
    assert names == set(summaries.act_aggregates()) | set(metrics.decision_aggregates())


def test_every_service_call_leaves_the_summary_equal_to_a_recomputation(
    team, staff, staff2, manager, admin_user, other_staff
):
    customer = CustomerFactory(team=team)
    steps = []

    def check(step):
        steps.append(step)
        assert stored() == recomputed(), f"after {steps}"

    free = log_act(staff, cost="0", customer=customer, trigger="reactive", quadrant="response", kind="call")
    check("log, no cost")
    empowered = log_act(staff, cost="20", customer=customer)
    check("log, empowered")
    approved = log_act(staff, cost="80", customer=customer, kind="upgrade")
    check("log, request")
    services.spend_approve(user=manager, act=approved, amount="70")
    check("approve for less")
    declined = log_act(staff2, cost="150", customer=customer, quadrant="reception")
    services.spend_decline(user=admin_user, act=declined, note="Too much")
    check("decline")
    withdrawn = log_act(staff2, cost="60", customer=customer, kind="time")
    services.spend_withdraw(user=staff2, act=withdrawn)
    check("withdraw")
    services.act_deliver(user=staff, act=empowered, actual_cost="18")
    check("deliver for less")
    topped = services.act_deliver(user=staff, act=approved, actual_cost="75", note="Dearer than thought")
    assert topped.status == "pending_approval"
    check("deliver with a top-up")
    services.spend_approve(user=admin_user, act=topped)
    check("approve the top-up (it is delivered at once)")
    refused = log_act(staff, cost="40", customer=customer)
    refused = services.act_deliver(user=staff, act=refused, actual_cost="70")
    services.spend_decline(user=manager, act=refused, note="Keep to what was approved")
    check("decline a top-up")
    backdated = log_act(staff, cost="30", customer=customer, date=days_ago(40), kind="note")
    check("log a backdated act")
    services.act_deliver(user=staff, act=backdated, actual_cost="30")
    services.act_customer_knows(user=staff, act=backdated, how="A card")
    check("deliver, customer knows, 40 days ago")
    log_act(other_staff, cost="10")
    check("another team")
    services.act_deliver(user=staff, act=free, actual_cost="0")
    check("deliver at no cost")

    today = stored()[(team.pk, days_ago(0))]
    assert today["acts_count"] == 4  # free, empowered, approved (topped up), refused top-up
    # The refused top-up counts its actual cost, $70, once delivered (not the $40 approved).
    assert today["spend_total"] == Decimal("18.00") + Decimal("75.00") + Decimal("70.00")
    assert today["requests_decided_count"] == 4  # 80 approved, 150 declined, top-up approved, top-up declined
    assert today["declined_count"] == 2
    assert stored()[(team.pk, days_ago(40))]["spend_total"] == Decimal("30.00")


def test_the_dashboard_figures_from_summaries_equal_those_over_the_acts(team, staff, manager, other_staff):
    for days in (0, 1, 1, 5, 12, 30):
        log_act(staff, cost="20", date=days_ago(days), trigger="reactive" if days % 2 else "proactive")
    request = log_act(staff, cost="90", date=days_ago(5))
    services.spend_approve(user=manager, act=request)
    log_act(other_staff, cost="30", date=days_ago(1))
    scope = Scope(start=days_ago(20), end=days_ago(0), team=team)

    from_acts = metrics.scope_acts(scope).aggregate(**summaries.act_aggregates())
    from_acts.update(metrics.decision_totals(scope))
    totals = metrics.act_totals(scope)

    assert {k: v for k, v in totals.items() if k != "spend_total"} == {
        k: v for k, v in from_acts.items() if k != "spend_total"
    }
    assert totals["acts_count"] == 6
    assert totals["spend_total"] == Decimal("190.00") == Decimal(from_acts["spend_total"]).quantize(Decimal("0.01"))
    assert metrics.daily_act_totals(scope) == {
        days_ago(0): (1, Decimal("20.00")),
        days_ago(1): (2, Decimal("40.00")),
        days_ago(5): (2, Decimal("110.00")),
        days_ago(12): (1, Decimal("20.00")),
    }


def test_rebuild_summaries_restores_acts_written_around_the_services(team, staff, other_staff):
    log_act(staff, cost="20", date=days_ago(3))
    log_act(other_staff, cost="0", date=days_ago(3))
    bulk = Act.objects.filter(team=team).first()
    Act.objects.bulk_create(
        [
            Act(
                team=team,
                author=staff,
                customer=bulk.customer,
                date=days_ago(2),
                problem="p",
                solution="s",
                quadrant="delivery",
                kind="gift",
                status="approved",
                approval_level="none",
                approved_amount=Decimal("0"),
            )
        ]
    )
    DaySummary.objects.filter(team=other_staff.team).delete()
    assert stored() != recomputed()

    out = io.StringIO()
    call_command("rebuild_summaries", stdout=out)

    assert stored() == recomputed()
    assert "Summarised 3 team-days" in out.getvalue()
    scope = Scope(start=days_ago(10), end=days_ago(0), team=team)
    assert metrics.act_totals(scope)["acts_count"] == 2


def test_reading_the_period_is_one_query_whatever_the_number_of_acts(team, staff):
    scope = Scope(start=days_ago(60), end=days_ago(0), team=team)
    counts = []
    for how_many in (1, 40):
        for i in range(how_many):
            log_act(staff, cost="5", date=days_ago(i % 60))
        with CaptureQueriesContext(connection) as queries:
            metrics.act_totals(scope)
            metrics.daily_act_totals(scope)
        counts.append(len(queries))
    assert counts == [2, 2]


def test_refreshing_a_day_is_a_fixed_number_of_small_queries(team, staff):
    counts = []
    for how_many in (1, 30):
        for _ in range(how_many):
            log_act(staff, cost="5", date=days_ago(7))
        with CaptureQueriesContext(connection) as queries:
            summaries.refresh_day(team.pk, days_ago(7))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 7  # savepoint, insert-if-missing, lock, two sums, write, release
    assert stored()[(team.pk, days_ago(7))]["acts_count"] == 31


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_requests_logged_at_once_on_one_day_all_reach_the_summary(team, staff, staff2, manager):
    """Logging a request locks neither a budget nor the team: without the summary row's
    lock, each would sum the day before the others committed, and the last one written
    would forget them. (Decisions already queue on the act's lock, which also locks the
    team row through select_related; the summary's own lock does not rely on that.)"""
    customer = CustomerFactory(team=team)

    outcomes = run_at_once(
        [lambda user=user: log_act(user, cost="90", customer=customer) for user in [staff, staff2] * 4]
    )

    assert [kind for kind, _ in outcomes] == ["ok"] * 8, outcomes
    row = DaySummary.objects.get(team=team, date=days_ago(0))
    assert (row.acts_count, row.requests_decided_count) == (8, 0)
    assert stored() == recomputed()
