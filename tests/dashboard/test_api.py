"""GET /api/dashboard: the core figures as JSON, with the same scoping as the page."""

import datetime

import pytest

from acts import services as act_services
from core.tokens import api_token_create

from .builders import act, at, days_ago
from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def test_the_core_figures_as_json(client_for, world, staff, team):
    response = client_for(staff).get("/api/dashboard", {"start": PERIOD["start"], "end": PERIOD["end"]})
    assert response.status_code == 200
    body = response.json()
    assert {
        key: body[key]
        for key in (
            "start",
            "end",
            "team",
            "team_id",
            "acts_count",
            "proactive_share",
            "spend_total",
            "stories_count",
            "referred_customers_count",
            "cost_per_referred_customer",
            "nps_with_act",
            "nps_without_act",
        )
    } == {
        "start": PERIOD["start"].isoformat(),
        "end": PERIOD["end"].isoformat(),
        "team": "Harbour",
        "team_id": team.pk,
        "acts_count": 5,
        "proactive_share": 0.6,
        "spend_total": "88.00",
        "stories_count": 2,
        "referred_customers_count": 2,
        "cost_per_referred_customer": "44.00",
        "nps_with_act": 33.3,
        "nps_without_act": -66.7,
    }
    assert body["referral_revenue"] == "200.00"
    assert body["decline_rate"] == 0.5
    assert body["recovery_rate"] == 0.5


def test_an_empty_period_is_nulls_not_errors(client_for, staff):
    body = client_for(staff).get("/api/dashboard?start=2001-01-01&end=2001-01-31").json()
    assert body["acts_count"] == 0
    assert body["spend_total"] == "0.00"
    assert body["proactive_share"] is None
    assert body["cost_per_referred_customer"] is None
    assert body["nps_with_act"] is None
    assert body["nps_without_act"] is None


@pytest.mark.parametrize("query", ["start=2026-02-30", "end=soon", "start=2026-03-10&end=2026-03-01"])
def test_bad_dates_answer_400_with_a_detail(client_for, staff, query):
    response = client_for(staff).get(f"/api/dashboard?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_scoping(client_for, world, staff, admin_user, other_team):
    assert client_for(staff).get(f"/api/dashboard?team={other_team.pk}").json() == {"detail": "Not found."}
    admin = client_for(admin_user)
    body = admin.get("/api/dashboard", {"team": "all", **PERIOD}).json()
    assert (body["team"], body["team_id"], body["acts_count"]) == (None, None, 6)
    body = admin.get("/api/dashboard", {"team": other_team.pk, **PERIOD}).json()
    assert (body["team"], body["acts_count"]) == ("Riverside", 1)


def test_a_bearer_token_works(client, world, staff):
    _row, token = api_token_create(user=staff)
    response = client.get("/api/dashboard", {"start": PERIOD["start"]}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["acts_count"] == 5
    assert client.get("/api/dashboard").status_code == 401


def test_the_route_is_in_the_openapi_description(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"start", "end", "team"} <= {p["name"] for p in paths["/api/dashboard"]["get"]["parameters"]}


def test_every_figure_of_the_page_is_in_the_api(client_for, world, staff):
    """The same values as the page (conftest's hand-computed world)."""
    body = client_for(staff).get("/api/dashboard", {"start": PERIOD["start"], "end": PERIOD["end"]}).json()
    assert body["acts_by_quadrant"] == {"reception": 1, "delivery": 1, "reliability": 1, "response": 2}
    assert body["acts_by_kind"] == {
        "call": 2,
        "gift": 1,
        "upgrade": 1,
        "note": 1,
        "time": 0,
        "expertise": 0,
        "waiver": 0,
        "other": 0,
    }
    assert body["stories_per_act"] == 0.4
    assert body["referral_revenue"] == "200.00"
    assert body["referral_return"] == pytest.approx(200 / 88)
    assert (body["requests_decided_count"], body["declined_count"], body["decline_rate"]) == (2, 1, 0.5)
    assert (body["empowered_count"], body["empowerment_rate"]) == (3, 0.6)
    assert (body["reactive_count"], body["recovered_count"], body["recovery_rate"]) == (2, 1, 0.5)
    assert body["approval_time_median_hours"] is not None
    assert body["approval_time_p90_hours"] is not None
    assert body["funnel"] == {"acts": 5, "stories": 2, "referred_customers": 2}


def test_shares_are_plain_fractions_at_full_precision(client_for, staff):
    for trigger in ("proactive", "reactive", "reactive"):
        act(staff, days=200, trigger=trigger)
    day = days_ago(200).isoformat()
    body = client_for(staff).get("/api/dashboard", {"start": day, "end": day}).json()
    assert body["proactive_share"] == 1 / 3
    html = client_for(staff).get(f"/dashboard/?period=custom&start={day}&end={day}").content.decode()
    assert "33%" in html


def test_approval_times_in_hours(client_for, team, staff, manager, afternoon):
    start = afternoon - datetime.timedelta(hours=3)
    with at(start):
        request = act(staff, cost="80")
    with at(start + datetime.timedelta(minutes=90)):
        act_services.spend_approve(user=manager, act=request)
    body = client_for(staff).get("/api/dashboard", {"start": days_ago(0), "end": days_ago(0)}).json()
    assert (body["approval_time_median_hours"], body["approval_time_p90_hours"]) == (1.5, 1.5)
