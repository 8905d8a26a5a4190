"""The spend policy, transitions and budget arithmetic, against the real database."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from acts import budgets, services
from acts.models import Act, ActEvent, BudgetMonth
from core import errors
from tests.factories import log_act

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cost", "status", "level"),
    [
        ("0", "approved", "none"),
        ("0.01", "approved", "empowered"),
        ("50.00", "approved", "empowered"),
        ("50.01", "pending_approval", "manager"),
        ("100.00", "pending_approval", "manager"),
        ("100.01", "pending_approval", "admin"),
        ("150.00", "pending_approval", "admin"),
    ],
)
def test_policy_routes_each_cost_at_the_boundaries(staff, cost, status, level):
    act = log_act(staff, cost=cost)
    act.refresh_from_db()
    assert (act.status, act.approval_level) == (status, level)


def test_empowered_act_commits_its_cost_and_records_history(staff):
    act = log_act(staff, cost="20.00")
    budget = BudgetMonth.objects.get(team=staff.team)
    assert budget.committed == Decimal("20.00")
    assert act.approved_amount == Decimal("20.00")
    actions = list(act.events.values_list("action", flat=True))
    assert actions == ["logged", "auto_approved"]
    assert act.events.first().actor == staff


def test_waiting_request_commits_nothing_until_approved(staff):
    log_act(staff, cost="75.00")
    assert not BudgetMonth.objects.filter(committed__gt=0).exists()


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("-1", errors.MSG_NEGATIVE_COST),
        ("abc", errors.MSG_NOT_A_NUMBER),
        ("NaN", errors.MSG_NOT_A_NUMBER),
        ("1e9", errors.MSG_COST_TOO_HIGH.format(limit="$10,000.00")),
        ("10.001", "A cost has at most two decimals."),
    ],
)
def test_bad_costs_are_refused_with_a_message_and_nothing_saved(staff, customer, cost, message):
    with pytest.raises(errors.InvalidInput) as refused:
        services.act_log(
            user=staff,
            customer=customer,
            problem="p",
            solution="s",
            quadrant="delivery",
            trigger="proactive",
            kind="gift",
            cost=cost,
        )
    assert refused.value.message == message
    assert refused.value.field == "cost"
    assert Act.objects.count() == 0
    assert ActEvent.objects.count() == 0


def test_another_teams_customer_cannot_get_an_act(staff, other_customer):
    with pytest.raises(errors.NotAllowed):
        log_act(staff, customer=other_customer, cost="0")


def test_empowered_act_beyond_the_budget_is_refused_saying_what_is_left(staff, team):
    team.monthly_budget = Decimal("30.00")
    team.save()
    log_act(staff, cost="20.00")
    with pytest.raises(errors.BudgetExceeded) as refused:
        log_act(staff, cost="15.00")
    assert "$10.00 is left" in refused.value.message
    assert Act.objects.count() == 1
    assert BudgetMonth.objects.get().committed == Decimal("20.00")


def test_manager_approves_a_lower_amount_with_a_note(staff, manager):
    act = log_act(staff, cost="80.00")
    act = services.spend_approve(user=manager, act=act, amount="60.00", note="Half the bouquet")
    assert act.status == "approved"
    assert act.approved_amount == Decimal("60.00")
    assert act.decided_by == manager
    assert BudgetMonth.objects.get().committed == Decimal("60.00")
    event = act.events.last()
    assert (event.action, event.actor, event.amount, event.note) == (
        "approved",
        manager,
        Decimal("60.00"),
        "Half the bouquet",
    )


def test_approval_above_the_asked_amount_is_refused(staff, manager):
    act = log_act(staff, cost="80.00")
    with pytest.raises(errors.InvalidInput):
        services.spend_approve(user=manager, act=act, amount="90.00")


@pytest.mark.parametrize("who", ["staff2", "author", "other_manager"])
def test_who_may_not_decide(request, staff, who):
    act = log_act(staff, cost="75.00")
    user = staff if who == "author" else request.getfixturevalue(who)
    with pytest.raises(errors.NotAllowed):
        services.spend_approve(user=user, act=act)
    act.refresh_from_db()
    assert act.status == "pending_approval"


def test_manager_cannot_decide_above_the_manager_limit_but_admin_can(staff, manager, admin_user):
    act = log_act(staff, cost="150.00")
    with pytest.raises(errors.NotAllowed) as refused:
        services.spend_approve(user=manager, act=act)
    assert refused.value.message == errors.MSG_ABOVE_MANAGER_LIMIT
    assert services.spend_approve(user=admin_user, act=act).status == "approved"


def test_manager_cannot_approve_their_own_request(manager, manager2):
    act = log_act(manager, cost="75.00")
    with pytest.raises(errors.NotAllowed) as refused:
        services.spend_approve(user=manager, act=act)
    assert refused.value.message == errors.MSG_NOT_OWN_REQUEST
    assert services.spend_approve(user=manager2, act=act).status == "approved"


def test_a_decided_request_cannot_be_decided_again(staff, manager, manager2):
    act = log_act(staff, cost="75.00")
    services.spend_approve(user=manager, act=act)
    with pytest.raises(errors.Conflict) as refused:
        services.spend_decline(user=manager2, act=act, note="No")
    assert refused.value.message == errors.MSG_ALREADY_DECIDED
    assert BudgetMonth.objects.get().committed == Decimal("75.00")


def test_decline_needs_a_reason(staff, manager):
    act = log_act(staff, cost="75.00")
    with pytest.raises(errors.InvalidInput) as refused:
        services.spend_decline(user=manager, act=act, note="  ")
    assert refused.value.message == errors.MSG_DECLINE_NEEDS_REASON
    act = services.spend_decline(user=manager, act=act, note="A call is enough")
    assert act.status == "declined"
    assert act.events.last().note == "A call is enough"


def test_only_the_requester_withdraws_and_only_while_waiting(staff, staff2, manager):
    act = log_act(staff, cost="75.00")
    with pytest.raises(errors.NotAllowed):
        services.spend_withdraw(user=staff2, act=act)
    assert services.spend_withdraw(user=staff, act=act).status == "withdrawn"
    with pytest.raises(errors.Conflict):
        services.spend_withdraw(user=staff, act=act)
    approved = log_act(staff, cost="75.00")
    services.spend_approve(user=manager, act=approved)
    with pytest.raises(errors.Conflict):
        services.spend_withdraw(user=staff, act=approved)


def test_approval_beyond_the_budget_is_refused(staff, manager, team):
    team.monthly_budget = Decimal("100.00")
    team.save()
    first = log_act(staff, cost="75.00")
    second = log_act(staff, cost="75.00")
    services.spend_approve(user=manager, act=first)
    with pytest.raises(errors.BudgetExceeded) as refused:
        services.spend_approve(user=manager, act=second)
    assert "Only $25.00 is left" in refused.value.message
    second.refresh_from_db()
    assert second.status == "pending_approval"


def test_delivery_for_less_releases_the_difference(staff):
    act = log_act(staff, cost="40.00")
    act = services.act_deliver(user=staff, act=act, actual_cost="30.00")
    assert act.status == "delivered"
    assert BudgetMonth.objects.get().committed == Decimal("30.00")
    assert act.spend == Decimal("30.00")


def test_delivery_for_more_than_approved_goes_back_for_approval(staff, manager):
    act = log_act(staff, cost="45.00")
    act = services.act_deliver(user=staff, act=act, actual_cost="70.00")
    assert (act.status, act.approval_level, act.cost) == ("pending_approval", "manager", Decimal("70.00"))
    assert BudgetMonth.objects.get().committed == Decimal("45.00")
    assert act.actual_cost == Decimal("70.00")  # kept with the request
    act = services.spend_approve(user=manager, act=act)
    # Approving the top-up finishes the delivery: no second "deliver" with the same cost.
    assert (act.status, act.approved_amount, act.actual_cost, act.over_approved) == (
        "delivered",
        Decimal("70.00"),
        Decimal("70.00"),
        Decimal("0.00"),
    )
    assert BudgetMonth.objects.get().committed == Decimal("70.00")


def test_declining_a_top_up_keeps_the_earlier_approval(staff, manager):
    act = log_act(staff, cost="45.00")
    act = services.act_deliver(user=staff, act=act, actual_cost="70.00")
    act = services.spend_decline(user=manager, act=act, note="Stay within 45")
    assert act.status == "delivered"
    assert act.approved_amount == Decimal("45.00")
    assert (act.actual_cost, act.over_approved) == (Decimal("70.00"), Decimal("25.00"))


def test_receipt_required_above_threshold_and_checked_by_content(staff, manager):
    act = log_act(staff, cost="90.00")
    services.spend_approve(user=manager, act=act)
    with pytest.raises(errors.InvalidInput) as refused:
        services.act_deliver(user=staff, act=act, actual_cost="90.00")
    assert refused.value.field == "receipt"
    fake = SimpleUploadedFile("r.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(errors.InvalidInput):
        services.act_deliver(user=staff, act=act, actual_cost="90.00", receipt=fake)
    real = SimpleUploadedFile("r.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    act = services.act_deliver(user=staff, act=act, actual_cost="90.00", receipt=real)
    assert act.status == "delivered"
    assert act.receipt


def test_receipt_over_five_megabytes_is_refused(staff):
    act = log_act(staff, cost="10.00")
    big = SimpleUploadedFile("r.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(errors.InvalidInput, match="at most 5 MB"):
        services.act_deliver(user=staff, act=act, actual_cost="10.00", receipt=big)


def test_customer_knows_only_after_delivery_and_needs_how(staff):
    act = log_act(staff, cost="10.00")
    with pytest.raises(errors.Conflict):
        services.act_customer_knows(user=staff, act=act, how="Told them")
    services.act_deliver(user=staff, act=act, actual_cost="10.00")
    with pytest.raises(errors.InvalidInput):
        services.act_customer_knows(user=staff, act=act, how="")
    act = services.act_customer_knows(user=staff, act=act, how="A card with the flowers")
    assert act.status == "customer_knows"
    assert [e.action for e in act.events.all()] == ["logged", "auto_approved", "delivered", "customer_knows"]


def test_random_review_follows_the_share_and_is_marked_seen(staff, manager, team):
    team.review_share = Decimal("1.00")
    team.save()
    drawn = log_act(staff, cost="10.00")
    assert drawn.for_review
    team.review_share = Decimal("0.00")
    team.save()
    assert not log_act(staff, cost="10.00").for_review
    with pytest.raises(errors.NotAllowed):
        services.act_review(user=staff, act=drawn)
    services.act_review(user=manager, act=drawn, note="Nice")
    drawn.refresh_from_db()
    assert drawn.reviewed_by == manager
    with pytest.raises(errors.Conflict):
        services.act_review(user=manager, act=drawn)


def test_random_review_draws_roughly_the_share(staff, team):
    team.review_share = Decimal("0.50")
    team.monthly_budget = Decimal("5000.00")
    team.save()
    drawn = sum(log_act(staff, cost="1.00").for_review for _ in range(200))
    # Binomial(200, 0.5): outside 60..140 has a probability far below one in a billion.
    assert 60 < drawn < 140


def test_history_is_append_only_in_the_database(staff):
    act = log_act(staff, cost="0")
    event = act.events.first()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - the backend's own error
        ActEvent.objects.filter(pk=event.pk).update(note="rewritten")
    event.refresh_from_db()
    assert event.note == ""
    if connection.vendor == "postgresql":
        with pytest.raises(Exception), transaction.atomic():  # noqa: B017
            ActEvent.objects.filter(pk=event.pk).delete()
        assert ActEvent.objects.filter(pk=event.pk).exists()


def test_budget_constraint_is_a_backstop(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetMonth.objects.create(team=team, month="2026-01-01", budget=10, committed=11)


def test_notifications_go_after_commit_to_approvers_and_requester(
    staff, manager, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act = log_act(staff, cost="75.00")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, admin_user.email])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.spend_approve(user=manager, act=act, note="Go")
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert "approved" in mailoutbox[0].subject


def test_budget_set_cannot_go_below_committed(staff, admin_user, manager, team):
    log_act(staff, cost="40.00")
    month = Act.objects.get().date
    with pytest.raises(errors.InvalidInput):
        budgets.budget_set(user=admin_user, team=team, month=month, amount="30.00")
    with pytest.raises(errors.NotAllowed):
        budgets.budget_set(user=manager, team=team, month=month, amount="300.00")
    assert budgets.budget_set(user=admin_user, team=team, month=month, amount="300.00").remaining == Decimal("260.00")


# --- The three answers, admins on other teams, history amounts, mail links ----------------


def test_a_costed_act_needs_the_three_answers(staff, customer):
    with pytest.raises(services.AnswersMissing) as refused:
        log_act(staff, customer=customer, cost="75.00", right_thing="", how_they_know=" ")
    assert refused.value.field == "right_thing"
    assert list(refused.value.fields) == ["right_thing", "how_they_know"]
    assert not Act.objects.exists()
    free = log_act(staff, customer=customer, cost="0", right_thing="", great_experience="", how_they_know="")
    assert free.approval_level == "none"


def test_an_admin_logs_for_another_team_and_the_act_is_that_teams(admin_user, other_team, other_customer):
    other_team.empowerment_limit = Decimal("10.00")
    other_team.save()
    act = log_act(admin_user, customer=other_customer, cost="20.00")
    # Riverside's own limit routes it, and it waits for Riverside's managers.
    assert (act.team, act.status, act.approval_level) == (other_team, "pending_approval", "manager")


def test_withdrawn_and_customer_knows_rows_carry_the_amount(staff):
    waiting = log_act(staff, cost="75.00")
    services.spend_withdraw(user=staff, act=waiting)
    assert waiting.events.get(action="withdrawn").amount == Decimal("75.00")
    act = log_act(staff, cost="30.00")
    services.act_deliver(user=staff, act=act, actual_cost="27.50")
    services.act_customer_knows(user=staff, act=act, how="A card")
    assert act.events.get(action="customer_knows").amount == Decimal("27.50")


def test_notification_emails_link_absolutely_to_the_site(
    staff, manager, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://secondmile.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        act = log_act(staff, cost="75.00")
    body = mailoutbox[0].body
    assert "Decide it in the approval queue: https://secondmile.example.com/approvals/\n" in body
    assert f"https://secondmile.example.com/acts/{act.pk}/" in body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.spend_approve(user=manager, act=act, note="Go ahead")
    assert "Go ahead" in mailoutbox[0].body
    assert f"The act: https://secondmile.example.com/acts/{act.pk}/\n" in mailoutbox[0].body
