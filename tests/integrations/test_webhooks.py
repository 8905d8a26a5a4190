"""Signed outgoing webhooks: registering endpoints, the events the services emit, and
delivery with signatures, retries, giving up and disabling."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from standardwebhooks import Webhook, WebhookVerificationError

from acts import services as act_services
from core.models import AuditEvent, OutgoingMail
from customers import services as customer_services
from integrations import webhooks
from integrations.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from stories import nps
from stories import services as story_services
from tests.factories import log_act

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def api(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def _endpoint(admin_user, url, events, team_id=None):
    endpoint, secret = webhooks.webhook_endpoint_create(user=admin_user, url=url, events=events, team_id=team_id)
    return endpoint, secret


# --- The proof: 500 once, then 200 ------------------------------------------------------


@pytest.mark.usefixtures("private_allowed")
def test_a_receiver_that_fails_once_gets_the_event_twice_signed_and_the_second_is_delivered(
    api, admin_user, manager, staff, team, receiver, queue, django_capture_on_commit_callbacks
):
    hook = receiver(500, 200)
    team.monthly_budget = Decimal("160.00")
    team.save()
    with time_machine.travel(NOW, tick=False) as clock:
        created = api(admin_user).post(
            "/api/webhooks",
            {"url": hook.url, "events": ["act.approved"], "team": None},
            content_type="application/json",
        )
        assert created.status_code == 201
        secret = created.json()["secret"]
        assert secret.startswith("whsec_")
        assert set(created.json()) == {"id", "url", "events", "team", "secret"}

        act = log_act(staff, cost="75")
        with django_capture_on_commit_callbacks(execute=True):
            approved = api(manager).post(f"/api/acts/{act.pk}/approve", {}, content_type="application/json")
        assert approved.status_code == 200

        with django_capture_on_commit_callbacks(execute=True):
            # The first try (the receiver answers 500), then the requester's decision mail (1 sent).
            assert queue.run_due() == [WebhookDelivery.Status.PENDING, 1]
        delivery = WebhookDelivery.objects.get()
        assert delivery.attempts_count == 1
        assert delivery.next_attempt_at == NOW + datetime.timedelta(seconds=30)
        assert queue.run_due() == ["sent"]  # the decision mail goes out; the retry waits for its time
        assert queue.run_due() == []

        clock.shift(datetime.timedelta(seconds=30))
        with django_capture_on_commit_callbacks(execute=True):
            assert queue.run_due() == [WebhookDelivery.Status.DELIVERED]

        assert len(hook.requests) == 2
        first, second = hook.requests
        assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
        assert first["body"] == second["body"]
        # Each attempt is signed at its own time; the receiver's check passes for the one it got now.
        assert Webhook(secret).verify(second["body"], second["headers"]) == hook.json(1)

    event = hook.json(1)
    assert event["type"] == "act.approved"
    datetime.datetime.fromisoformat(event["timestamp"])
    assert event["data"] == {
        **event["data"],
        "id": act.pk,
        "status": "approved",
        "approval_level": "manager",
        "cost": "75.00",
        "team": team.pk,
        "customer": act.customer_id,
    }
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.delivered_at == NOW + datetime.timedelta(seconds=30)
    codes = list(delivery.attempts.order_by("at").values_list("status_code", "succeeded"))
    assert codes == [(500, False), (200, True)]

    listed = api(admin_user).get("/api/webhooks").json()["items"][0]
    assert listed["deliveries"][0]["status"] == "delivered"
    assert [a["status_code"] for a in listed["deliveries"][0]["attempts"]] == [200, 500]


def test_a_wrong_secret_does_not_verify(
    admin_user, receiver, queue, staff, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    hook = receiver(200)
    _endpoint(admin_user, hook.url, ["act.logged"])
    with django_capture_on_commit_callbacks(execute=True):
        log_act(staff, cost="0")
    queue.run_due()
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.secret_new()).verify(hook.requests[0]["body"], hook.requests[0]["headers"])


# --- Retries, giving up, disabling -----------------------------------------------------


def test_an_endpoint_that_never_answers_is_given_up_after_about_a_day_and_disabled(
    admin_user, staff, team, queue, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver_down = "http://127.0.0.1:9/hooks"  # the discard port: nothing listens
    endpoint, _secret = _endpoint(admin_user, receiver_down, ["act.logged"])
    with time_machine.travel(NOW, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            log_act(staff, cost="0")
        waits = []
        while queue.results:
            waits.append(queue.results[0].task.run_after)
            if waits[-1] is not None:
                clock.move_to(waits[-1])
            with django_capture_on_commit_callbacks(execute=True):
                queue.run_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts_count == webhooks.MAX_ATTEMPTS == 8
    first_try = delivery.attempts.order_by("at").first().at
    last_try = delivery.attempts.order_by("at").last().at
    assert datetime.timedelta(hours=20) < last_try - first_try < datetime.timedelta(hours=26)
    assert waits[1] - NOW == datetime.timedelta(seconds=30)  # the first retry within a minute
    assert all(a.error.startswith("Could not reach it") for a in delivery.attempts.all())

    endpoint.refresh_from_db()
    assert endpoint.disabled_at == last_try
    assert "No delivery got through for a day" in endpoint.disabled_reason
    assert [m.to for m in mail.outbox] == [[admin_user.email]]
    assert receiver_down in mail.outbox[0].subject
    assert "/integrations/webhooks/" in mail.outbox[0].body
    # Through the mail queue like every notification: one row, sent once.
    told = OutgoingMail.objects.get(key__startswith=f"webhook-disabled:{endpoint.pk}:")
    assert told.to == admin_user.email
    assert told.status == OutgoingMail.Status.SENT

    # A disabled endpoint hears nothing more.
    log_act(staff, cost="0")
    assert WebhookDelivery.objects.count() == 1


def test_a_success_in_between_keeps_an_endpoint_enabled(admin_user, queue, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    endpoint, _ = _endpoint(admin_user, "http://127.0.0.1:9/hooks", ["act.logged"])
    with time_machine.travel(NOW, tick=False):
        ids = webhooks.webhook_event_emit(event=Event.ACT_LOGGED, team_id=None, data={"id": 1})
    delivery = WebhookDelivery.objects.get(pk=ids[0])
    # Its last try comes after another delivery got through.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts_count=webhooks.MAX_ATTEMPTS - 1)
    WebhookAttempt.objects.create(delivery=delivery, at=NOW, status_code=500)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=NOW + datetime.timedelta(hours=20))
    with time_machine.travel(NOW + datetime.timedelta(hours=23), tick=False):
        assert webhooks.webhook_delivery_attempt(delivery_id=delivery.pk) == WebhookDelivery.Status.FAILED
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_a_slow_receiver_times_out_and_is_retried(admin_user, queue, settings, monkeypatch):
    import socket

    settings.WEBHOOK_ALLOW_PRIVATE = True
    monkeypatch.setattr(webhooks.transport, "TIMEOUT_SECONDS", 0.3)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts, never answers
    try:
        _endpoint(admin_user, f"http://127.0.0.1:{silent.getsockname()[1]}/", ["act.logged"])
        [delivery_id] = webhooks.webhook_event_emit(event=Event.ACT_LOGGED, team_id=None, data={"id": 1})
        assert webhooks.webhook_delivery_attempt(delivery_id=delivery_id) == WebhookDelivery.Status.PENDING
    finally:
        silent.close()
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert attempt.error == "No answer within 0.3 s."


def test_two_workers_never_send_one_delivery_at_once(admin_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    _endpoint(admin_user, "http://127.0.0.1:9/hooks", ["act.logged"])
    with time_machine.travel(NOW, tick=False):
        [delivery_id] = webhooks.webhook_event_emit(event=Event.ACT_LOGGED, team_id=None, data={})
        # Another worker holds it (its lease runs): this one leaves it alone.
        WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=NOW + webhooks.SEND_LEASE)
        assert webhooks.webhook_delivery_attempt(delivery_id=delivery_id) == "not due"
    assert not WebhookAttempt.objects.exists()


def test_the_sweep_enqueues_what_is_due(admin_user, queue, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    _endpoint(admin_user, "http://127.0.0.1:9/hooks", ["act.logged"])
    with time_machine.travel(NOW, tick=False):
        webhooks.webhook_event_emit(event=Event.ACT_LOGGED, team_id=None, data={})
        queue.clear()
        assert webhooks.webhook_deliveries_due.call() == 1
    assert [r.task.name for r in queue.results] == ["webhook_deliver"]


# --- What the services emit ---------------------------------------------------------------


def _all_events(admin_user, team_id=None):
    return _endpoint(admin_user, "https://hooks.example.com/in", list(Event.values), team_id)[0]


@pytest.mark.usefixtures("dns")
def test_every_act_transition_is_an_event(admin_user, staff, manager, team):
    _all_events(admin_user)
    pending = log_act(staff, cost="75")
    act_services.spend_approve(user=manager, act=pending)
    act_services.act_deliver(user=staff, act=pending, actual_cost="75")
    act_services.act_customer_knows(user=staff, act=pending, how="A card")
    act_services.spend_decline(user=manager, act=log_act(staff, cost="80"), note="Not this time")
    act_services.spend_withdraw(user=staff, act=log_act(staff, cost="90"))
    log_act(staff, cost="20")
    events = list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True))
    assert events == [
        "act.logged",
        "act.approval_requested",
        "act.approved",
        "act.delivered",
        "act.customer_knows",
        "act.logged",
        "act.approval_requested",
        "act.declined",
        "act.logged",
        "act.approval_requested",
        "act.withdrawn",
        "act.logged",
        "act.approved",
    ]
    delivered = json.loads(WebhookDelivery.objects.get(event="act.delivered").body)["data"]
    assert delivered["status"] == "delivered"
    assert delivered["actual_cost"] == "75.00"


@pytest.mark.usefixtures("dns")
def test_stories_referrals_and_detractors_are_events(admin_user, staff, team, customer):
    _all_events(admin_user)
    story = story_services.story_record(user=staff, customer=customer, channel="review", text="Lovely", consent=True)
    story_services.story_moderate(user=admin_user, story=story, decision="approve")
    story_services.story_moderate(user=admin_user, story=story, decision="feature")
    customer_services.customer_create(user=staff, name="Nadia", referred_by=customer)
    nps.nps_record(user=staff, customer=customer, score=9)
    nps.nps_record(user=staff, customer=customer, score=3, comment="Slow")
    events = list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True))
    assert events == ["story.submitted", "story.approved", "story.featured", "customer.referred", "nps.detractor"]
    detractor = json.loads(WebhookDelivery.objects.get(event="nps.detractor").body)["data"]
    assert detractor["score"] == 3
    assert detractor["customer"] == customer.pk


@pytest.mark.usefixtures("dns")
def test_an_endpoint_of_one_team_hears_only_that_team(admin_user, staff, other_staff, team):
    mine = _all_events(admin_user, team_id=team.pk)
    log_act(other_staff, cost="0")
    assert not WebhookDelivery.objects.exists()
    log_act(staff, cost="0")
    assert WebhookDelivery.objects.filter(endpoint=mine).count() == 1


@pytest.mark.usefixtures("dns")
def test_an_event_is_queued_only_when_its_write_commits(admin_user, staff, queue, django_capture_on_commit_callbacks):
    _endpoint(admin_user, "https://hooks.example.com/in", ["act.approval_requested"])
    unanswered = {"right_thing": "", "great_experience": "", "how_they_know": ""}
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(act_services.AnswersMissing):
        log_act(staff, cost="75", **unanswered)
    assert not WebhookDelivery.objects.exists()
    assert queue.results == []


# --- Registering endpoints -------------------------------------------------------------


@pytest.mark.usefixtures("dns")
@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"url": "https://hooks.example.com/in", "events": ["act.paid"]}, "events", "Unknown event: act.paid."),
        ({"url": "https://hooks.example.com/in", "events": []}, "events", webhooks.MSG_NO_EVENTS),
        ({"url": "http://hooks.example.com/in", "events": ["act.logged"]}, "url", "must start with https://"),
        ({"url": "https://127.0.0.1/in", "events": ["act.logged"]}, "url", "loopback or private"),
        ({"url": "https://10.1.2.3/in", "events": ["act.logged"]}, "url", "loopback or private"),
        ({"url": "https://169.254.169.254/latest", "events": ["act.logged"]}, "url", "loopback or private"),
        ({"url": "https://[::ffff:127.0.0.1]/in", "events": ["act.logged"]}, "url", "loopback or private"),
        ({"url": "https://internal.example.com/in", "events": ["act.logged"]}, "url", "loopback or private"),
        ({"url": "not a url", "events": ["act.logged"]}, "url", "full web address"),
        ({"url": "https://hooks.example.com/in", "events": ["act.logged"], "team": 999999}, "team", "no team"),
    ],
)
def test_a_bad_webhook_is_refused_with_a_reason(api, admin_user, dns, body, field, message):
    dns["internal.example.com"] = "192.168.1.20"
    response = api(admin_user).post("/api/webhooks", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert message in response.json()["detail"]
    assert not WebhookEndpoint.objects.exists()


def test_a_private_target_is_allowed_when_the_setting_says_so(api, admin_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    response = api(admin_user).post(
        "/api/webhooks", {"url": "http://127.0.0.1:8001/in", "events": ["act.logged"]}, content_type="application/json"
    )
    assert response.status_code == 201


@pytest.mark.usefixtures("dns")
@pytest.mark.parametrize("who", ["staff", "manager"])
def test_only_admins_manage_webhooks(api, request, admin_user, who):
    endpoint, _ = _endpoint(admin_user, "https://hooks.example.com/in", ["act.logged"])
    user = request.getfixturevalue(who)
    body = {"url": "https://hooks.example.com/in", "events": ["act.logged"]}
    assert api(user).post("/api/webhooks", body, content_type="application/json").status_code == 403
    assert api(user).get("/api/webhooks").status_code == 403
    assert api(user).delete(f"/api/webhooks/{endpoint.pk}").status_code == 403
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.usefixtures("dns")
def test_removing_a_webhook_is_recorded_and_stops_its_events(api, admin_user, staff):
    endpoint, _ = _endpoint(admin_user, "https://hooks.example.com/in", ["act.logged"])
    assert api(admin_user).delete(f"/api/webhooks/{endpoint.pk}").status_code == 204
    assert api(admin_user).delete(f"/api/webhooks/{endpoint.pk}").status_code == 404
    log_act(staff, cost="0")
    assert not WebhookDelivery.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="webhook").order_by("id").values_list("action", "actor")
    )
    assert actions == [("webhook_added", admin_user.pk), ("webhook_removed", admin_user.pk)]


@pytest.mark.usefixtures("dns")
def test_the_list_never_shows_a_secret(api, admin_user):
    _endpoint(admin_user, "https://hooks.example.com/in", ["act.logged"])
    listed = api(admin_user).get("/api/webhooks")
    assert listed.status_code == 200
    assert "whsec_" not in listed.content.decode()
    assert listed.json()["items"][0]["url"] == "https://hooks.example.com/in"


def test_a_delivery_whose_endpoint_was_removed_mid_send_is_dropped(admin_user, settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    endpoint, _ = _endpoint(admin_user, "http://127.0.0.1:9/hooks", ["act.logged"])
    [delivery_id] = webhooks.webhook_event_emit(event=Event.ACT_LOGGED, team_id=None, data={})

    def send_while_removed(delivery):
        webhooks.webhook_endpoint_delete(user=admin_user, endpoint=endpoint)
        return 200, ""

    monkeypatch.setattr(webhooks, "_send", send_while_removed)
    assert webhooks.webhook_delivery_attempt(delivery_id=delivery_id) == "removed"
    assert not WebhookDelivery.objects.exists()
