"""API routes for outgoing webhooks (admins): register, list with recent deliveries, remove."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from core.paging import PageNumber

from . import selectors, webhooks

router = Router(tags=["webhooks"])


class WebhookIn(Schema):
    url: str
    events: list[str]
    team: int | None = None


class WebhookCreatedOut(Schema):
    id: int
    url: str
    events: list[str]
    team: int | None
    secret: str


class AttemptOut(Schema):
    at: datetime.datetime
    status_code: int | None
    succeeded: bool
    error: str


class DeliveryOut(Schema):
    id: str
    event: str
    status: str
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None
    next_attempt_at: datetime.datetime | None
    attempts: list[AttemptOut]


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    team: int | None
    active: bool
    disabled_reason: str
    created_at: datetime.datetime
    deliveries: list[DeliveryOut]


def _delivery(delivery) -> dict:
    return {
        "id": delivery.message_id,
        "event": delivery.event,
        "status": delivery.status,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "next_attempt_at": delivery.next_attempt_at if delivery.status == "pending" else None,
        "attempts": list(delivery.attempts.all()),
    }


@router.post("/webhooks", response={201: WebhookCreatedOut})
def webhook_create(request, payload: WebhookIn):
    """Register an endpoint for some events of one team (`team`: its id) or of every team
    (`team`: null). The answer's `secret` (whsec_…) verifies the signatures and is shown
    only this once."""
    endpoint, secret = webhooks.webhook_endpoint_create(
        user=request.auth, url=payload.url, events=payload.events, team_id=payload.team
    )
    created = {"id": endpoint.pk, "url": endpoint.url, "events": endpoint.events, "team": endpoint.team_id}
    return Status(201, {**created, "secret": secret})


@router.get("/webhooks", response=list[WebhookOut])
@paginate(PageNumber, page_size=20)
def webhook_list(request):
    """Every endpoint, newest first, each with its latest deliveries and their attempts
    (status code, time, error)."""
    return [
        {
            "id": endpoint.pk,
            "url": endpoint.url,
            "events": endpoint.events,
            "team": endpoint.team_id,
            "active": endpoint.is_active,
            "disabled_reason": endpoint.disabled_reason,
            "created_at": endpoint.created_at,
            "deliveries": [_delivery(delivery) for delivery in endpoint.recent],
        }
        for endpoint in selectors.webhook_endpoints_with_deliveries(user=request.auth)
    ]


@router.delete("/webhooks/{webhook_id}", response={204: None})
def webhook_delete(request, webhook_id: int):
    """Remove an endpoint and its deliveries; nothing more is sent to it."""
    endpoint = get_object_or_404(selectors.webhook_endpoints_visible(user=request.auth), pk=webhook_id)
    webhooks.webhook_endpoint_delete(user=request.auth, endpoint=endpoint)
    return Status(204, None)
