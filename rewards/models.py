"""A team's rewards catalogue, the redemptions people ask for, their history, and each
person's balance row (the running totals of what they spent and got back)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# Points and stock a catalogue takes: far above any real reward, well inside an integer.
MAX_POINTS = 1_000_000
MAX_STOCK = 1_000_000


class Reward(models.Model):
    """Something a team offers for points. `stock` is how many are left (None: no limit);
    an inactive reward stays for the redemptions that name it but is no longer offered."""

    team = models.ForeignKey("secondmile.Team", on_delete=models.CASCADE, related_name="rewards")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    points = models.PositiveIntegerField()
    stock = models.PositiveIntegerField(null=True, blank=True, help_text="How many are left; empty for no limit.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["points", "name", "id"]
        indexes = [models.Index(fields=["team", "active", "points"])]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="reward_name_unique_in_team"),
            models.CheckConstraint(condition=Q(points__gte=1), name="reward_points_gte_1"),
            models.CheckConstraint(condition=Q(stock__isnull=True) | Q(stock__gte=0), name="reward_stock_gte_0"),
        ]

    def __str__(self):
        return self.name


class Redemption(models.Model):
    """A person spending points on a reward: `requested` until a manager or admin of the
    team hands it out (`fulfilled`) or gives the points back (`refunded`). `points` is
    the price when it was asked for, which is what a refund gives back."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        FULFILLED = "fulfilled", "Handed out"
        REFUNDED = "refunded", "Refunded"

    team = models.ForeignKey("secondmile.Team", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["team", "status", "requested_at"]),
            models.Index(fields=["user", "requested_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=1), name="redemption_points_gte_1"),
            models.CheckConstraint(
                condition=Q(status="requested") | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="redemption_decided_has_decider",
            ),
        ]

    def __str__(self):
        return f"{self.reward} for {self.user} ({self.status})"


class RedemptionEvent(models.Model):
    """Append-only history of a redemption: who moved it, when, to what, and why."""

    redemption = models.ForeignKey(Redemption, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, choices=Redemption.Status.choices)
    points = models.IntegerField(help_text="What the step did to the balance: −price when asked, +price refunded.")
    note = models.CharField(max_length=280, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.redemption_id}: {self.from_status or '—'} → {self.to_status}"


class PointsBalance(models.Model):
    """A person's spending: `redeemed` = points of every redemption they asked for,
    `refunded` = points given back. Their balance is what they earned (the recognition
    ledger) − redeemed + refunded. The row is what a redemption locks, so redemptions by
    one person are taken one after the other and the balance never goes below zero
    (rewards/balance.py). Written only there, in the redemption's transaction."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="points_balance"
    )
    redeemed = models.PositiveIntegerField(default=0)
    refunded = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(refunded__lte=F("redeemed")), name="points_balance_refund_lte_redeemed"),
        ]

    def __str__(self):
        return f"{self.user_id}: −{self.redeemed} +{self.refunded}"
