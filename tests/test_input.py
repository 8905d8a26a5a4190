"""Bad input never reaches a 500, on SQLite and on PostgreSQL alike: control characters
in any text, ids and page numbers no database takes, dates off the calendar, links
urlsplit cannot read. Each case here was a 500 before."""

import json

import pytest
from django.test import Client

from acts.models import Act
from core import errors
from core.paging import MSG_NO_SUCH_PAGE
from core.tokens import api_token_create
from customers.models import Customer
from stories.models import Story

from .factories import CustomerFactory, log_act

HUGE = "99999999999999999999"


@pytest.fixture
def api():
    """A test client that answers 500s instead of raising them, as a Bearer user."""

    def as_user(user):
        client = Client(raise_request_exception=False)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token_create(user=user)[1]}"
        return client

    return as_user


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


# --- Control characters: one rule for pages and API --------------------------------


@pytest.mark.parametrize("text", ["Ana\x00", "a\x01b", "\x1b[31m", "x\x7f"])
def test_control_characters_in_api_text_are_a_422_naming_the_field(api, staff, text):
    response = _post(api(staff), "/api/customers", {"name": "Ana", "notes": text})
    assert response.status_code == 422
    assert response.json() == {
        "detail": errors.MSG_CONTROL_CHARACTERS.format(field="notes"),
        "field": "notes",
    }
    assert not Customer.objects.exists()


def test_tab_and_line_breaks_are_ordinary_text(api, staff):
    response = _post(api(staff), "/api/customers", {"name": "Ana", "notes": "one\ttwo\r\nthree"})
    assert response.status_code == 201
    assert Customer.objects.get().notes == "one\ttwo\r\nthree"


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (
            "/api/acts",
            {
                "customer": 1,
                "problem": "a\x00b",
                "solution": "s",
                "quadrant": "delivery",
                "trigger": "proactive",
                "kind": "gift",
            },
            "problem",
        ),
        ("/api/stories", {"customer": 1, "channel": "review", "text": "\x00"}, "text"),
        ("/api/nps", {"customer": 1, "score": 3, "comment": "\x00"}, "comment"),
        ("/api/stories", {"customer": 1, "channel": "review", "text": "t", "url": ["\x00"]}, "url.0"),
    ],
)
def test_every_api_body_follows_the_rule(api, staff, url, body, field):
    response = _post(api(staff), url, body)
    assert response.status_code == 422
    assert response.json()["field"] == field


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/customers", {"q": "\x00"}),
        ("/api/acts", {"status": "\x00"}),
    ],
)
def test_control_characters_in_an_api_query_string_are_a_422(api, staff, url, params):
    response = api(staff).get(url, params)
    assert response.status_code == 422
    assert response.json()["field"] == next(iter(params))


def test_control_characters_on_a_page_are_a_400_page_naming_the_field(client_for, staff):
    client = client_for(staff)
    response = client.post("/customers/new/", {"name": "Ana", "referrer_code": "\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors.MSG_CONTROL_CHARACTERS.format(field="referrer_code") in page
    assert not Customer.objects.exists()
    assert client.get("/customers/", {"q": "Ana\x00"}).status_code == 400


def test_deliver_by_form_follows_the_rule_too(api, staff):
    act = log_act(staff, cost="10")
    response = api(staff).post(f"/api/acts/{act.pk}/deliver", {"actual_cost": "10", "note": "\x00"})
    assert response.status_code == 422
    act.refresh_from_db()
    assert act.status == "approved"


# --- Ids and page numbers ------------------------------------------------------------


@pytest.mark.parametrize("page", [HUGE, "2"])
@pytest.mark.parametrize("url", ["/api/acts", "/api/customers", "/api/stories"])
def test_a_page_past_the_last_is_a_json_404(api, manager, url, page):
    response = api(manager).get(url, {"page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": MSG_NO_SUCH_PAGE.format(page=int(page), last=1)}


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1.5"])
def test_a_page_that_is_no_page_number_is_a_422(api, manager, page):
    assert api(manager).get("/api/acts", {"page": page}).status_code == 422


def test_page_one_of_an_empty_list_is_an_empty_list(api, manager):
    response = api(manager).get("/api/stories", {"page": "1"})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


@pytest.mark.parametrize("page", [HUGE, "-1", "abc"])
def test_page_lists_show_the_last_page_for_a_page_beyond_it(client_for, staff, team, page):
    CustomerFactory.create_batch(21, team=team)  # two pages of 20
    response = client_for(staff).get("/customers/", {"page": page})
    assert response.status_code == 200
    expected = 1 if page == "abc" else 2  # not a number: the first page; out of range: the last
    assert response.context["page_obj"].number == expected


@pytest.mark.parametrize("value", ["²", HUGE, "-3", "1 OR 1=1"])
def test_ids_that_are_no_ids_name_nothing(client_for, admin_user, value):
    client = client_for(admin_user)
    assert client.get("/acts/new/warnings/", {"customer": value}).status_code == 200
    assert client.get("/dashboard/", {"team": value}).status_code == 404
    assert client.get("/dashboard/export/acts.csv", {"team": value}).status_code == 404
    assert client.get("/team/policy/", {"team": value}).status_code == 404


def test_api_dashboard_team_that_is_no_id_is_404(api, admin_user):
    response = api(admin_user).get("/api/dashboard", {"team": "²"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


# --- Dates and links -----------------------------------------------------------------


@pytest.mark.parametrize("query", [{"end": "9999-12-31"}, {"end": "0001-01-01"}, {"start": "0001-01-01"}])
def test_dashboard_dates_off_the_calendar_are_refused_in_words(api, client_for, manager, query):
    response = api(manager).get("/api/dashboard", query)
    assert response.status_code == 400
    name = next(iter(query))
    assert response.json()["detail"] == f"{name}: give a date between 1900 and 2999."
    assert client_for(manager).get("/dashboard/", query).status_code == 200


def test_a_story_link_urlsplit_cannot_read_is_refused(api, staff, customer):
    response = _post(
        api(staff), "/api/stories", {"customer": customer.pk, "channel": "review", "text": "t", "url": "http://[::1"}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == errors.MSG_STORY_LINK_SCHEME
    assert not Story.objects.exists()


# --- Absurd numbers ----------------------------------------------------------------


@pytest.mark.parametrize("cost", ["1e400", "NaN", "Infinity", "-Infinity", HUGE * 10, 1e308])
def test_absurd_costs_are_refused_in_words(api, client_for, staff, customer, cost):
    body = {
        "customer": customer.pk,
        "problem": "p",
        "solution": "s",
        "quadrant": "delivery",
        "trigger": "proactive",
        "kind": "gift",
        "cost": cost,
    }
    response = _post(api(staff), "/api/acts", body)
    assert response.status_code in (400, 422)
    page = client_for(staff).post("/acts/new/", {**body, "customer": customer.pk, "date": "2026-01-01"})
    assert page.status_code == 200  # the form again, with the message beside the cost
    assert not Act.objects.exists()
