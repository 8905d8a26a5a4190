"""The rewards API: shapes, status codes, the 409 messages and who may do what."""

import pytest

from rewards import services
from rewards.balance import MSG_NOT_ENOUGH_POINTS
from rewards.models import Redemption, Reward

from .points import points_give

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_reward_201_with_its_id(client_for, admin_user, team):
    response = client_for(admin_user).post(
        "/api/rewards",
        {"name": "Team lunch", "description": "On us", "points": 30, "stock": None, "active": True},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    reward = Reward.objects.get()
    assert body == {
        "id": reward.pk,
        "name": "Team lunch",
        "description": "On us",
        "points": 30,
        "stock": None,
        "active": True,
        "team": team.pk,
    }


def test_an_admin_adds_one_for_another_team(client_for, admin_user, other_team):
    response = client_for(admin_user).post(
        "/api/rewards",
        {"name": "Spa", "points": 300, "stock": 4, "team": other_team.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Reward.objects.get().team == other_team


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_only_admins_add_rewards_403(request, client_for, role):
    response = client_for(request.getfixturevalue(role)).post(
        "/api/rewards", {"name": "Lunch", "points": 10}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == services.MSG_ONLY_ADMINS_KEEP_CATALOGUE
    assert not Reward.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"name": "A", "points": 0}, 400),
        ({"name": "A", "points": 10**30}, 400),
        ({"name": "A", "points": 5, "stock": -1}, 400),
        ({"name": "", "points": 5}, 400),
        ({"name": "A", "points": "lots"}, 422),
        ({"points": 5}, 422),
    ],
)
def test_bad_input_is_refused_in_words(client_for, admin_user, payload, status):
    response = client_for(admin_user).post("/api/rewards", payload, content_type="application/json")
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not Reward.objects.exists()


def test_the_list_is_the_callers_teams_active_rewards(client_for, staff, admin_user, other_team, lunch, voucher):
    services.reward_create(user=admin_user, name="Retired mug", points=1, active=False)
    services.reward_create(user=admin_user, team=other_team, name="Their spa", points=5)

    response = client_for(staff).get("/api/rewards")

    assert response.status_code == 200
    assert response.json()["items"] == [
        {"id": voucher.pk, "name": "Book voucher", "description": "", "points": 10, "stock": 2},
        {"id": lunch.pk, "name": "Team lunch", "description": "On us", "points": 30, "stock": None},
    ]


def test_redeeming_answers_201_and_me_shows_the_balance(client_for, staff, voucher):
    points_give(staff, 25)
    client = client_for(staff)
    assert client.get("/api/me").json()["points"] == 25

    response = client.post(f"/api/rewards/{voucher.pk}/redeem")

    assert response.status_code == 201, response.content
    redemption = Redemption.objects.get()
    assert response.json() == {"id": redemption.pk, "status": "requested", "points": 10}
    assert client.get("/api/me").json()["points"] == 15


def test_a_balance_too_small_answers_409_with_the_reason(client_for, staff, lunch):
    points_give(staff, 12)
    response = client_for(staff).post(f"/api/rewards/{lunch.pk}/redeem")
    assert response.status_code == 409
    assert response.json()["detail"] == MSG_NOT_ENOUGH_POINTS.format(balance=12, reward="Team lunch", points=30)
    assert not Redemption.objects.exists()


def test_no_stock_left_answers_409(client_for, staff, staff2, voucher):
    for person in (staff, staff2):
        points_give(person, 20)
    services.reward_redeem(user=staff, reward=voucher)
    services.reward_redeem(user=staff, reward=voucher)

    response = client_for(staff2).post(f"/api/rewards/{voucher.pk}/redeem")

    assert response.status_code == 409
    assert response.json()["detail"] == "Book voucher is out of stock."


def test_another_teams_reward_is_404(client_for, other_staff, lunch):
    points_give(other_staff, 100)
    assert client_for(other_staff).post(f"/api/rewards/{lunch.pk}/redeem").status_code == 404
    assert client_for(other_staff).post("/api/rewards/999999/redeem").status_code == 404


def test_redeem_is_post_only(client_for, staff, lunch):
    assert client_for(staff).get(f"/api/rewards/{lunch.pk}/redeem").status_code == 405


@pytest.mark.parametrize("team_id", [999999, -1, 10**30])
def test_an_unknown_team_is_404(client_for, admin_user, team_id):
    response = client_for(admin_user).post(
        "/api/rewards", {"name": "Spa", "points": 5, "team": team_id}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not Reward.objects.exists()
