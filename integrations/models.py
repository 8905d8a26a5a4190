"""Webhook endpoints an admin registered, the events queued for each, and every attempt
to deliver them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Event(models.TextChoices):
    """The events an endpoint can subscribe to (PRODUCT.md, issue 13: keep them stable)."""

    ACT_LOGGED = "act.logged", "An act was logged"
    ACT_APPROVAL_REQUESTED = "act.approval_requested", "An act waits for approval"
    ACT_APPROVED = "act.approved", "An act was approved"
    ACT_DECLINED = "act.declined", "An act was declined"
    ACT_WITHDRAWN = "act.withdrawn", "A request was withdrawn"
    ACT_DELIVERED = "act.delivered", "An act was delivered"
    ACT_CUSTOMER_KNOWS = "act.customer_knows", "The customer knows of an act"
    STORY_SUBMITTED = "story.submitted", "A story was submitted"
    STORY_APPROVED = "story.approved", "A story was approved"
    STORY_FEATURED = "story.featured", "A story was featured"
    CUSTOMER_REFERRED = "customer.referred", "A referred customer was recorded"
    NPS_DETRACTOR = "nps.detractor", "A detractor answered"


class WebhookEndpoint(models.Model):
    """A URL that hears about the events it subscribed to, for one team or for all.

    The secret signs every delivery (Standard Webhooks); it has to be kept as it is, since
    signing needs it, and is shown once, when the endpoint is made. An endpoint that keeps
    failing is disabled (`disabled_at`, `disabled_reason`) and receives nothing more.
    """

    url = models.URLField(max_length=500)
    events = models.JSONField(help_text="Event names, like act.approved.")
    team = models.ForeignKey(
        "secondmile.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Only this team's events; empty for every team.",
    )
    secret = models.CharField(max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set at the first failure after a success, cleared by the next success: how long it
    # has been failing when a delivery gives up.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.url

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class WebhookDelivery(models.Model):
    """One event on its way to one endpoint: the exact body sent at every attempt, under
    one message id (the receiver's idempotency key), until it is delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Given up"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    message_id = models.CharField(max_length=40, unique=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="webhook_delivered_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.event} to {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One try at a delivery: when, the receiver's status code (none when it could not be
    reached or timed out), and what went wrong."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.delivery_id} at {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
