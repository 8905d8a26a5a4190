"""The customer's voice: the stories customers retell, their NPS answers and the
personal survey links they answer through."""

from django.conf import settings
from django.db import models
from django.db.models import Q


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
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="stories")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    told_on = models.DateField()
    text = models.TextField()
    url = models.URLField(blank=True, max_length=500)
    acts = models.ManyToManyField("acts.Act", blank=True, related_name="stories", db_table="customers_story_acts")
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
        # Moved from customers: the table keeps its name.
        db_table = "customers_story"
        ordering = ["-told_on", "-id"]
        verbose_name_plural = "stories"
        permissions = [("moderate_story", "Can approve, feature or reject stories")]
        indexes = [
            models.Index(fields=["team", "status", "told_on"]),
            models.Index(fields=["status", "created_at"]),
            # The approved stories an admin may still feature, latest decision first.
            models.Index(
                fields=["-moderated_at", "-id"],
                name="stories_approved_latest",
                condition=Q(status=StoryStatus.APPROVED),
            ),
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
        # Moved from customers: the table keeps its name.
        db_table = "customers_storyevent"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.story_id}: {self.from_status or 'new'} → {self.to_status}"


class NpsResponse(models.Model):
    """A 0–10 answer to "how likely are you to recommend us?"."""

    team = models.ForeignKey("secondmile.Team", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="nps_responses")
    act = models.ForeignKey("acts.Act", null=True, blank=True, on_delete=models.SET_NULL, related_name="nps_responses")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Moved from customers: the table keeps its name.
        db_table = "customers_npsresponse"
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

    Only the token's SHA-256 is kept, so a link cannot be shown again once its page is
    left. `sent_at` and `sent_by` say who sent it to the customer and when (emailed by
    the app, or marked as sent by hand): from then on the customer counts as asked.
    """

    act = models.ForeignKey("acts.Act", on_delete=models.CASCADE, related_name="survey_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # Moved from customers: the table keeps its name.
        db_table = "customers_surveylink"

    def __str__(self):
        return f"Survey link for act {self.act_id}"
