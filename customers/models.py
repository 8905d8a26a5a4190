"""Customers, the stories they retell, their NPS answers, survey links and follow-ups."""

from django.conf import settings
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
        "customers.Story",
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
            # Home's surprise suggestions read a window of a team's customers by id.
            models.Index(fields=["team", "id"], name="customers_team_id_window"),
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


class Channel(models.TextChoices):
    REVIEW = "review", "Online review"
    SOCIAL = "social", "Social post"
    WORD_OF_MOUTH = "word_of_mouth", "Word of mouth"
    LETTER = "letter", "Email or letter"
    SURVEY = "survey", "Survey comment"


class StoryStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for review"
    APPROVED = "approved", "Approved"
    FEATURED = "featured", "Featured"
    REJECTED = "rejected", "Rejected"


class Story(models.Model):
    """A story a customer retold about an act: moderated before it reaches the wall."""

    team = models.ForeignKey("secondmile.Team", on_delete=models.PROTECT, related_name="stories")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="stories")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    told_on = models.DateField()
    text = models.TextField()
    url = models.URLField(blank=True, max_length=500)
    acts = models.ManyToManyField("acts.Act", blank=True, related_name="stories")
    consent = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=StoryStatus.choices, default=StoryStatus.SUBMITTED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-told_on", "-id"]
        verbose_name_plural = "stories"
        permissions = [("moderate_story", "Can approve, feature or reject stories")]
        indexes = [
            models.Index(fields=["team", "status", "told_on"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="story_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(moderated_by__isnull=False),
                name="story_moderated_has_moderator",
            ),
        ]

    def __str__(self):
        return f"{self.customer}: {self.text[:40]}"


class StoryEvent(models.Model):
    """Append-only history of a story's moderation: written by the services only, never
    changed (a database trigger refuses UPDATE, and DELETE on PostgreSQL)."""

    # PROTECT, not CASCADE or SET_NULL: the database refuses to change or delete a
    # history row (migration 0003), so deleting its story or actor is refused up front.
    story = models.ForeignKey(Story, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=StoryStatus.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.story_id}: {self.from_status or 'new'} → {self.to_status}"


class NpsResponse(models.Model):
    """A 0–10 answer to "how likely are you to recommend us?"."""

    team = models.ForeignKey("secondmile.Team", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="nps_responses")
    act = models.ForeignKey("acts.Act", null=True, blank=True, on_delete=models.SET_NULL, related_name="nps_responses")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "NPS response"
        indexes = [models.Index(fields=["team", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=10), name="nps_score_0_10"),
        ]

    def __str__(self):
        return f"{self.customer}: {self.score}"


class SurveyLink(models.Model):
    """A personal, single-use link (/s/<token>) for a customer to answer after an act.

    Only the token's SHA-256 is kept.
    """

    act = models.ForeignKey("acts.Act", on_delete=models.CASCADE, related_name="survey_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Survey link for act {self.act_id}"


class FollowUp(models.Model):
    """Something to do for a customer after an act or a low score."""

    class Kind(models.TextChoices):
        THANK_YOU = "thank_you", "Thank-you note"
        CHECK_IN = "check_in", "Check-in call"
        DETRACTOR = "detractor", "Detractor follow-up"

    team = models.ForeignKey("secondmile.Team", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="follow_ups")
    act = models.ForeignKey("acts.Act", null=True, blank=True, on_delete=models.CASCADE)
    nps_response = models.ForeignKey(NpsResponse, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["team", "done_at", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.customer}"
