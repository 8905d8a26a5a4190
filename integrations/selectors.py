"""Reads of webhook endpoints for the page and the API: admins only, each endpoint with
its latest deliveries and their attempts, in a fixed number of queries."""

from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber

from core import errors
from core.models import Role, User

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

RECENT_DELIVERIES = 10


def webhook_endpoints_visible(*, user: User):
    """Every endpoint, newest first (admins); NotAllowed for anyone else."""
    if user.role != Role.ADMIN:
        raise errors.NotAllowed("Only admins manage webhooks.")
    return WebhookEndpoint.objects.select_related("team", "created_by")


def webhook_endpoints_with_deliveries(*, user: User) -> list[WebhookEndpoint]:
    """The endpoints, each with `recent` = its latest RECENT_DELIVERIES deliveries (and
    their attempts, newest first)."""
    endpoints = list(webhook_endpoints_visible(user=user))
    newest_first = [F("created_at").desc(), F("id").desc()]
    deliveries = (
        WebhookDelivery.objects.filter(endpoint__in=endpoints)
        .annotate(rank=Window(RowNumber(), partition_by=F("endpoint_id"), order_by=newest_first))
        .filter(rank__lte=RECENT_DELIVERIES)
        .order_by(*newest_first)
        .prefetch_related(Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("-at", "-id")))
    )
    by_endpoint: dict[int, list[WebhookDelivery]] = {}
    for delivery in deliveries:
        by_endpoint.setdefault(delivery.endpoint_id, []).append(delivery)
    for endpoint in endpoints:
        endpoint.recent = by_endpoint.get(endpoint.pk, [])
    return endpoints
