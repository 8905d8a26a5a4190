"""A person's own empowerment limit (acts/empowerment.py): it grows after every 10 acts
completed, up to the manager limit; a declined request or a problem found in a look puts
it back to the team's; admins pin and unpin it; routing, the act form and GET /api/me use
it; its history is for the person, their managers and admins."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from acts import empowerment, policy, services
from acts.budgets import budget_set
from acts.models import ActEvent, ApprovalLevel, LimitChange, PersonalLimit, Status
from core import errors
from core.services import member_set_team
from tests.concurrency import run_at_once
from tests.factories import CustomerFactory, TeamFactory, log_act

pytestmark = pytest.mark.django_db

Reason = LimitChange.Reason


def completed(user, customer, count=1):
    """`count` free acts of `user` delivered and the customer told; the last one."""
    for _ in range(count):
        act = log_act(user, customer=customer)
        act = services.act_deliver(user=user, act=act, actual_cost="0")
        act = services.act_customer_knows(user=user, act=act, how="Told at the desk")
    return act


def own(user):
    user.refresh_from_db()
    return empowerment.limit_of(user, user.team)


def policy_set(admin_user, team, **fields):
    policy.team_policy_update(user=admin_user, team=team, **fields)
    team.refresh_from_db()  # the fixtures' customers hold this instance


def declined_request(staff, manager, customer, cost="80.00"):
    act = log_act(staff, customer=customer, cost=cost)
    return services.spend_decline(user=manager, act=act, note="A call would do here.")


# --- Growth -------------------------------------------------------------------------


def test_it_starts_at_the_teams_limit_and_grows_at_the_tenth_completed_act_not_the_ninth(staff, customer):
    assert own(staff) == Decimal("50.00")
    completed(staff, customer, 9)
    assert own(staff) == Decimal("50.00")
    assert PersonalLimit.objects.get(person=staff).acts_since_change == 9
    assert not LimitChange.objects.exists()

    tenth = completed(staff, customer)

    assert own(staff) == Decimal("60.00")
    change = LimitChange.objects.get()
    assert (change.reason, change.before, change.after, change.act_id, change.actor) == (
        Reason.GREW,
        Decimal("50.00"),
        Decimal("60.00"),
        tenth.pk,
        None,
    )
    assert PersonalLimit.objects.get(person=staff).acts_since_change == 0


def test_an_act_delivered_but_not_told_does_not_count(staff, customer):
    act = log_act(staff, customer=customer)
    services.act_deliver(user=staff, act=act, actual_cost="0")
    assert not PersonalLimit.objects.filter(person=staff, acts_since_change__gt=0).exists()


def test_it_stops_at_the_managers_limit(admin_user, team, staff, customer):
    policy_set(admin_user, team, manager_limit=Decimal("75.00"), limit_growth_acts=2, limit_growth_step=Decimal("10"))
    completed(staff, customer, 4)
    assert own(staff) == Decimal("70.00")
    completed(staff, customer, 2)
    assert own(staff) == Decimal("75.00")  # a part step, to the cap
    completed(staff, customer, 4)
    assert own(staff) == Decimal("75.00")
    assert [c.after for c in LimitChange.objects.order_by("at", "id")] == [
        Decimal("60.00"),
        Decimal("70.00"),
        Decimal("75.00"),
    ]


def test_the_number_of_acts_and_the_step_are_team_settings(admin_user, team, staff, customer):
    policy_set(admin_user, team, limit_growth_acts=3, limit_growth_step=Decimal("5.50"))
    completed(staff, customer, 3)
    assert own(staff) == Decimal("55.50")


def test_the_growth_settings_refuse_nonsense(admin_user, team):
    with pytest.raises(errors.InvalidInput) as refused:
        policy_set(admin_user, team, limit_growth_acts=0)
    assert refused.value.message == policy.MSG_LIMIT_GROWTH_ACTS
    with pytest.raises(errors.InvalidInput) as refused:
        policy_set(admin_user, team, limit_growth_step=Decimal("-1"))
    assert refused.value.message == policy.MSG_LIMIT_GROWTH_STEP


# --- Back to the team's limit --------------------------------------------------------


@pytest.fixture
def grown(admin_user, team, staff, customer):
    """Staff at $60 with one act counted toward the next step (steps of 2 acts)."""
    budget_room(admin_user, team)
    policy_set(admin_user, team, limit_growth_acts=2)
    completed(staff, customer, 3)
    assert own(staff) == Decimal("60.00")
    return staff


def budget_room(admin_user, team):
    budget_set(user=admin_user, team=team, month=timezone.localdate(), amount=Decimal("5000"))


def test_a_declined_request_puts_it_back_to_the_teams_limit(grown, manager, customer):
    act = declined_request(grown, manager, customer)
    assert own(grown) == Decimal("50.00")
    change = LimitChange.objects.filter(reason=Reason.DECLINED).get()
    assert (change.before, change.after, change.actor, change.act_id, change.note) == (
        Decimal("60.00"),
        Decimal("50.00"),
        manager,
        act.pk,
        "A call would do here.",
    )
    # The count starts again: one act is not two.
    completed(grown, customer)
    assert own(grown) == Decimal("50.00")


def test_a_declined_top_up_counts_as_a_declined_request(grown, manager, customer):
    act = log_act(grown, customer=customer, cost="40.00")
    act = services.act_deliver(user=grown, act=act, actual_cost="70.00")
    assert act.status == Status.PENDING_APPROVAL
    services.spend_decline(user=manager, act=act, note="Keep to what was approved.")
    assert own(grown) == Decimal("50.00")


def test_a_decline_with_nothing_to_put_back_writes_no_history(staff, manager, customer):
    declined_request(staff, manager, customer)
    assert own(staff) == Decimal("50.00")
    assert not LimitChange.objects.exists()


def test_a_look_marked_as_a_problem_puts_it_back_a_look_marked_seen_does_not(admin_user, team, grown, manager):
    policy_set(admin_user, team, review_share=Decimal("1"))
    customer = CustomerFactory(team=team)
    seen = log_act(grown, customer=customer, cost="20.00")
    problem = log_act(grown, customer=customer, cost="20.00")
    assert seen.for_review
    assert problem.for_review

    services.act_review(user=manager, act=seen, note="Fine.")
    assert own(grown) == Decimal("60.00")

    with pytest.raises(errors.InvalidInput) as refused:
        services.act_review(user=manager, act=problem, problem=True)
    assert refused.value.message == services.MSG_PROBLEM_NEEDS_NOTE
    assert own(grown) == Decimal("60.00")

    reviewed = services.act_review(user=manager, act=problem, note="Flowers for a complaint we caused.", problem=True)
    assert reviewed.review_problem
    assert reviewed.events.last().action == ActEvent.Action.REVIEW_PROBLEM
    assert own(grown) == Decimal("50.00")
    change = LimitChange.objects.filter(reason=Reason.PROBLEM).get()
    assert (change.actor, change.act_id, change.note) == (manager, problem.pk, "Flowers for a complaint we caused.")


# --- Pinning ------------------------------------------------------------------------


def test_an_admin_pins_a_limit_higher_and_it_holds_until_unpinned(admin_user, team, staff, manager, customer):
    policy_set(admin_user, team, limit_growth_acts=2)
    budget_room(admin_user, team)
    empowerment.limit_pin(user=admin_user, person=staff, amount="120", reason="Runs the concierge desk.")
    assert own(staff) == Decimal("120.00")
    # Above the manager limit, within the pin: approved at once.
    assert log_act(staff, customer=customer, cost="110.00").approval_level == ApprovalLevel.EMPOWERED
    completed(staff, customer, 4)
    declined_request(staff, admin_user, customer, cost="150.00")
    assert own(staff) == Decimal("120.00")

    empowerment.limit_unpin(user=admin_user, person=staff, reason="Back on the front desk.")
    assert own(staff) == Decimal("50.00")
    completed(staff, customer, 2)
    assert own(staff) == Decimal("60.00")
    assert [(c.reason, c.actor, c.note) for c in LimitChange.objects.order_by("at", "id")] == [
        (Reason.PINNED, admin_user, "Runs the concierge desk."),
        (Reason.UNPINNED, admin_user, "Back on the front desk."),
        (Reason.GREW, None, LimitChange.objects.order_by("at", "id").last().note),
    ]


def test_a_pin_lower_than_the_teams(admin_user, staff, customer):
    empowerment.limit_pin(user=admin_user, person=staff, amount="20.00", reason="New: asks first for now.")
    assert log_act(staff, customer=customer, cost="30.00").approval_level == ApprovalLevel.MANAGER


def test_only_admins_pin_with_a_reason_and_a_sensible_amount(admin_user, manager, staff):
    with pytest.raises(errors.NotAllowed):
        empowerment.limit_pin(user=manager, person=staff, amount="80", reason="Trusted.")
    with pytest.raises(errors.InvalidInput) as refused:
        empowerment.limit_pin(user=admin_user, person=staff, amount="80", reason="  ")
    assert refused.value.message == empowerment.MSG_PIN_NEEDS_REASON
    for amount in ("-1", "abc", "80.001", "100000", "NaN"):
        with pytest.raises(errors.InvalidInput):
            empowerment.limit_pin(user=admin_user, person=staff, amount=amount, reason="Trusted.")
    with pytest.raises(errors.Conflict):
        empowerment.limit_unpin(user=admin_user, person=staff, reason="Not pinned.")
    assert not LimitChange.objects.exists()


# --- Routing --------------------------------------------------------------------------


def test_routing_uses_the_persons_own_limit(grown, staff2, manager, customer):
    mine = log_act(grown, customer=customer, cost="55.00")
    theirs = log_act(staff2, customer=customer, cost="55.00")
    assert (mine.status, mine.approval_level) == (Status.APPROVED, ApprovalLevel.EMPOWERED)
    assert f"{grown.display_name}'s empowerment limit of $60.00" in mine.events.last().note
    assert (theirs.status, theirs.approval_level) == (Status.PENDING_APPROVAL, ApprovalLevel.MANAGER)
    # A delivery that costs more than approved stays empowered within the author's own limit.
    act = log_act(grown, customer=customer, cost="40.00")
    delivered = services.act_deliver(user=manager, act=act, actual_cost="58.00")
    assert delivered.status == Status.DELIVERED


def test_a_change_of_the_teams_limits_moves_unpinned_limits_back_between_them(admin_user, team, grown, staff2):
    empowerment.limit_pin(user=admin_user, person=staff2, amount="30", reason="Asks first for now.")
    policy_set(admin_user, team, empowerment_limit=Decimal("55.00"))
    assert own(grown) == Decimal("60.00")  # still above the team's limit: kept
    policy_set(admin_user, team, manager_limit=Decimal("58.00"))
    assert own(grown) == Decimal("58.00")  # never above the manager limit
    policy_set(admin_user, team, empowerment_limit=Decimal("70.00"), manager_limit=Decimal("100.00"))
    assert own(grown) == Decimal("70.00")  # never below the team's
    assert own(staff2) == Decimal("30.00")  # pinned: unmoved
    assert LimitChange.objects.filter(person=grown, reason=Reason.TEAM_LIMITS).count() == 2


def test_someone_at_the_teams_limit_follows_it(admin_user, team, staff, manager, customer):
    completed(staff, customer)  # a row at the team's limit, one act counted
    policy_set(admin_user, team, empowerment_limit=Decimal("40.00"))
    assert own(staff) == Decimal("40.00")


def test_a_person_who_moves_team_starts_at_the_new_teams_limit(admin_user, grown, customer):
    new_team = TeamFactory(empowerment_limit=Decimal("30.00"))
    member_set_team(by=admin_user, user=grown, team=new_team)
    assert own(grown) == Decimal("30.00")
    completed(grown, CustomerFactory(team=new_team))
    row = PersonalLimit.objects.get(person=grown)
    assert (row.team, row.amount, row.acts_since_change) == (new_team, Decimal("30.00"), 1)
    assert LimitChange.objects.filter(person=grown, reason=Reason.TEAM_JOINED, team=new_team).exists()


def test_the_history_is_append_only(grown):
    change = LimitChange.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        LimitChange.objects.filter(pk=change.pk).update(after=Decimal("999"))


# --- At the same instant (PostgreSQL) ---------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_acts_completed_at_once_count_ten_and_grow_once(staff, customer):
    """The first of them also makes the person's row: the others wait for it, then count."""
    delivered = [
        services.act_deliver(user=staff, act=log_act(staff, customer=customer), actual_cost="0") for _ in range(10)
    ]
    outcomes = run_at_once(
        [lambda act=act: services.act_customer_knows(user=staff, act=act, how="Told at the desk") for act in delivered]
    )
    assert [outcome for outcome, _ in outcomes] == ["ok"] * 10
    row = PersonalLimit.objects.get(person=staff)
    assert (row.amount, row.acts_since_change) == (Decimal("60.00"), 0)
    assert LimitChange.objects.filter(person=staff, reason=Reason.GREW).count() == 1
