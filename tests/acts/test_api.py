"""The JSON API as a client written from PRODUCT.md would use it."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from acts.models import Act
from secondmile.services import api_token_create
from tests.factories import log_act

pytestmark = pytest.mark.django_db

ACT = {
    "problem": "Mother in hospital", "solution": "Sent flowers", "quadrant": "response",
    "trigger": "proactive", "kind": "gift", "right_thing": "Yes", "great_experience": "Yes",
    "how_they_know": "A card",
}


@pytest.fixture
def bearer(client):
    def as_user(user):
        _row, token = api_token_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return as_user


def test_me_needs_authentication(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_me_with_a_bearer_token(bearer, manager):
    response = bearer(manager).get("/api/me")
    assert response.status_code == 200
    assert response.json() == {"username": "marcus", "role": "manager", "team": "Harbour",
                               "team_id": manager.team_id}


def test_a_wrong_token_is_refused(client, staff):
    response = client.get("/api/me", HTTP_AUTHORIZATION="Bearer sm_not-a-token")
    assert response.status_code == 401


def test_api_token_command_prints_a_working_token(client, staff, capsys):
    call_command("api_token", "ana")
    token = capsys.readouterr().out.strip()
    assert token.startswith("sm_")
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()["username"] == "ana"


@pytest.mark.parametrize(
    ("cost", "status", "level"),
    [("20.00", "approved", "empowered"), ("75.00", "pending_approval", "manager"),
     ("150.00", "pending_approval", "admin"), ("0", "approved", "none")],
)
def test_post_act_routes_by_cost(bearer, staff, customer, cost, status, level):
    response = bearer(staff).post(
        "/api/acts", {**ACT, "customer": customer.pk, "cost": cost}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["approval_level"]) == (status, level)
    assert body["cost"] == cost if "." in cost else body["cost"] in ("0", "0.00")
    assert Act.objects.get(pk=body["id"]).cost == Decimal(cost)


@pytest.mark.parametrize("cost", ["-5", "abc", "99999999"])
def test_post_act_with_a_bad_cost_says_why_and_saves_nothing(bearer, staff, customer, cost):
    response = bearer(staff).post(
        "/api/acts", {**ACT, "customer": customer.pk, "cost": cost}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "cost"
    assert response.json()["detail"]
    assert not Act.objects.exists()


def test_post_act_with_missing_fields_answers_422_field_by_field(bearer, staff, customer):
    response = bearer(staff).post("/api/acts", {"customer": customer.pk}, content_type="application/json")
    assert response.status_code == 422
    fields = {error["loc"][-1] for error in response.json()["detail"]}
    assert {"problem", "solution", "quadrant", "kind", "trigger"} <= fields


def test_another_teams_objects_are_404(bearer, staff, other_staff, other_customer):
    other_act = log_act(other_staff, cost="0", customer=other_customer)
    api = bearer(staff)
    assert api.get(f"/api/acts/{other_act.pk}").status_code == 404
    assert api.get(f"/api/customers/{other_customer.pk}").status_code == 404
    response = api.post("/api/acts", {**ACT, "customer": other_customer.pk, "cost": "0"},
                        content_type="application/json")
    assert response.status_code == 404
    assert api.post(f"/api/acts/{other_act.pk}/deliver", {"actual_cost": "0"},
                    content_type="application/json").status_code == 404


def test_list_is_paginated_newest_first_and_scoped(bearer, staff, other_staff, customer):
    first = log_act(staff, cost="0", customer=customer)
    second = log_act(staff, cost="0", customer=customer)
    log_act(other_staff, cost="0")
    body = bearer(staff).get("/api/acts?page=1").json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [second.pk, first.pk]


def test_transitions_through_the_api(bearer, client, staff, manager, customer):
    act = log_act(staff, cost="75.00", customer=customer)
    response = bearer(manager).post(f"/api/acts/{act.pk}/approve", {"note": "Go"},
                                    content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    again = client.post(f"/api/acts/{act.pk}/approve", {"note": "Again"}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["detail"] == "This request has already been decided."
    api = bearer(staff)
    delivered = api.post(f"/api/acts/{act.pk}/deliver", {"actual_cost": "70.00"},
                         content_type="application/json")
    assert delivered.json()["status"] == "delivered"
    assert delivered.json()["actual_cost"] == "70.00"
    knows = api.post(f"/api/acts/{act.pk}/customer-knows", {"how": "Told at checkout"},
                     content_type="application/json")
    assert knows.json()["status"] == "customer_knows"


def test_decline_and_withdraw_through_the_api(bearer, client, staff, manager):
    declined = log_act(staff, cost="75.00")
    withdrawn = log_act(staff, cost="75.00")
    no_reason = bearer(manager).post(f"/api/acts/{declined.pk}/decline", {"note": ""},
                                     content_type="application/json")
    assert no_reason.status_code == 400
    assert client.post(f"/api/acts/{declined.pk}/decline", {"note": "Too much"},
                       content_type="application/json").json()["status"] == "declined"
    staff_api = bearer(staff)
    assert staff_api.post(f"/api/acts/{withdrawn.pk}/approve", content_type="application/json").status_code == 403
    assert staff_api.post(f"/api/acts/{withdrawn.pk}/withdraw", content_type="application/json").json()[
        "status"] == "withdrawn"


def test_budget_endpoint(bearer, staff, team):
    log_act(staff, cost="20.00")
    act_month = Act.objects.get().date.strftime("%Y-%m")
    body = bearer(staff).get(f"/api/budget?month={act_month}").json()
    assert body == {"month": act_month, "budget": "1000.00", "committed": "20.00", "remaining": "980.00"}
    assert bearer(staff).get("/api/budget?month=2026-13").status_code == 400


def test_customers_api_creates_with_referrer_and_guards(bearer, staff, customer, other_customer):
    api = bearer(staff)
    created = api.post("/api/customers", {"name": "Tom", "email": "tom@example.org",
                                          "referred_by": customer.pk, "first_purchase_value": "120.00"},
                       content_type="application/json")
    assert created.status_code == 201
    assert created.json()["referred_by"] == customer.pk
    assert created.json()["first_purchase_value"] == "120.00"
    assert api.post("/api/customers", {"name": "X", "referred_by": other_customer.pk},
                    content_type="application/json").status_code == 404
    assert api.post("/api/customers", {"name": "Y", "email": "not-an-email"},
                    content_type="application/json").status_code == 400
    listed = api.get("/api/customers").json()
    assert listed["items"][0]["name"] == "Tom"


def test_session_auth_needs_csrf_for_posts(staff, customer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    response = browser.post("/api/acts", {**ACT, "customer": customer.pk, "cost": "0"},
                            content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Act.objects.exists()


def test_openapi_description_and_docs(client, staff):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/me", "/api/acts", "/api/acts/{act_id}/approve", "/api/budget", "/api/customers"):
        assert path in schema["paths"]
    client.force_login(staff)
    assert client.get("/api/docs").status_code == 200
