"""Customers of a team, who referred them, and the times they came back."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from core.money import money_field


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
    first_purchase_value = money_field(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_surveyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["team", "name"]),
            # An admin's list: every team's customers by name.
            models.Index(fields=["name", "id"], name="customers_by_name"),
            models.Index(fields=["team", "created_at"]),
            # Home's surprise suggestions read a window of a team's customers by id.
            models.Index(fields=["team", "id"], name="customers_team_id_window"),
            # An import finds the customers already there by their email, in any case.
            models.Index("team", Lower("email"), name="customers_team_email_ci"),
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


class TeamCustomerCount(models.Model):
    """How many customers a team has: the total of the customer list and of the API's
    `count`, read from one row instead of counting the team's customers on every request.

    `customer_create` adds one in the same transaction as the customer (customers are
    never deleted: acts, stories and referrals point to them); a bulk load that bypasses
    the service sets the rows from the customers afterwards (`customer_counts_rebuild`).
    """

    team = models.OneToOneField("secondmile.Team", primary_key=True, on_delete=models.CASCADE, related_name="+")
    customers = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.team_id}: {self.customers} customers"


class ReferralLineage(models.Model):
    """One fact of the referral tree: `customer` descends from `ancestor`, `generation`
    steps down (1: the ancestor referred them; 2: someone the ancestor referred did; ...).

    A customer has one row per customer above them, so "everyone an advocate brought in,
    every generation" is the advocate's rows, read without walking the tree. Kept by
    customers/advocates.py in the transaction that names a referrer (a referrer is set at
    most once, so a row, once written, stays true); rebuilt by `manage.py rebuild_summaries`.
    """

    ancestor = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="lineage_below")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="lineage_above")
    generation = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "customer"], name="referral_lineage_one_per_pair"),
            models.CheckConstraint(condition=Q(generation__gte=1), name="referral_lineage_generation_gte_1"),
            models.CheckConstraint(condition=~Q(ancestor=F("customer")), name="referral_lineage_not_self"),
        ]

    def __str__(self):
        return f"{self.customer_id} below {self.ancestor_id} ({self.generation})"


class CustomerDay(models.Model):
    """How many customers a team created on a day (the local date of created_at): the
    denominator of the referral rate, read per period from at most teams × days rows.
    `customer_create` adds one in the customer's transaction; customers are never deleted
    and their creation time never moves, so the count stays exact; rebuilt by
    `manage.py rebuild_summaries` after bulk loads."""

    team = models.ForeignKey("secondmile.Team", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    date = models.DateField()
    customers_created = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="customer_day_one_per_team_day")]

    def __str__(self):
        return f"{self.team_id} {self.date}: {self.customers_created} customers"


class CustomerReturn(models.Model):
    """A customer came back: a visit or a purchase on a date, with an optional value (what
    they spent) and a note.

    What the recovery rate counts: a reactive act whose customer has a return dated after
    it and at most the team's `recovery_days` after it (stories.outcome_days). Written by
    `customer_return_record` only, with an audit row; never edited or deleted, so the day
    summaries built on it cannot lose a return they counted.
    """

    team = models.ForeignKey("secondmile.Team", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="returns")
    date = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            # The customer page lists them, and recovery looks up a customer's returns by date.
            models.Index(fields=["customer", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="customer_return_value_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.customer} came back on {self.date:%Y-%m-%d}"
