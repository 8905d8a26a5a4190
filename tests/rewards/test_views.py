"""Reward pages through the test client: what each role sees, the confirmation, the
queue's decisions, the catalogue kept by admins, and query counts that hold."""

import pytest

from rewards import services
from rewards.balance import points_balance
from rewards.models import Redemption, Reward
from tests.queries import assert_same_queries, signed_in

from .points import points_give

pytestmark = pytest.mark.django_db


def test_the_catalogue_shows_the_balance_and_what_can_be_redeemed(client_for, staff, lunch, voucher):
    points_give(staff, 20)
    page = client_for(staff).get("/rewards/").content.decode()
    assert 'id="balance">20<' in page
    assert "Book voucher" in page
    assert "2 left" in page
    assert f'href="/rewards/{voucher.pk}/redeem/"' in page
    assert "10 more points to go" in page  # the lunch costs 30
    assert "Nothing redeemed yet" in page


def test_an_empty_catalogue_says_what_to_do(client_for, staff, admin_user):
    assert "ask an admin" in client_for(staff).get("/rewards/").content.decode()
    assert "Add a reward" in client_for(admin_user).get("/rewards/").content.decode()


def test_redeeming_asks_to_confirm_then_says_what_happened(client_for, staff, voucher):
    points_give(staff, 25)
    client = client_for(staff)

    confirm = client.get(f"/rewards/{voucher.pk}/redeem/").content.decode()
    assert "Redeem Book voucher?" in confirm
    assert "15 points" in confirm
    assert not Redemption.objects.exists()

    response = client.post(f"/rewards/{voucher.pk}/redeem/", follow=True)
    assert "Redeemed Book voucher for 10 points: 15 left." in response.content.decode()
    assert Redemption.objects.get().user == staff


def test_a_refused_redemption_says_why_and_changes_nothing(client_for, staff, lunch):
    points_give(staff, 5)
    response = client_for(staff).post(f"/rewards/{lunch.pk}/redeem/", follow=True)
    assert "You have 5 points; Team lunch needs 30." in response.content.decode()
    assert not Redemption.objects.exists()


def test_another_teams_reward_page_is_404(client_for, other_staff, lunch):
    assert client_for(other_staff).get(f"/rewards/{lunch.pk}/redeem/").status_code == 404
    assert client_for(other_staff).post(f"/rewards/{lunch.pk}/redeem/").status_code == 404


@pytest.fixture
def asked(staff, lunch):
    points_give(staff, 40)
    return services.reward_redeem(user=staff, reward=lunch)


def test_the_queue_is_for_managers(client_for, staff, manager, other_manager, asked):
    assert client_for(staff).get("/rewards/redemptions/").status_code == 404
    page = client_for(manager).get("/rewards/redemptions/").content.decode()
    assert "Team lunch" in page
    assert staff.display_name in page
    assert "Nothing to hand out" in client_for(other_manager).get("/rewards/redemptions/").content.decode()
    assert client_for(other_manager).post(f"/rewards/redemptions/{asked.pk}/fulfil/").status_code == 404


def test_a_manager_hands_it_out_from_the_queue(client_for, manager, staff, asked):
    response = client_for(manager).post(
        f"/rewards/redemptions/{asked.pk}/fulfil/", {"note": "Friday at noon"}, follow=True
    )
    page = response.content.decode()
    assert f"Handed out Team lunch to {staff.display_name}" in page
    assert "Nothing to hand out" in page
    asked.refresh_from_db()
    assert asked.status == "fulfilled"


def test_a_refund_without_a_reason_shows_the_error_beside_the_field(client_for, manager, staff, asked):
    response = client_for(manager).post(f"/rewards/redemptions/{asked.pk}/refund/", {"note": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="refund-note-{asked.pk}_error"' in page
    asked.refresh_from_db()
    assert asked.status == "requested"

    client_for(manager).post(f"/rewards/redemptions/{asked.pk}/refund/", {"note": "Restaurant closed"})
    asked.refresh_from_db()
    assert asked.status == "refunded"
    assert points_balance(user=staff) == 40


def test_deciding_twice_says_it_was_decided(client_for, manager, manager2, asked):
    services.redemption_fulfil(user=manager2, redemption=asked)
    response = client_for(manager).post(f"/rewards/redemptions/{asked.pk}/refund/", {"note": "x"}, follow=True)
    assert "This redemption was already handed out." in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/rewards/redemptions/1/fulfil/", "/rewards/redemptions/1/refund/", "/rewards/catalogue/1/deactivate/"]
)
def test_state_changes_are_post_only(client_for, admin_user, url):
    assert client_for(admin_user).get(url).status_code == 405


def test_the_catalogue_is_kept_by_admins(client_for, staff, manager, admin_user):
    for user in (staff, manager):
        assert client_for(user).get("/rewards/catalogue/").status_code == 404
        assert client_for(user).post("/rewards/catalogue/new/", {"name": "x", "points": 1}).status_code == 404
    client = client_for(admin_user)
    assert "The catalogue is empty" in client.get("/rewards/catalogue/").content.decode()

    response = client.post(
        "/rewards/catalogue/new/",
        {"name": "Afternoon off", "points": "120", "stock": "", "active": "on", "team": admin_user.team_id},
        follow=True,
    )

    assert "Added Afternoon off (120 points) to Harbour&#x27;s catalogue." in response.content.decode()
    reward = Reward.objects.get()
    assert (reward.points, reward.stock, reward.active) == (120, None, True)


def test_bad_catalogue_input_is_shown_beside_the_field(client_for, admin_user, lunch):
    client = client_for(admin_user)
    response = client.post(
        "/rewards/catalogue/new/", {"name": "Team lunch", "points": "5", "active": "on", "team": admin_user.team_id}
    )
    assert 'id="id_name_error"' in response.content.decode()
    assert "already has a reward called Team lunch" in response.content.decode()
    response = client.post("/rewards/catalogue/new/", {"name": "X", "points": "0", "team": admin_user.team_id})
    assert 'id="id_points_error"' in response.content.decode()
    assert Reward.objects.count() == 1


def test_an_admin_edits_and_deactivates(client_for, admin_user, staff, lunch):
    client = client_for(admin_user)
    assert 'value="Team lunch"' in client.get(f"/rewards/catalogue/{lunch.pk}/edit/").content.decode()
    client.post(
        f"/rewards/catalogue/{lunch.pk}/edit/",
        {"name": "Team lunch", "description": "On us", "points": "35", "stock": "3", "active": "on"},
    )
    lunch.refresh_from_db()
    assert (lunch.points, lunch.stock) == (35, 3)

    response = client.post(f"/rewards/catalogue/{lunch.pk}/deactivate/", follow=True)
    assert "Team lunch is no longer offered." in response.content.decode()
    assert "Team lunch" not in client_for(staff).get("/rewards/").content.decode()


def test_pages_take_the_same_queries_with_more_rows(staff, manager, admin_user, team):
    points_give(staff, 10_000)
    pages = {
        "catalogue (staff)": (signed_in(staff), "/rewards/"),
        "catalogue (manager)": (signed_in(manager), "/rewards/"),
        "queue": (signed_in(manager), "/rewards/redemptions/"),
        "kept": (signed_in(admin_user), "/rewards/catalogue/"),
    }
    rounds = iter(range(100))

    def grow():
        for _ in range(10):
            n = next(rounds)
            reward = services.reward_create(user=admin_user, name=f"Reward {n}", points=5 + n, stock=5)
            services.reward_redeem(user=staff, reward=reward)

    grow()  # a first few rows, so that an empty state does not count as the small page
    assert_same_queries(pages, grow)


def test_a_manager_cannot_hand_out_their_own_redemption(client_for, manager, lunch):
    points_give(manager, 30)
    own = services.reward_redeem(user=manager, reward=lunch)
    client = client_for(manager)
    assert "Yours: another manager or an admin hands it out." in client.get("/rewards/redemptions/").content.decode()

    response = client.post(f"/rewards/redemptions/{own.pk}/fulfil/", follow=True)

    assert services.MSG_NOT_OWN_REDEMPTION in response.content.decode()
    own.refresh_from_db()
    assert own.status == "requested"
