"""Teams, people and their roles, API tokens, recognition (points, kudos), the audit log,
and the work after the request: mail waiting to go out and the schedule's runs."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property

from .money import ZERO, money_field


# Named functions (not lambdas) so that migrations can refer to them.
def default_monthly_budget():
    return settings.SECONDMILE["MONTHLY_BUDGET"]


def default_empowerment_limit():
    return settings.SECONDMILE["EMPOWERMENT_LIMIT"]


def default_manager_limit():
    return settings.SECONDMILE["MANAGER_LIMIT"]


def default_receipt_required_above():
    return settings.SECONDMILE["RECEIPT_REQUIRED_ABOVE"]


def default_review_share():
    return settings.SECONDMILE["REVIEW_SHARE"]


def default_reminder_hours():
    return settings.SECONDMILE["REMINDER_HOURS"]


def default_escalation_hours():
    return settings.SECONDMILE["ESCALATION_HOURS"]


def default_recovery_days():
    return settings.SECONDMILE["RECOVERY_DAYS"]


def default_limit_growth_acts():
    return settings.SECONDMILE["LIMIT_GROWTH_ACTS"]


def default_limit_growth_step():
    return settings.SECONDMILE["LIMIT_GROWTH_STEP"]


class Role(models.TextChoices):
    STAFF = "staff", "Staff"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


class Team(models.Model):
    """A service team: its people, customers and acts, and its spend policy."""

    name = models.CharField(max_length=100, unique=True)
    monthly_budget = money_field(
        default=default_monthly_budget,
        help_text="Budget of a month that has no budget of its own.",
    )
    empowerment_limit = money_field(
        default=default_empowerment_limit,
        help_text="Staff spend up to this without asking.",
    )
    manager_limit = money_field(
        default=default_manager_limit,
        help_text="A manager approves up to this; above it an admin does.",
    )
    receipt_required_above = money_field(
        default=default_receipt_required_above,
        help_text="Delivering an act that cost more than this needs a receipt.",
    )
    review_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=default_review_share,
        help_text="Share of empowered acts put in front of a manager for a look (0 to 1).",
    )
    reminder_hours = models.PositiveSmallIntegerField(
        default=default_reminder_hours,
        help_text="A request that has waited this many hours reminds its approvers (once).",
    )
    escalation_hours = models.PositiveSmallIntegerField(
        default=default_escalation_hours,
        help_text="A request that has waited this many hours goes to the admins too.",
    )
    recovery_days = models.PositiveSmallIntegerField(
        default=default_recovery_days,
        db_default=90,
        help_text="A reactive act counts as a recovery when its customer comes back within this many days after it.",
    )
    # A person's own empowerment limit (acts/empowerment.py) starts at empowerment_limit
    # and grows with their track record, up to manager_limit.
    limit_growth_acts = models.PositiveSmallIntegerField(
        default=default_limit_growth_acts,
        help_text="A person's own limit rises after this many of their acts are completed in a row "
        "(delivered and the customer told), with no request declined and no problem found in a look.",
    )
    limit_growth_step = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=default_limit_growth_step,
        help_text="How much a person's own limit rises each time, up to the manager limit.",
    )
    # A Slack incoming webhook (https://hooks.slack.com/services/…): new approval requests
    # are posted there with Approve / Open buttons. It is a secret of the team's Slack.
    slack_webhook_url = models.URLField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(empowerment_limit__gte=0) & Q(manager_limit__gte=F("empowerment_limit")),
                name="team_limits_ordered",
            ),
            models.CheckConstraint(
                condition=Q(review_share__gte=0) & Q(review_share__lte=1), name="team_review_share_0_1"
            ),
            models.CheckConstraint(condition=Q(monthly_budget__gte=0), name="team_budget_gte_0"),
            models.CheckConstraint(condition=Q(receipt_required_above__gte=0), name="team_receipt_threshold_gte_0"),
            models.CheckConstraint(
                condition=Q(reminder_hours__gte=1) & Q(escalation_hours__gte=F("reminder_hours")),
                name="team_reminder_before_escalation",
            ),
            models.CheckConstraint(
                condition=Q(recovery_days__gte=1) & Q(recovery_days__lte=3650), name="team_recovery_days_1_3650"
            ),
            models.CheckConstraint(
                condition=Q(limit_growth_acts__gte=1) & Q(limit_growth_step__gte=0), name="team_limit_growth_positive"
            ),
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person of one team. The role is the group they are in (staff, manager, admin)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    hide_from_leaderboard = models.BooleanField(default=False, help_text="Leave me off the team's leaderboard.")
    # Their Slack member ID (U…): a button clicked in Slack acts as this user.
    slack_user_id = models.CharField(max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["slack_user_id"], condition=~Q(slack_user_id=""), name="user_slack_user_id_unique"
            ),
        ]

    @cached_property
    def role(self) -> str:
        if self.is_superuser:
            return Role.ADMIN
        names = {group.name for group in self.groups.all()}
        for role in (Role.ADMIN, Role.MANAGER, Role.STAFF):
            if role.value in names:
                return role
        return Role.STAFF

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)

    @property
    def is_team_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is kept; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60, default="API token")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Where it was last used from: a use from elsewhere is worth a line in the security log.
    last_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"


class PointsEntry(models.Model):
    """One line of the recognition ledger: points a person earned from an outcome."""

    class Reason(models.TextChoices):
        # Earlier lines only: delivering an act no longer earns points (volume is not an outcome).
        DELIVERED = "delivered", "Act delivered (earlier rule)"
        STORY_APPROVED = "story_approved", "Story approved"
        STORY_FEATURED = "story_featured", "Story featured"
        REFERRAL = "referral", "Referred customer"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="points")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    act = models.ForeignKey("acts.Act", null=True, blank=True, on_delete=models.CASCADE)
    story = models.ForeignKey("stories.Story", null=True, blank=True, on_delete=models.CASCADE)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    earned_on = models.DateField()
    # Names the outcome ("story_approved:story:7:user:3") so that it earns its points once.
    outcome_key = models.CharField(max_length=100, unique=True)
    # The line in words, written when it is earned ("Ben's review retelling your act … was
    # featured: 10 points for a featured story, 5 of them earned when it was approved.").
    why = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-earned_on", "-id"]
        indexes = [models.Index(fields=["team", "earned_on"])]

    def __str__(self):
        return f"{self.points} for {self.user} ({self.get_reason_display()})"

    @property
    def explanation(self) -> str:
        """Why this line was earned, in words (lines from before `why` say it by their reason)."""
        if self.why:
            return self.why
        if self.reason == self.Reason.DELIVERED:
            return "An act delivered, under the earlier rule of a point per delivered act."
        return self.get_reason_display()


class Kudos(models.Model):
    """A manager's thanks to a person, with a note."""

    giver = models.ForeignKey(User, on_delete=models.CASCADE, related_name="kudos_given")
    receiver = models.ForeignKey(User, on_delete=models.CASCADE, related_name="kudos_received")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    act = models.ForeignKey("acts.Act", null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=280)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "kudos"
        constraints = [models.CheckConstraint(condition=~Q(giver=F("receiver")), name="kudos_not_to_self")]

    def __str__(self):
        return f"Kudos from {self.giver} to {self.receiver}"


class AuditEvent(models.Model):
    """Who changed a setting or a record that has no history of its own, when, and from
    what to what: budgets, spend policies, roles, teams of people, customers and their
    referrals. Append-only in the database (core.db.append_only); written by the
    services only.

    `before` and `after` hold the changed fields only, as JSON: money as decimal strings,
    a related row as its name at the time.
    """

    class Action(models.TextChoices):
        BUDGET_SET = "budget_set", "Budget set"
        POLICY_CHANGED = "policy_changed", "Spend policy changed"
        ROLE_CHANGED = "role_changed", "Role changed"
        TEAM_CHANGED = "team_changed", "Team changed"
        REFERRAL_SET = "referral_set", "Referral set"
        CUSTOMER_EDITED = "customer_edited", "Customer edited"
        WEBHOOK_ADDED = "webhook_added", "Webhook added"
        WEBHOOK_REMOVED = "webhook_removed", "Webhook removed"
        SLACK_CHANGED = "slack_changed", "Slack link changed"
        REWARD_ADDED = "reward_added", "Reward added"
        REWARD_CHANGED = "reward_changed", "Reward changed"
        FOLLOWUP_DONE = "followup_done", "Follow-up done"
        FOLLOWUP_SNOOZED = "followup_snoozed", "Follow-up snoozed"
        RETURN_RECORDED = "return_recorded", "Customer return recorded"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Null for changes made by a command (seed_demo) or a test factory. PROTECT: deleting
    # someone would otherwise rewrite (SET NULL) rows that must not change.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_type = models.CharField(max_length=40)
    target_id = models.PositiveBigIntegerField()
    target_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self):
        return f"{self.get_action_display()}: {self.target_label or self.target_id}"

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """Each changed field in plain words: ("Monthly budget", "500.00", "900.00")."""

        def word(value) -> str:
            return "(none)" if value in (None, "") else str(value)

        return [
            (field.replace("_", " ").capitalize(), word(self.before.get(field)), word(value))
            for field, value in self.after.items()
        ]


# --- Summaries of the dashboard's other figures (approval waits, stories, referrals, NPS,
# recovery, points): kept by acts/approval_waits.py, customers/referral_days.py,
# stories/outcome_days.py and core/points_to_date.py. Their foreign keys have no
# database constraint: checking one takes a share lock on the team (or person) row, which
# the act services lock for update — a summary written by an NPS answer would then wait
# on an act's transaction while holding the summary row that transaction needs next (a
# deadlock). The rows are derived data: Django still deletes them with their team, and
# rebuild_summaries rewrites them. ---------------------------------------------------------


class WaitDay(models.Model):
    """How long the decisions on one team-day's acts waited, as a histogram in whole seconds.

    One row per (team, date, seconds): `decisions` = how many approved or declined history
    rows (ActEvent) of the acts dated `date` of `team` waited `seconds` — their `waited`
    rounded down to a whole second. The dashboard's approval time median and 90th
    percentile follow exactly (at that resolution) from the cumulative counts of the
    period's rows. A day without decisions has no row. Kept by
    acts.approval_waits.refresh_waits (called by every act service in the
    transaction of the change); rebuilt by `manage.py rebuild_summaries`. A bulk loader
    fills it with: INSERT … SELECT act.team_id, act.date, floor(waited in seconds), COUNT(*)
    FROM the decision events joined to their acts GROUP BY those three.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    date = models.DateField()
    seconds = models.PositiveIntegerField()
    decisions = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Also the index that reads a period: (team, date) ranges, covering the seconds.
            models.UniqueConstraint(fields=["team", "date", "seconds"], name="wait_day_one_per_team_day_wait"),
        ]

    def __str__(self):
        return f"{self.team_id} {self.date}: {self.decisions} waited {self.seconds} s"


class ReferralDay(models.Model):
    """One team's day of referred customers: `referred_customers_count` = customers created
    on `date` (the local date of created_at, in TIME_ZONE) who have a referrer, and
    `referral_revenue` = the SUM of their first_purchase_value (0.00 when none has one).
    Kept by customers.referral_days (the customer services call it in the transaction of
    the change); rebuilt by `manage.py rebuild_summaries`. A bulk loader fills it with one
    GROUP BY (team, local date of created_at) over the customers with a referrer."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    date = models.DateField()
    referred_customers_count = models.PositiveIntegerField(default=0)
    referral_revenue = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="referral_day_one_per_team_day")]

    def __str__(self):
        return f"{self.team_id} {self.date}: {self.referred_customers_count} referred"


class OutcomeDay(models.Model):
    """One team's day of outcomes, counted: the dashboard's stories, NPS and recovery.

    Columns, for team `team` and day `date` (every one a plain count, 0 when none):
    - `stories_count`: stories told on `date` (told_on) whose status is approved or featured;
    - `nps_with_promoters|passives|detractors`: NPS responses dated `date` scoring 9–10, 7–8,
      0–6, of customers who had an act going ahead (not declined or withdrawn) dated on or
      before the response; `nps_without_…`: the same for customers who had none;
    - `reactive_returned_count`: reactive acts going ahead dated `date` whose customer came
      back: a recorded return (customers.CustomerReturn) dated after the act and at most
      the team's `recovery_days` after it. The reactive acts themselves are
      DaySummary.reactive_count.

    Kept by stories.outcome_days (the NPS and story services call it, the act services
    through acts.outcomes, a return through
    customers.outcomes.return_refresh and a new recovery window through
    acts.outcomes.team_policy_refresh, in the transaction of the change); rebuilt by
    `manage.py rebuild_summaries`. A bulk loader fills it by running that command.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    date = models.DateField()
    stories_count = models.PositiveIntegerField(default=0)
    nps_with_promoters = models.PositiveIntegerField(default=0)
    nps_with_passives = models.PositiveIntegerField(default=0)
    nps_with_detractors = models.PositiveIntegerField(default=0)
    nps_without_promoters = models.PositiveIntegerField(default=0)
    nps_without_passives = models.PositiveIntegerField(default=0)
    nps_without_detractors = models.PositiveIntegerField(default=0)
    reactive_returned_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "date"], name="outcome_day_one_per_team_day"),
        ]

    def __str__(self):
        return f"{self.team_id} {self.date}: outcomes"


class PointsEarner(models.Model):
    """Someone who has earned points in a team: the people a leaderboard ranks, read
    without scanning the ledger. One row per (team, user), written with their first
    ledger line there (core.points_to_date.points_add)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="points_earner_one_per_team_user")]

    def __str__(self):
        return f"{self.user_id} in {self.team_id}"


class PointsToDate(models.Model):
    """A person's running totals in a team's ledger: `points` = SUM(points) and `entries` =
    COUNT of their PointsEntry rows of `team` earned on or before `date`. One row per day
    they earned anything; a period's points are the row at its end minus the row before
    its start (the latest row on or before each day), so the leaderboard reads two rows
    per person whatever the length of the period. Kept by
    core.points_to_date.points_add in the transaction that writes the ledger line;
    rebuilt by `manage.py rebuild_summaries`. A bulk loader fills it with a running SUM
    and COUNT of the ledger per (team, user) ordered by earned_on, one row per day."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    date = models.DateField()
    points = models.IntegerField()
    entries = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Also the index that finds the latest row on or before a day.
            models.UniqueConstraint(fields=["team", "user", "date"], name="points_to_date_one_per_team_user_day"),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.team_id} by {self.date}: {self.points}"


class OutgoingMail(models.Model):
    """One mail to one recipient, kept from the moment it is queued until it is sent.

    `key` names the message (say "act:12:waiting:1733140800:7", the request of act 12 for
    approver 7), so that whatever runs twice (a task retried, a schedule run again) finds
    the row and sends nothing new. The worker claims a queued row with a conditional
    update before it talks to the mail server, so two workers never send the same row.
    The body can hold a single-use link (a customer's survey): it is erased once sent.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="outgoing_mail_sent_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.subject} to {self.to}"


class ScheduledRun(models.Model):
    """One run of a scheduled task, for one slot of its schedule ("digest" at 08:00 on
    1 December). Unique, so that two schedulers (or one restarted) enqueue a slot once."""

    name = models.CharField(max_length=60)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-slot"]
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="scheduled_run_once_per_slot")]

    def __str__(self):
        return f"{self.name} at {self.slot:%Y-%m-%d %H:%M}"


class CsvImport(models.Model):
    """A CSV file an admin uploaded to import customers or people (core/csv_admin.py):
    kept between the preview and the confirmation, so that the confirmation imports the
    file the server read, checked again, and never what a browser sends back. Its text
    is emptied once imported; the counts stay as a record of who imported what, when."""

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", "Customers"
        PEOPLE = "people", "People"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=200)
    content = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported = models.PositiveIntegerField(default=0)
    already_there = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "CSV import"

    def __str__(self):
        return f"{self.get_kind_display()} from {self.file_name}"
