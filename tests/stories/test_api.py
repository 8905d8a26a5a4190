"""The stories and NPS API as a client written from PRODUCT.md would use it."""

import pytest
from django.utils import timezone

from acts.models import FollowUp
from core import errors
from core.tokens import api_token_create
from customers import services
from stories import services as story_services
from stories.models import NpsResponse, Story
from tests.factories import CustomerFactory, log_act

from .conftest import deliver, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def as_user(user):
        _row, token = api_token_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return as_user


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_record_a_story(api, staff, customer, delivered_act):
    response = post(
        api(staff),
        "/api/stories",
        {
            "customer": customer.pk,
            "channel": "review",
            "text": "Five stars",
            "url": "https://r.example/1",
            "acts": [delivered_act.pk],
            "consent": True,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "submitted"
    assert body["acts"] == [delivered_act.pk]
    assert body["told_on"] == timezone.localdate().isoformat()
    assert (body["customer"], body["channel"], body["consent"], body["moderated_by"]) == (
        customer.pk,
        "review",
        True,
        None,
    )
    assert Story.objects.get().recorded_by == staff


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"])
def test_a_hostile_link_is_refused(api, staff, customer, url):
    response = post(
        api(staff),
        "/api/stories",
        {
            "customer": customer.pk,
            "channel": "social",
            "text": "Hi",
            "url": url,
        },
    )
    assert response.status_code == 400
    assert response.json() == {"detail": errors.MSG_STORY_LINK_SCHEME, "field": "url"}
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"channel": "fax", "text": "Hi"},
        {"channel": "review", "text": ""},
        {"channel": "review"},
    ],
)
def test_bad_story_input_is_422(api, staff, customer, body):
    response = post(api(staff), "/api/stories", {"customer": customer.pk, **body})
    assert response.status_code == 422
    assert not Story.objects.exists()


def test_another_teams_customer_or_act_is_404(api, staff, customer, other_staff, other_customer):
    client = api(staff)
    response = post(client, "/api/stories", {"customer": other_customer.pk, "channel": "review", "text": "Hi"})
    assert response.status_code == 404
    other_act = log_act(other_staff, customer=other_customer)
    response = post(
        client,
        "/api/stories",
        {
            "customer": customer.pk,
            "channel": "review",
            "text": "Hi",
            "acts": [other_act.pk],
        },
    )
    assert response.status_code == 404
    assert not Story.objects.exists()


def test_an_act_done_for_another_customer_is_refused_on_acts(api, staff, customer, team):
    neighbour_act = deliver(staff, customer=CustomerFactory(team=team, name="Noor Neighbour"))
    own_act = deliver(staff, customer=customer)
    response = post(
        api(staff),
        "/api/stories",
        {
            "customer": customer.pk,
            "channel": "review",
            "text": "Hi",
            "acts": [own_act.pk, neighbour_act.pk],
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": story_services.MSG_STORY_ACT_NOT_THEIRS.format(name=customer.name),
        "field": "acts",
    }
    assert not Story.objects.exists()


@pytest.mark.parametrize("status", ["bogus", "APPROVED", "pending", " "])
def test_an_unknown_status_filter_is_422_not_an_empty_list(api, staff, customer, status):
    record(staff, customer)
    response = api(staff).get("/api/stories", {"status": status})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail == f"Unknown status '{status}': use submitted, approved, featured or rejected."


def test_each_known_status_filters(api, staff, customer, admin_user):
    waiting = record(staff, customer)
    story_services.story_moderate(user=admin_user, story=record(staff, customer), decision="reject", reason="No")
    client = api(staff)
    assert [item["id"] for item in client.get("/api/stories?status=submitted").json()["items"]] == [waiting.pk]
    assert client.get("/api/stories?status=rejected").json()["count"] == 1
    assert client.get("/api/stories?status=").json()["count"] == 2


def test_the_referral_guards_over_the_api(api, staff, customer, other_customer):
    client = api(staff)
    # The API creates customers only (no edit route), so a new customer can neither be
    # their own referrer nor close a loop nor be referred twice; the guard it can meet is
    # the team's: another team's referrer is not found.
    response = post(client, "/api/customers", {"name": "New", "referred_by": other_customer.pk})
    assert response.status_code == 404
    response = post(client, "/api/customers", {"name": "New", "referred_by": customer.pk})
    assert response.status_code == 201
    assert response.json()["referred_by"] == customer.pk


def test_list_is_paginated_newest_first_and_scoped(api, staff, customer, other_staff, other_customer):
    import datetime

    today = timezone.localdate()
    old = record(staff, customer, text="Older", told_on=today - datetime.timedelta(days=3))
    new = record(staff, customer, text="Newer")
    record(other_staff, other_customer, text="Theirs")
    body = api(staff).get("/api/stories").json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [new.pk, old.pk]
    for extra in range(20):
        record(staff, customer, text=f"More {extra}")
    page_two = api(staff).get("/api/stories?page=2").json()
    assert page_two["count"] == 22
    assert len(page_two["items"]) == 2
    approved = api(staff).get("/api/stories?status=approved").json()
    assert approved["count"] == 0


def test_moderation_is_for_admins(api, staff, manager, story):
    for user in (staff, manager):
        response = post(api(user), f"/api/stories/{story.pk}/moderate", {"decision": "approve"})
        assert response.status_code == 403
        assert response.json()["detail"] == errors.MSG_ONLY_ADMINS_MODERATE
    story.refresh_from_db()
    assert story.status == "submitted"


def test_moderate_approve_then_illegal_move_is_409(api, admin_user, story):
    client = api(admin_user)
    response = post(client, f"/api/stories/{story.pk}/moderate", {"decision": "approve"})
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["moderated_by"] == admin_user.username
    response = post(client, f"/api/stories/{story.pk}/moderate", {"decision": "reject", "reason": "Late"})
    assert response.status_code == 409
    assert response.json()["detail"] == "This story is already approved; it cannot be rejected now."
    assert post(client, f"/api/stories/{story.pk}/moderate", {"decision": "feature"}).json()["status"] == "featured"


def test_reject_needs_a_reason(api, admin_user, story):
    client = api(admin_user)
    response = post(client, f"/api/stories/{story.pk}/moderate", {"decision": "reject"})
    assert response.status_code == 400
    assert response.json()["detail"] == errors.MSG_REJECT_NEEDS_REASON
    response = post(client, f"/api/stories/{story.pk}/moderate", {"decision": "reject", "reason": "Spam"})
    assert response.json()["status"] == "rejected"
    assert response.json()["reject_reason"] == "Spam"
    assert post(client, f"/api/stories/{story.pk}/moderate", {"decision": "publish"}).status_code == 422


def test_another_teams_story_is_404(api, other_manager, other_staff, story):
    for user in (other_manager, other_staff):
        response = post(api(user), f"/api/stories/{story.pk}/moderate", {"decision": "approve"})
        assert response.status_code == 404
    assert api(other_staff).get("/api/stories").json()["count"] == 0


def test_stories_api_needs_authentication(client, story):
    assert client.get("/api/stories").status_code == 401
    assert client.post("/api/nps", {}, content_type="application/json").status_code == 401


def test_record_an_nps_answer(api, staff, customer, delivered_act):
    response = post(
        api(staff),
        "/api/nps",
        {
            "customer": customer.pk,
            "score": 9,
            "comment": "Great",
            "act": delivered_act.pk,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["score"], body["act"], body["customer"], body["date"]) == (
        9,
        delivered_act.pk,
        customer.pk,
        timezone.localdate().isoformat(),
    )
    assert NpsResponse.objects.get().recorded_by == staff


def test_an_nps_detractor_opens_a_follow_up(api, staff, customer):
    response = post(api(staff), "/api/nps", {"customer": customer.pk, "score": 0, "date": "2025-01-15"})
    assert response.status_code == 201
    assert FollowUp.objects.get(kind="detractor").nps_response_id == response.json()["id"]


@pytest.mark.parametrize("score", [-1, 11, "ten"])
def test_an_nps_score_out_of_range_is_422(api, staff, customer, score):
    response = post(api(staff), "/api/nps", {"customer": customer.pk, "score": score})
    assert response.status_code == 422
    assert not NpsResponse.objects.exists()


def test_nps_for_another_team_is_404(api, staff, other_customer, other_staff, customer):
    client = api(staff)
    assert post(client, "/api/nps", {"customer": other_customer.pk, "score": 9}).status_code == 404
    other_act = log_act(other_staff, customer=other_customer)
    response = post(client, "/api/nps", {"customer": customer.pk, "score": 9, "act": other_act.pk})
    assert response.status_code == 404
    assert not NpsResponse.objects.exists()


def test_nps_act_of_another_customer_is_400(api, staff, customer, delivered_act):
    other = services.customer_create(user=staff, name="Someone Else")
    response = post(api(staff), "/api/nps", {"customer": other.pk, "score": 9, "act": delivered_act.pk})
    assert response.status_code == 400
    assert response.json()["field"] == "act"


def test_the_openapi_description_lists_the_routes(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}/moderate", "/api/nps"} <= set(paths)
