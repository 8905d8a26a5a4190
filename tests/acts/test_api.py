"""The JSON API as a client written from PRODUCT.md would use it."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from acts import services
from acts.api import MSG_NO_SUCH_CUSTOMER
from acts.models import Act, BudgetMonth
from core.tokens import api_token_create
from tests.factories import log_act

pytestmark = pytest.mark.django_db

ACT = {
    "problem": "Mother in hospital",
    "solution": "Sent flowers",
    "quadrant": "response",
    "trigger": "proactive",
    "kind": "gift",
    "right_thing": "Yes",
    "great_experience": "Yes",
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
    assert response.json() == {
        "username": "marcus",
        "role": "manager",
        "team": "Harbour",
        "team_id": manager.team_id,
        "slack_user_id": "",
        "empowerment_limit": "50.00",
        "points": 0,
    }


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
    [
        ("20.00", "approved", "empowered"),
        ("75.00", "pending_approval", "manager"),
        ("150.00", "pending_approval", "admin"),
        ("0", "approved", "none"),
    ],
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
    assert (
        api.post(f"/api/acts/{other_act.pk}/deliver", {"actual_cost": "0"}, content_type="application/json").status_code
        == 404
    )


def test_list_is_paginated_newest_first_and_scoped(bearer, staff, other_staff, customer):
    first = log_act(staff, cost="0", customer=customer)
    second = log_act(staff, cost="0", customer=customer)
    log_act(other_staff, cost="0")
    body = bearer(staff).get("/api/acts?page=1").json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [second.pk, first.pk]


def test_transitions_through_the_api(bearer, client, staff, manager, customer):
    act = log_act(staff, cost="75.00", customer=customer)
    response = bearer(manager).post(f"/api/acts/{act.pk}/approve", {"note": "Go"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    again = client.post(f"/api/acts/{act.pk}/approve", {"note": "Again"}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["detail"] == "This request has already been decided."
    api = bearer(staff)
    delivered = api.post(f"/api/acts/{act.pk}/deliver", {"actual_cost": "70.00"}, content_type="application/json")
    assert delivered.json()["status"] == "delivered"
    assert delivered.json()["actual_cost"] == "70.00"
    knows = api.post(f"/api/acts/{act.pk}/customer-knows", {"how": "Told at checkout"}, content_type="application/json")
    assert knows.json()["status"] == "customer_knows"


def test_decline_and_withdraw_through_the_api(bearer, client, staff, manager):
    declined = log_act(staff, cost="75.00")
    withdrawn = log_act(staff, cost="75.00")
    no_reason = bearer(manager).post(f"/api/acts/{declined.pk}/decline", {"note": ""}, content_type="application/json")
    assert no_reason.status_code == 400
    assert (
        client.post(f"/api/acts/{declined.pk}/decline", {"note": "Too much"}, content_type="application/json").json()[
            "status"
        ]
        == "declined"
    )
    staff_api = bearer(staff)
    assert staff_api.post(f"/api/acts/{withdrawn.pk}/approve", content_type="application/json").status_code == 403
    assert (
        staff_api.post(f"/api/acts/{withdrawn.pk}/withdraw", content_type="application/json").json()["status"]
        == "withdrawn"
    )


def test_budget_endpoint(bearer, staff, team):
    log_act(staff, cost="20.00")
    act_month = Act.objects.get().date.strftime("%Y-%m")
    body = bearer(staff).get(f"/api/budget?month={act_month}").json()
    assert body == {
        "month": act_month,
        "budget": "1000.00",
        "committed": "20.00",
        "remaining": "980.00",
        "over_approved": "0.00",
    }
    assert bearer(staff).get("/api/budget?month=2026-13").status_code == 400


def test_customers_api_creates_with_referrer_and_guards(bearer, staff, customer, other_customer):
    api = bearer(staff)
    created = api.post(
        "/api/customers",
        {"name": "Tom", "email": "tom@example.org", "referred_by": customer.pk, "first_purchase_value": "120.00"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["referred_by"] == customer.pk
    assert created.json()["first_purchase_value"] == "120.00"
    assert (
        api.post(
            "/api/customers", {"name": "X", "referred_by": other_customer.pk}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        api.post("/api/customers", {"name": "Y", "email": "not-an-email"}, content_type="application/json").status_code
        == 400
    )
    listed = api.get("/api/customers").json()
    assert listed["items"][0]["name"] == "Tom"


def test_session_auth_needs_csrf_for_posts(staff, customer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    response = browser.post("/api/acts", {**ACT, "customer": customer.pk, "cost": "0"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Act.objects.exists()


def test_openapi_description_and_docs(client, staff):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/me", "/api/acts", "/api/acts/{act_id}/approve", "/api/budget", "/api/customers"):
        assert path in schema["paths"]
    # The docs page (Swagger UI draws the description) has a way back to the app.
    assert "[← Back to Second Mile](/)" in schema["info"]["description"]
    client.force_login(staff)
    assert client.get("/api/docs").status_code == 200


# --- Another team's act answers 404 on every transition ---------------------------------


@pytest.mark.parametrize(
    ("who", "act_state", "route", "body"),
    [
        ("other_manager", "pending", "approve", {"note": "Fine"}),
        ("other_manager", "pending", "decline", {"note": "No"}),
        ("other_staff", "pending", "withdraw", {}),
        ("other_staff", "approved", "deliver", {"actual_cost": "10.00"}),
        ("other_staff", "delivered", "customer-knows", {"how": "Told them"}),
    ],
)
def test_every_transition_on_another_teams_act_is_404_and_changes_nothing(
    request, bearer, staff, manager, customer, who, act_state, route, body
):
    act = log_act(staff, cost="75.00" if act_state == "pending" else "10.00", customer=customer)
    if act_state == "delivered":
        services.act_deliver(user=staff, act=act, actual_cost="10.00")
    before = Act.objects.get(pk=act.pk)
    events = before.events.count()
    response = bearer(request.getfixturevalue(who)).post(
        f"/api/acts/{act.pk}/{route}", body, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    after = Act.objects.get(pk=act.pk)
    assert after.status == before.status
    assert after.events.count() == events


# --- POST /api/acts: the three answers, the customer, a cost as a number -------------------


def test_a_costed_act_without_the_three_answers_is_refused_field_by_field(bearer, staff, customer):
    body = {
        **ACT,
        "customer": customer.pk,
        "cost": "75.00",
        "right_thing": "",
        "great_experience": "  ",
        "how_they_know": "",
    }
    response = bearer(staff).post("/api/acts", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()
    assert error["detail"] == services.MSG_ANSWERS_NEEDED
    assert error["field"] == "right_thing"
    missing = ("right_thing", "great_experience", "how_they_know")
    assert error["fields"] == dict.fromkeys(missing, services.MSG_ANSWER_NEEDED)
    assert not Act.objects.exists()


def test_only_the_missing_answers_are_named(bearer, staff, customer):
    body = {**ACT, "customer": customer.pk, "cost": 75, "how_they_know": ""}
    response = bearer(staff).post("/api/acts", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "how_they_know"
    assert list(response.json()["fields"]) == ["how_they_know"]
    assert not Act.objects.exists()


def test_an_empowered_act_needs_no_answers(bearer, staff, customer):
    body = {
        **ACT,
        "customer": customer.pk,
        "cost": "20",
        "right_thing": "",
        "great_experience": "",
        "how_they_know": "",
    }
    response = bearer(staff).post("/api/acts", body, content_type="application/json")
    assert response.status_code == 201
    assert (response.json()["approval_level"], response.json()["status"]) == ("empowered", "approved")


def test_a_free_act_needs_no_answers(bearer, staff, customer):
    body = {**ACT, "customer": customer.pk, "cost": "0", "right_thing": "", "great_experience": "", "how_they_know": ""}
    response = bearer(staff).post("/api/acts", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["approval_level"] == "none"


@pytest.mark.parametrize(
    ("cost", "stored", "level"),
    [(20, "20.00", "empowered"), (19.99, "19.99", "empowered"), (75.5, "75.50", "manager"), (0, "0.00", "none")],
)
def test_cost_may_be_a_json_number(bearer, staff, customer, cost, stored, level):
    response = bearer(staff).post(
        "/api/acts", {**ACT, "customer": customer.pk, "cost": cost}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["approval_level"] == level
    assert response.json()["cost"] == stored
    assert Act.objects.get().cost == Decimal(stored)


@pytest.mark.parametrize(("cost", "status"), [(-5, 400), (1e400, 400), (True, 422), (None, 422)])
def test_a_bad_numeric_cost_is_refused(bearer, staff, customer, cost, status):
    # 1e400 arrives as infinity; true and null are not amounts at all.
    payload = json.dumps({**ACT, "customer": customer.pk, "cost": cost}).replace("Infinity", "1e400")
    response = bearer(staff).post("/api/acts", payload, content_type="application/json")
    assert response.status_code == status, response.content
    if status == 400:
        assert response.json()["field"] == "cost"
    else:
        assert response.json()["detail"][0]["loc"] == ["body", "payload", "cost"]
    assert not Act.objects.exists()


@pytest.mark.parametrize("which", ["missing", "other_team"])
def test_an_unknown_or_other_teams_customer_is_a_field_error(bearer, staff, other_customer, which):
    customer_id = other_customer.pk if which == "other_team" else 987654
    response = bearer(staff).post(
        "/api/acts", {**ACT, "customer": customer_id, "cost": "0"}, content_type="application/json"
    )
    assert response.status_code == 400
    # The same answer either way: another team's customer does not exist for this caller.
    assert response.json() == {"detail": MSG_NO_SUCH_CUSTOMER, "field": "customer"}
    assert not Act.objects.exists()


def test_an_admin_logs_an_act_for_another_teams_customer(bearer, admin_user, other_team, other_customer):
    response = bearer(admin_user).post(
        "/api/acts",
        {**ACT, "customer": other_customer.pk, "cost": "20.00"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    act = Act.objects.get()
    # The act is the customer's team's: its spend policy and its budget.
    assert response.json()["team"] == other_team.pk
    assert act.team == other_team
    assert act.author == admin_user
    assert BudgetMonth.objects.get(team=other_team).committed == Decimal("20.00")
    assert not BudgetMonth.objects.exclude(team=other_team).exists()


# --- POST /api/acts/{id}/deliver: JSON, or multipart with a receipt ------------------------


def _approved_over_threshold(staff, manager, customer, cost="90.00"):
    act = log_act(staff, cost=cost, customer=customer)
    return services.spend_approve(user=manager, act=act)


def test_deliver_over_the_receipt_threshold_with_a_multipart_receipt(
    bearer, staff, manager, customer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    act = _approved_over_threshold(staff, manager, customer)
    api = bearer(staff)
    without = api.post(f"/api/acts/{act.pk}/deliver", {"actual_cost": "90.00"}, content_type="application/json")
    assert without.status_code == 400
    assert without.json()["field"] == "receipt"
    receipt = SimpleUploadedFile("till.pdf", b"%PDF-1.4 a receipt", content_type="application/pdf")
    response = api.post(
        f"/api/acts/{act.pk}/deliver", {"actual_cost": "88.50", "note": "Taxi and hotel", "receipt": receipt}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "delivered"
    assert response.json()["actual_cost"] == "88.50"
    act.refresh_from_db()
    assert act.receipt.name.endswith(".pdf")
    assert act.receipt.read().startswith(b"%PDF-")
    delivered = act.events.get(action="delivered")
    assert (delivered.amount, delivered.note) == (Decimal("88.50"), "Taxi and hotel")


def test_deliver_as_json_still_works_and_validates_field_by_field(bearer, staff, customer):
    act = log_act(staff, cost="20.00", customer=customer)
    api = bearer(staff)
    missing = api.post(f"/api/acts/{act.pk}/deliver", {}, content_type="application/json")
    assert missing.status_code == 422
    assert [error["loc"] for error in missing.json()["detail"]] == [["body", "payload", "actual_cost"]]
    assert api.post(f"/api/acts/{act.pk}/deliver", "{not json", content_type="application/json").status_code == 400
    response = api.post(f"/api/acts/{act.pk}/deliver", {"actual_cost": 18}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["actual_cost"] == "18.00"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "is an image (PNG, JPEG, GIF, WebP) or a PDF"),
        (b"%PDF-" + b"0" * (5 * 1024 * 1024), "at most 5 MB"),
    ],
    ids=["wrong-type", "too-big"],
)
def test_deliver_refuses_a_bad_receipt_and_changes_nothing(bearer, staff, manager, customer, team, content, message):
    act = _approved_over_threshold(staff, manager, customer)
    committed = BudgetMonth.objects.get(team=team).committed
    receipt = SimpleUploadedFile("receipt.pdf", content, content_type="application/pdf")
    response = bearer(staff).post(f"/api/acts/{act.pk}/deliver", {"actual_cost": "90.00", "receipt": receipt})
    assert response.status_code == 400
    assert response.json()["field"] == "receipt"
    assert message in response.json()["detail"]
    act.refresh_from_db()
    assert act.status == "approved"
    assert not act.receipt
    assert act.actual_cost is None
    assert not act.events.filter(action="delivered").exists()
    assert BudgetMonth.objects.get(team=team).committed == committed


def test_multipart_deliver_without_an_actual_cost_names_the_field(bearer, staff, customer):
    act = log_act(staff, cost="20.00", customer=customer)
    response = bearer(staff).post(f"/api/acts/{act.pk}/deliver", {"note": "Done"})
    assert response.status_code == 400
    assert response.json()["field"] == "actual_cost"
    assert Act.objects.get(pk=act.pk).status == "approved"


def test_openapi_describes_both_deliver_bodies(client):
    schema = client.get("/api/openapi.json").json()
    body = schema["paths"]["/api/acts/{act_id}/deliver"]["post"]["requestBody"]
    assert set(body["content"]) == {"application/json", "multipart/form-data"}
    assert "actual_cost" in body["content"]["application/json"]["schema"]["properties"]
    form = body["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["receipt"] == {**form["properties"]["receipt"], "format": "binary"}
    assert form["required"] == ["actual_cost"]
    cost = schema["components"]["schemas"]["ActIn"]["properties"]["cost"]
    assert {"type": "number"} in cost["anyOf"]


def test_the_act_list_filters_narrow_and_an_empty_one_means_any(bearer, staff, team):
    """The list's filters (a FilterSchema): the same query parameters, each narrowing."""
    gift = log_act(staff, kind="gift", quadrant="response")
    call = log_act(staff, kind="call", quadrant="reception")
    client = bearer(staff)

    def ids(query):
        return sorted(item["id"] for item in client.get(f"/api/acts{query}").json()["items"])

    assert ids("") == ids("?kind=&status=&quadrant=&trigger=") == sorted([gift.pk, call.pk])
    assert ids("?kind=gift") == [gift.pk]
    assert ids("?kind=call&quadrant=reception") == [call.pk]
    assert ids("?kind=call&quadrant=response") == []
    assert ids("?status=bogus") == []
    parameters = client.get("/api/openapi.json").json()["paths"]["/api/acts"]["get"]["parameters"]
    assert {p["name"] for p in parameters} == {"status", "quadrant", "trigger", "kind", "page", "page_size"}
