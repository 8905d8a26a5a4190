"""The real cost is never lost: an act delivered at $80 with a receipt, approved for $40,
whose top-up is declined, stays delivered at $80. Spend counts $80; the budget holds the
$40 approved and shows the $40 over the approved amount (declined) apart; managers and
admins see it on the approvals page, staff do not."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum

from acts import services
from acts.models import Act, BudgetMonth, FollowUp
from acts.summaries import act_spend
from bench.invariants import budget_problems
from core import errors
from core.tokens import api_token_create
from secondmile.dashboard import figures as metrics
from secondmile.dashboard.scope import dashboard_scope
from tests.factories import log_act
from tests.queries import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 17, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _receipt():
    return SimpleUploadedFile("r.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")


@pytest.fixture
def declined_top_up(staff, manager, team):
    """$40 empowered, delivered at $80 with a receipt, the top-up declined by the manager."""
    act = log_act(staff, cost="40")
    act = services.act_deliver(user=staff, act=act, actual_cost="80", receipt=_receipt())
    assert (act.status, act.actual_cost) == ("pending_approval", Decimal("80.00"))
    return services.spend_decline(user=manager, act=act, note="Keep to what was approved")


def test_the_act_stays_delivered_at_its_actual_cost(declined_top_up):
    act = Act.objects.get(pk=declined_top_up.pk)
    assert (act.status, act.approved_amount, act.actual_cost, act.over_approved) == (
        "delivered",
        Decimal("40.00"),
        Decimal("80.00"),
        Decimal("40.00"),
    )
    assert act.receipt
    assert act.delivered_at is not None
    assert [e.action for e in act.events.order_by("at", "id")][-2:] == ["more_requested", "declined"]
    assert act.events.order_by("-at", "-id").first().to_status == "delivered"
    # The delivery's follow-ups are due: it is delivered.
    assert FollowUp.objects.filter(act=act).count() == 2


def test_spend_counts_the_actual_cost_and_the_budget_holds_what_was_approved(declined_top_up, staff):
    budget = BudgetMonth.objects.get()
    assert (budget.committed, budget.over_approved, budget.remaining) == (
        Decimal("40.00"),
        Decimal("40.00"),
        Decimal("960.00"),
    )
    assert Act.objects.aggregate(spend=Sum(act_spend()))["spend"] == Decimal("80.00")
    scope = dashboard_scope(user=staff, start="2026-06-17", end="2026-06-17")
    assert metrics.dashboard_figures(scope)["spend_total"] == Decimal("80.00")  # from the day summaries
    assert metrics.act_totals(scope)["spend_total"] == Decimal("80.00")


def test_the_budget_api_shows_commitments_and_the_excess_apart(declined_top_up, staff):
    body = signed_in(token=api_token_create(user=staff)[1]).get("/api/budget?month=2026-06").json()
    assert (body["committed"], body["remaining"], body["over_approved"]) == ("40.00", "960.00", "40.00")
    act = signed_in(token=api_token_create(user=staff)[1]).get(f"/api/acts/{declined_top_up.pk}").json()
    assert (act["status"], act["actual_cost"], act["over_approved"]) == ("delivered", "80.00", "40.00")


def test_managers_and_admins_see_the_exception_staff_do_not(declined_top_up, staff, manager, admin_user):
    for person in (manager, admin_user):
        page = signed_in(person).get("/approvals/").content.decode()
        assert f'id="over-{declined_top_up.pk}"' in page
        assert "$40.00 over the approved amount (declined)" in page
        assert 'id="budget-over-approved">$40.00<' in page
    assert signed_in(staff).get("/approvals/").status_code == 404
    act_page = signed_in(staff).get(f"/acts/{declined_top_up.pk}/").content.decode()
    assert "Delivered at $80.00: $40.00 over the approved amount (declined)" in act_page
    policy = signed_in(admin_user).get("/team/policy/").content.decode()
    assert "Over approved (declined)" in policy


def test_the_decline_message_says_what_happened(staff, manager):
    act = services.act_deliver(user=staff, act=log_act(staff, cost="40"), actual_cost="60")
    response = signed_in(manager).post(f"/acts/{act.pk}/decline/", {"note": "No"}, follow=True)
    assert "Declined the top-up for" in response.content.decode()
    assert "delivered at $60.00, $20.00 over the approved amount (declined)" in response.content.decode()


def test_a_top_up_approved_for_less_keeps_the_rest_as_over(staff, manager):
    act = services.act_deliver(user=staff, act=log_act(staff, cost="40"), actual_cost="70")
    act = services.spend_approve(user=manager, act=act, amount="60")
    assert (act.status, act.approved_amount, act.over_approved) == ("delivered", Decimal("60.00"), Decimal("10.00"))
    budget = BudgetMonth.objects.get()
    assert (budget.committed, budget.over_approved) == (Decimal("60.00"), Decimal("10.00"))


def test_a_top_up_cannot_be_approved_below_what_was_approved(staff, manager):
    act = services.act_deliver(user=staff, act=log_act(staff, cost="40"), actual_cost="70")
    with pytest.raises(errors.InvalidInput) as refused:
        services.spend_approve(user=manager, act=act, amount="30")
    assert refused.value.message == services.MSG_TOP_UP_BELOW_APPROVED.format(approved="$40.00")
    assert Act.objects.get(pk=act.pk).status == "pending_approval"


def test_a_withdrawn_top_up_can_be_delivered_again_with_the_right_cost(staff):
    act = services.act_deliver(user=staff, act=log_act(staff, cost="40"), actual_cost="70")  # a typo: it was $40
    act = services.spend_withdraw(user=staff, act=act)
    assert (act.status, act.actual_cost, act.over_approved) == ("approved", None, Decimal("0.00"))
    act = services.act_deliver(user=staff, act=act, actual_cost="40")
    assert (act.status, act.actual_cost) == ("delivered", Decimal("40.00"))


def test_the_bench_invariants_hold(declined_top_up, staff, manager):
    services.act_deliver(user=staff, act=log_act(staff, cost="20"), actual_cost="15")
    assert budget_problems() == (1, [])
