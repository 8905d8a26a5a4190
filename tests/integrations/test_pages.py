"""The webhooks page: admins list, add (the secret shown once) and remove endpoints, and
read every attempt of the recent deliveries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations import webhooks
from integrations.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint

PAGE = "/integrations/webhooks/"
pytestmark = pytest.mark.usefixtures("dns")


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(client, admin_user, team):
    client.force_login(admin_user)
    response = client.post(
        PAGE, {"url": "https://hooks.example.com/in", "events": ["act.approved", "story.featured"], "team": team.pk}
    )
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in page
    assert "copy it now" in page
    assert "https://hooks.example.com/in" in page
    assert endpoint.team == team
    assert endpoint.events == ["act.approved", "story.featured"]
    assert endpoint.secret not in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "https://127.0.0.1/in", "events": ["act.logged"]}, "loopback or private"),
        ({"url": "http://hooks.example.com/in", "events": ["act.logged"]}, "must start with https://"),
        ({"url": "https://hooks.example.com/in"}, "This field is required."),
        ({"url": "https://hooks.example.com/in", "events": ["act.paid"]}, "Select a valid choice."),
    ],
)
def test_a_bad_webhook_is_refused_beside_its_field(client, admin_user, data, message):
    client.force_login(admin_user)
    response = client.post(PAGE, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_only_admins_reach_the_page(client, request, admin_user, who):
    endpoint, _ = webhooks.webhook_endpoint_create(
        user=admin_user, url="https://hooks.example.com/in", events=["act.logged"], team_id=None
    )
    client.force_login(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"url": "https://hooks.example.com/x", "events": ["act.logged"]}).status_code == 404
    assert client.post(f"{PAGE}{endpoint.pk}/delete/").status_code == 404
    assert WebhookEndpoint.objects.count() == 1


def test_removing_asks_first_then_removes(client, admin_user):
    endpoint, _ = webhooks.webhook_endpoint_create(
        user=admin_user, url="https://hooks.example.com/in", events=["act.logged"], team_id=None
    )
    client.force_login(admin_user)
    confirm = client.get(f"{PAGE}{endpoint.pk}/delete/")
    assert "Remove this webhook?" in confirm.content.decode()
    assert WebhookEndpoint.objects.exists()
    done = client.post(f"{PAGE}{endpoint.pk}/delete/", follow=True)
    assert "Webhook removed" in done.content.decode()
    assert not WebhookEndpoint.objects.exists()


def _deliveries(admin_user, count):
    endpoint, _ = webhooks.webhook_endpoint_create(
        user=admin_user, url=f"https://hooks.example.com/{count}", events=["act.logged"], team_id=None
    )
    at = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    for number in range(count):
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=Event.ACT_LOGGED,
            message_id=f"msg_{endpoint.pk}_{number}",
            body="{}",
            status="delivered",
            delivered_at=at,
            attempts_count=2,
        )
        WebhookAttempt.objects.create(delivery=delivery, at=at, status_code=503, error="Answered 503.")
        WebhookAttempt.objects.create(delivery=delivery, at=at + datetime.timedelta(seconds=30), status_code=200)
    return endpoint


def test_the_page_shows_every_attempt_with_its_code_and_time(client, admin_user):
    _deliveries(admin_user, 1)
    client.force_login(admin_user)
    page = client.get(PAGE).content.decode()
    assert "Delivered" in page
    assert "1 Dec, 09:00:00 · HTTP 503 · Answered 503." in page
    assert "1 Dec, 09:00:30 · HTTP 200" in page


def test_the_page_does_not_grow_with_endpoints_or_deliveries(client, admin_user, django_assert_max_num_queries):
    client.force_login(admin_user)
    _deliveries(admin_user, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(PAGE)
    for count in (3, 12):
        _deliveries(admin_user, count)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(PAGE).content.decode()
    # Each endpoint shows its ten latest deliveries.
    assert len(re.findall(r"Delivered</span>", page)) == 1 + 3 + 10
