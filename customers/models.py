"""Customers of a team and who referred them."""

from django.db import models
from django.db.models import F, Q


class Customer(models.Model):
    """A team's customer. `referred_by` is the customer whose word brought them in."""

    team = models.ForeignKey("secondmile.Team", on_delete=models.PROTECT, related_name="customers")
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    company = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)
    referral_code = models.CharField(max_length=8, unique=True)
    referred_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")
    referred_by_story = models.ForeignKey(
        "stories.Story",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_customers",
    )
    first_purchase_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_surveyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["team", "name"]),
            models.Index(fields=["team", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(referred_by=F("pk")), name="customer_not_self_referred"),
            models.CheckConstraint(
                condition=Q(first_purchase_value__isnull=True) | Q(first_purchase_value__gte=0),
                name="customer_first_purchase_gte_0",
            ),
        ]

    def __str__(self):
        return self.name
