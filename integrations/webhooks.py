"""Signed outgoing webhooks: endpoints an admin registers, events queued for them inside
the write that caused them, and their delivery by the worker.

An event is written as one WebhookDelivery per subscribed endpoint in the caller's
transaction (so an event exists exactly when its write does) and enqueued once that
commits. Each delivery is a POST of the same JSON body under the same `webhook-id`,
signed at every attempt by the Standard Webhooks scheme (`webhook-id`,
`webhook-timestamp`, `webhook-signature`). A non-2xx answer, a timeout or an unreachable
receiver is retried after RETRY_DELAYS (30 s, then four times longer each time, at most
12 h: about a day in all); then the delivery is given up, and an endpoint that has not
answered once in that whole time is disabled and the admins are told by mail.
"""

import base64
import datetime
import http.client
import json
import logging
import secrets

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from core import errors
from core.audit import audit_record
from core.due_rows import due_rows_enqueue
from core.mail import mail_queue_many
from core.models import AuditEvent, Role, Team, User

from . import transport
from .models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

RETRY_DELAYS = (
    datetime.timedelta(seconds=30),
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=8),
    datetime.timedelta(minutes=32),
    datetime.timedelta(hours=2, minutes=8),
    datetime.timedelta(hours=8, minutes=32),
    datetime.timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Held by the worker that is sending a delivery (longer than the send's timeout), so that
# a second worker leaves it alone; when a worker dies mid-send it lapses and a retry runs.
SEND_LEASE = datetime.timedelta(seconds=transport.TIMEOUT_SECONDS * 6)
URL_MAX_LENGTH = 500

MSG_ADMINS_ONLY = "Only admins manage webhooks."
MSG_NO_EVENTS = "Choose at least one event."
MSG_UNKNOWN_EVENTS = "Unknown event: {names}. The events are: {known}."
MSG_NO_SUCH_TEAM = "There is no team with that id."
MSG_URL_TOO_LONG = f"A webhook URL has at most {URL_MAX_LENGTH} characters."


# --- Endpoints ----------------------------------------------------------------------


def secret_new() -> str:
    """A signing secret in the Standard Webhooks form: whsec_ and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def webhook_url_check(url: str) -> str:
    """The URL stripped, or InvalidInput (field url) when it may not receive webhooks."""
    url = (url or "").strip()
    if len(url) > URL_MAX_LENGTH:
        raise errors.InvalidInput(MSG_URL_TOO_LONG, field="url")
    try:
        transport.target_addresses(url)
    except transport.UnsafeTarget as refusal:
        raise errors.InvalidInput(refusal.message, field="url") from None
    return url


def webhook_events_check(events) -> list[str]:
    """The events named, each once and in order, or InvalidInput (field events)."""
    if isinstance(events, str) or not isinstance(events, list | tuple) or not events:
        raise errors.InvalidInput(MSG_NO_EVENTS, field="events")
    names = list(dict.fromkeys(str(name).strip() for name in events))
    unknown = [name for name in names if name not in Event.values]
    if unknown:
        raise errors.InvalidInput(
            MSG_UNKNOWN_EVENTS.format(names=", ".join(unknown), known=", ".join(Event.values)), field="events"
        )
    return names


def webhook_endpoint_create(*, user: User, url: str, events, team_id: int | None) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint (admins) for some events of one team, or of every team when
    `team_id` is None. Returns it with its signing secret, which is shown only this once.
    Refused: an unknown event, a URL that is not public https (see transport)."""
    if user.role != Role.ADMIN:
        raise errors.NotAllowed(MSG_ADMINS_ONLY)
    events = webhook_events_check(events)
    team = None
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise errors.InvalidInput(MSG_NO_SUCH_TEAM, field="team")
    url = webhook_url_check(url)
    secret = secret_new()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(url=url, events=events, team=team, secret=secret, created_by=user)
        audit_record(
            actor=user,
            action=AuditEvent.Action.WEBHOOK_ADDED,
            target=endpoint,
            team=team,
            before={},
            after={"url": url, "events": ", ".join(events), "team": team.name if team else "every team"},
        )
    return endpoint, secret


def webhook_endpoint_delete(*, user: User, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint (admins) with its deliveries; nothing more is sent to it."""
    if user.role != Role.ADMIN:
        raise errors.NotAllowed(MSG_ADMINS_ONLY)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        audit_record(
            actor=user,
            action=AuditEvent.Action.WEBHOOK_REMOVED,
            target=endpoint,
            team=endpoint.team,
            before={"url": endpoint.url, "events": ", ".join(endpoint.events)},
            after={"url": None, "events": None},
        )
        endpoint.delete()


# --- Events -------------------------------------------------------------------------


def webhook_event_emit(*, event: str, team_id: int | None, data: dict) -> list[int]:
    """Queue `event` with `data` for every active endpoint subscribed to it (for this team
    or for every team), inside the caller's transaction; the worker sends each one after
    commit. Returns the deliveries' ids."""
    return webhook_events_emit(event=event, team_id=team_id, data_list=[data])


def webhook_events_emit(*, event: str, team_id: int | None, data_list: list[dict]) -> list[int]:
    """The same event once for each `data` of `data_list` (a bulk write: an import), as
    `webhook_event_emit` queues one: the endpoints are read once, the deliveries written
    in one statement per thousand."""
    if event not in Event.values:
        raise ValueError(f"Not a webhook event: {event}")
    if not data_list:
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(disabled_at__isnull=True).filter(
            Q(team__isnull=True) | Q(team_id=team_id)
        )
        if event in endpoint.events
    ]
    if not endpoints:
        return []
    now = timezone.now()
    bodies = [
        json.dumps(
            {"type": event, "timestamp": now.isoformat(), "data": data}, cls=DjangoJSONEncoder, separators=(",", ":")
        )
        for data in data_list
    ]
    deliveries = WebhookDelivery.objects.bulk_create(
        (
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                message_id=f"msg_{secrets.token_urlsafe(18)}",
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
            for body in bodies
            for endpoint in endpoints
        ),
        batch_size=1000,
    )
    ids = [delivery.pk for delivery in deliveries]
    for delivery_id in ids:
        transaction.on_commit(lambda delivery_id=delivery_id: webhook_deliver.enqueue(delivery_id), robust=True)
    return ids


# --- Delivery -----------------------------------------------------------------------


def signed_headers(*, secret: str, message_id: str, body: str, at: datetime.datetime) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt at `at`."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at.astimezone(datetime.UTC), body),
    }


def _send(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """One POST: (status code or None, what went wrong or "")."""
    headers = signed_headers(
        secret=delivery.endpoint.secret, message_id=delivery.message_id, body=delivery.body, at=timezone.now()
    )
    try:
        status = transport.post_json(delivery.endpoint.url, delivery.body.encode(), headers)
    except transport.UnsafeTarget as refusal:
        return None, refusal.message
    except TimeoutError:
        return None, f"No answer within {transport.TIMEOUT_SECONDS} s."
    except (OSError, http.client.HTTPException, ValueError) as failure:
        return None, f"Could not reach it: {failure}"[:300]
    return status, "" if 200 <= status < 300 else f"Answered {status}."


def webhook_delivery_attempt(*, delivery_id: int) -> str:
    """Make the next attempt at a delivery that is due, and record it; returns its status.

    A delivery is taken by one worker at a time (a lease on next_attempt_at), so that two
    workers, or a retry and the sweep, never send it twice at once. A failure schedules
    the next retry (enqueued after commit) or, after MAX_ATTEMPTS, gives it up.
    """
    now = timezone.now()
    taken = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=now + SEND_LEASE)
    )
    if not taken:
        return "not due"
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return "removed"
    if not delivery.endpoint.is_active:
        failed = WebhookDelivery.Status.FAILED
        WebhookDelivery.objects.filter(pk=delivery_id).update(status=failed, next_attempt_at=None)
        return WebhookDelivery.Status.FAILED
    status_code, error = _send(delivery)
    return _attempt_record(delivery_id=delivery_id, status_code=status_code, error=error)


def _attempt_record(*, delivery_id: int, status_code: int | None, error: str) -> str:
    succeeded = not error
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            return "removed"  # its endpoint was removed while it was being sent
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        now = timezone.now()
        WebhookAttempt.objects.create(
            delivery=delivery, at=now, status_code=status_code, succeeded=succeeded, error=error[:300]
        )
        delivery.attempts_count += 1
        retry_at = None
        disabled = False
        if succeeded:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            endpoint.failing_since = None
        else:
            if endpoint.failing_since is None:
                endpoint.failing_since = now
            if delivery.attempts_count >= MAX_ATTEMPTS:
                delivery.status = WebhookDelivery.Status.FAILED
                delivery.next_attempt_at = None
                # Failing since this delivery's first try: nothing has got through for its
                # whole day of retries.
                first_try = delivery.attempts.order_by("at", "id").values_list("at", flat=True).first()
                if endpoint.is_active and endpoint.failing_since <= first_try:
                    endpoint.disabled_at = now
                    endpoint.disabled_reason = f"No delivery got through for a day; the last said: {error}"[:200]
                    disabled = True
            else:
                retry_at = now + RETRY_DELAYS[delivery.attempts_count - 1]
                delivery.next_attempt_at = retry_at
        delivery.save(update_fields=["status", "attempts_count", "next_attempt_at", "delivered_at"])
        endpoint.save(update_fields=["failing_since", "disabled_at", "disabled_reason"])
        if retry_at is not None:
            transaction.on_commit(lambda: _retry_enqueue(delivery_id, retry_at), robust=True)
        if disabled:
            _tell_admins_disabled(endpoint)
    return delivery.status


def _retry_enqueue(delivery_id: int, retry_at: datetime.datetime) -> None:
    if webhook_deliver.get_backend().supports_defer:
        webhook_deliver.using(run_after=retry_at).enqueue(delivery_id)
    else:
        # A backend that runs tasks at once cannot wait: webhook_deliveries_due sends it.
        logger.info("Webhook delivery %s waits for webhook_deliveries_due at %s", delivery_id, retry_at)


def _tell_admins_disabled(endpoint: WebhookEndpoint) -> None:
    """Queue the "webhook disabled" mail to every admin, in the transaction that disables
    the endpoint: sent by the worker after commit, once per endpoint and admin."""
    admins = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(groups__name=Role.ADMIN) | Q(is_superuser=True))
        .distinct()
    )
    body = (
        f"Second Mile stopped sending webhooks to {endpoint.url}: {endpoint.disabled_reason}\n\n"
        f"Its events are no longer sent. Check the receiver, then add it again on the webhooks page: "
        f"{settings.SITE_URL}{reverse('integrations:webhooks')}\n"
    )
    mail_queue_many(
        key=f"webhook-disabled:{endpoint.pk}:{endpoint.disabled_at.isoformat()}",
        recipients=admins,
        subject_text=f"Webhook disabled: {endpoint.url}",
        body=body,
    )


@task()
def webhook_deliver(delivery_id: int) -> str:
    """The worker's job for one delivery attempt (see webhook_delivery_attempt)."""
    return webhook_delivery_attempt(delivery_id=delivery_id)


@task()
def webhook_deliveries_due() -> int:
    """Enqueue every waiting delivery whose time has come: the safety net for a retry
    whose task was lost (a worker that died mid-send), and the retries of a backend that
    cannot defer. Meant to run every minute or so; returns how many it enqueued."""
    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
    return due_rows_enqueue(pending, task=webhook_deliver)
