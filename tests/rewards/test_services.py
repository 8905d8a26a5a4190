"""The catalogue, redeeming and deciding redemptions, through the services."""

import pytest

from core import errors
from core.models import AuditEvent, OutgoingMail
from rewards import services
from rewards.balance import MSG_NOT_ENOUGH_POINTS, points_balance
from rewards.models import PointsBalance, Redemption, RedemptionEvent, Reward

from .points import points_give

pytestmark = pytest.mark.django_db


# --- The catalogue ---------------------------------------------------------------


def test_an_admin_adds_a_reward_to_their_team_and_it_is_audited(admin_user, team):
    reward = services.reward_create(user=admin_user, name=" Afternoon off ", points=200, stock=None)

    assert (reward.team, reward.name, reward.points, reward.stock, reward.active) == (
        team,
        "Afternoon off",
        200,
        None,
        True,
    )
    audit = AuditEvent.objects.get(action=AuditEvent.Action.REWARD_ADDED)
    assert (audit.actor, audit.team, audit.after["points"]) == (admin_user, team, 200)


def test_an_admin_adds_a_reward_to_another_team(admin_user, other_team):
    reward = services.reward_create(user=admin_user, team=other_team, name="Spa day", points=300)
    assert reward.team == other_team


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_only_admins_keep_the_catalogue(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(errors.NotAllowed, match=services.MSG_ONLY_ADMINS_KEEP_CATALOGUE):
        services.reward_create(user=user, name="Lunch", points=10)
    assert not Reward.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  ", "points": 5}, "name", services.MSG_REWARD_NEEDS_NAME),
        ({"name": "A", "points": 0}, "points", services.MSG_REWARD_POINTS),
        ({"name": "A", "points": -3}, "points", services.MSG_REWARD_POINTS),
        ({"name": "A", "points": 10**12}, "points", services.MSG_REWARD_POINTS),
        ({"name": "A", "points": "ten"}, "points", services.MSG_REWARD_POINTS),
        ({"name": "A", "points": 5, "stock": -1}, "stock", services.MSG_REWARD_STOCK),
        ({"name": "A", "points": 5, "stock": 10**12}, "stock", services.MSG_REWARD_STOCK),
    ],
)
def test_bad_catalogue_input_is_refused_beside_its_field(admin_user, fields, field, message):
    with pytest.raises(errors.InvalidInput) as refused:
        services.reward_create(user=admin_user, **fields)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert not Reward.objects.exists()


def test_a_name_is_unique_in_a_team(admin_user, other_team, lunch):
    with pytest.raises(errors.InvalidInput, match="already has a reward called Team lunch"):
        services.reward_create(user=admin_user, name="Team lunch", points=5)
    services.reward_create(user=admin_user, team=other_team, name="Team lunch", points=5)


def test_editing_a_reward_keeps_the_price_of_what_was_redeemed(admin_user, staff, lunch):
    points_give(staff, 30)
    redemption = services.reward_redeem(user=staff, reward=lunch)

    services.reward_update(
        user=admin_user, reward=lunch, name="Team lunch", description="On us", points=40, stock=5, active=True
    )

    lunch.refresh_from_db()
    redemption.refresh_from_db()
    assert (lunch.points, lunch.stock, redemption.points) == (40, 5, 30)
    audit = AuditEvent.objects.get(action=AuditEvent.Action.REWARD_CHANGED)
    assert (audit.before, audit.after) == ({"points": 30, "stock": None}, {"points": 40, "stock": 5})


def test_deactivating_keeps_a_stock_counted_down_meanwhile(admin_user, staff, voucher):
    stale = Reward.objects.get(pk=voucher.pk)
    points_give(staff, 10)
    services.reward_redeem(user=staff, reward=voucher)

    services.reward_deactivate(user=admin_user, reward=stale)

    voucher.refresh_from_db()
    assert (voucher.active, voucher.stock) == (False, 1)


# --- Redeeming -------------------------------------------------------------------


def test_redeeming_takes_the_points_and_one_of_the_stock(staff, voucher):
    points_give(staff, 25)

    redemption = services.reward_redeem(user=staff, reward=voucher)

    assert (redemption.status, redemption.points, redemption.user, redemption.team_id) == (
        Redemption.Status.REQUESTED,
        10,
        staff,
        staff.team_id,
    )
    voucher.refresh_from_db()
    assert voucher.stock == 1
    assert points_balance(user=staff) == 15
    [event] = RedemptionEvent.objects.filter(redemption=redemption)
    assert (event.actor, event.from_status, event.to_status, event.points) == (staff, "", "requested", -10)


def test_a_balance_that_cannot_cover_it_is_a_conflict_and_changes_nothing(staff, lunch):
    points_give(staff, 29)

    with pytest.raises(errors.Conflict) as refused:
        services.reward_redeem(user=staff, reward=lunch)

    assert refused.value.message == MSG_NOT_ENOUGH_POINTS.format(balance=29, reward="Team lunch", points=30)
    assert not Redemption.objects.exists()
    assert points_balance(user=staff) == 29
    assert not PointsBalance.objects.filter(user=staff, redeemed__gt=0).exists()


def test_out_of_stock_is_a_conflict(staff, staff2, admin_user):
    one = services.reward_create(user=admin_user, name="Signed print", points=5, stock=1)
    points_give(staff, 5)
    points_give(staff2, 5)
    services.reward_redeem(user=staff, reward=one)

    with pytest.raises(errors.Conflict, match=r"Signed print is out of stock\."):
        services.reward_redeem(user=staff2, reward=one)
    assert points_balance(user=staff2) == 5


def test_a_reward_no_longer_offered_is_a_conflict(admin_user, staff, lunch):
    points_give(staff, 100)
    services.reward_deactivate(user=admin_user, reward=lunch)

    with pytest.raises(errors.Conflict, match=services.MSG_REWARD_INACTIVE.format(reward="Team lunch")):
        services.reward_redeem(user=staff, reward=lunch)


def test_another_teams_reward_cannot_be_redeemed(other_staff, lunch):
    points_give(other_staff, 100)
    with pytest.raises(errors.NotAllowed, match=services.MSG_REWARD_OTHER_TEAM):
        services.reward_redeem(user=other_staff, reward=lunch)


def test_the_teams_managers_are_mailed_of_a_new_redemption(
    staff, manager, admin_user, other_manager, lunch, mailoutbox, django_capture_on_commit_callbacks
):
    points_give(staff, 30)
    with django_capture_on_commit_callbacks(execute=True):
        services.reward_redeem(user=staff, reward=lunch)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([admin_user.email, manager.email])
    assert mailoutbox[0].subject == f"{staff.display_name} asks for Team lunch"
    assert "/rewards/redemptions/" in mailoutbox[0].body


# --- Handing out and refunding ---------------------------------------------------


@pytest.fixture
def asked(staff, lunch):
    points_give(staff, 50)
    return services.reward_redeem(user=staff, reward=lunch)


def test_a_manager_hands_it_out_and_the_person_is_told(
    staff, manager, asked, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = services.redemption_fulfil(user=manager, redemption=asked, note="At the front desk")

    assert (done.status, done.decided_by, done.decided_at is not None) == ("fulfilled", manager, True)
    assert points_balance(user=staff) == 20
    history = list(RedemptionEvent.objects.filter(redemption=asked).values_list("from_status", "to_status", "points"))
    assert history == [("", "requested", -30), ("requested", "fulfilled", 0)]
    [mail] = mailoutbox
    assert (mail.to, mail.subject) == ([staff.email], "Your reward is ready: Team lunch")
    assert "At the front desk" in mail.body
    assert OutgoingMail.objects.get(to=staff.email).key.startswith(f"redemption:{asked.pk}:event:")


def test_a_refund_gives_the_points_and_the_stock_back(
    staff, manager, voucher, mailoutbox, django_capture_on_commit_callbacks
):
    points_give(staff, 10)
    asked = services.reward_redeem(user=staff, reward=voucher)
    assert points_balance(user=staff) == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.redemption_refund(user=manager, redemption=asked, note="The shop closed")

    asked.refresh_from_db()
    voucher.refresh_from_db()
    assert (asked.status, voucher.stock, points_balance(user=staff)) == ("refunded", 2, 10)
    assert PointsBalance.objects.filter(user=staff).values_list("redeemed", "refunded").get() == (10, 10)
    assert [e.points for e in RedemptionEvent.objects.filter(redemption=asked)] == [-10, 10]
    [mail] = mailoutbox
    assert mail.subject == "Your 10 points for Book voucher are back"
    assert "The shop closed" in mail.body


def test_a_refund_needs_a_reason(manager, asked):
    with pytest.raises(errors.InvalidInput, match=services.MSG_REFUND_NEEDS_REASON):
        services.redemption_refund(user=manager, redemption=asked, note="  ")
    asked.refresh_from_db()
    assert asked.status == "requested"


@pytest.mark.parametrize(
    ("first", "then"),
    [("fulfil", "fulfil"), ("fulfil", "refund"), ("refund", "fulfil"), ("refund", "refund")],
)
def test_a_decided_redemption_cannot_move_again(staff, manager, manager2, asked, first, then):
    decide = {
        "fulfil": lambda user: services.redemption_fulfil(user=user, redemption=asked),
        "refund": lambda user: services.redemption_refund(user=user, redemption=asked, note="No"),
    }
    decide[first](manager)

    with pytest.raises(errors.Conflict, match="already"):
        decide[then](manager2)
    assert RedemptionEvent.objects.filter(redemption=asked).count() == 2
    assert points_balance(user=staff) == (20 if first == "fulfil" else 50)


def test_staff_do_not_decide(staff2, asked):
    with pytest.raises(errors.NotAllowed, match=services.MSG_ONLY_MANAGERS_DECIDE):
        services.redemption_fulfil(user=staff2, redemption=asked)


def test_another_teams_manager_does_not_decide(other_manager, asked):
    with pytest.raises(errors.NotAllowed, match=services.MSG_ONLY_MANAGERS_DECIDE):
        services.redemption_refund(user=other_manager, redemption=asked, note="No")


def test_nobody_decides_their_own_redemption(manager, admin_user, lunch):
    points_give(manager, 30)
    own = services.reward_redeem(user=manager, reward=lunch)
    with pytest.raises(errors.NotAllowed, match=services.MSG_NOT_OWN_REDEMPTION):
        services.redemption_fulfil(user=manager, redemption=own)
    services.redemption_fulfil(user=admin_user, redemption=own)


def test_the_balance_is_earned_minus_redeemed_plus_refunded(staff, manager, admin_user, lunch, voucher):
    points_give(staff, 40)
    points_give(staff, 35)
    kept = services.reward_redeem(user=staff, reward=lunch)
    back = services.reward_redeem(user=staff, reward=voucher)
    services.redemption_fulfil(user=manager, redemption=kept)
    services.redemption_refund(user=manager, redemption=back, note="Sold out at the shop")

    assert points_balance(user=staff) == 75 - 30 - 10 + 10
