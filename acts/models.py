"""Acts of second-mile service, their append-only history, team budgets per month, the
follow-ups an act leaves to do and the per-day summaries the dashboard reads."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.money import ZERO, money_field


class Quadrant(models.TextChoices):
    RECEPTION = "reception", "Reception"
    DELIVERY = "delivery", "Delivery"
    RELIABILITY = "reliability", "Reliability"
    RESPONSE = "response", "Response"


QUADRANT_HINTS = {
    Quadrant.RECEPTION: "Before they bought: welcome, advice, first contact.",
    Quadrant.DELIVERY: "While we delivered: the product or service itself.",
    Quadrant.RELIABILITY: "It worked as they expected, and we did more.",
    Quadrant.RESPONSE: "How we handled a problem or a question.",
}


class Trigger(models.TextChoices):
    PROACTIVE = "proactive", "Proactive (an unprompted surprise)"
    REACTIVE = "reactive", "Reactive (putting a problem right)"


class Kind(models.TextChoices):
    GIFT = "gift", "Gift"
    TIME = "time", "Time"
    UPGRADE = "upgrade", "Upgrade"
    NOTE = "note", "Note"
    CALL = "call", "Call"
    EXPERTISE = "expertise", "Expertise"
    WAIVER = "waiver", "Waiver"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DELIVERED = "delivered", "Delivered"
    CUSTOMER_KNOWS = "customer_knows", "Customer knows"


class ApprovalLevel(models.TextChoices):
    NONE = "none", "No cost"
    EMPOWERED = "empowered", "Empowered"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


GOING_AHEAD = [Status.PENDING_APPROVAL, Status.APPROVED, Status.DELIVERED, Status.CUSTOMER_KNOWS]


class Act(models.Model):
    """One second-mile act: the problem, what we did, its cost and where it stands."""

    team = models.ForeignKey("secondmile.Team", on_delete=models.PROTECT, related_name="acts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acts")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="acts")
    date = models.DateField(default=timezone.localdate)
    problem = models.TextField("what they expected or needed")
    quadrant = models.CharField(max_length=20, choices=Quadrant.choices)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.PROACTIVE)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    solution = models.TextField("what we did")
    cost = money_field("cost asked", default=0)
    right_thing = models.TextField("why it is the right thing to do", blank=True)
    great_experience = models.TextField("how it makes a great experience", blank=True)
    how_they_know = models.TextField("how the customer will know", blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    approval_level = models.CharField(max_length=20, choices=ApprovalLevel.choices)
    approved_amount = money_field(null=True, blank=True)
    actual_cost = money_field(null=True, blank=True)
    # What this act holds of its month's budget right now.
    committed_amount = money_field(default=0)
    # Delivered for more than was approved and the top-up declined (or approved for less):
    # actual_cost − approved_amount. Spend counts the actual cost; the budget holds only
    # what was approved, and shows this apart (BudgetMonth.over_approved).
    over_approved = models.DecimalField(
        "over the approved amount (declined)", max_digits=12, decimal_places=2, default=0, db_default=0
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    receipt = models.FileField(upload_to="receipts/%Y/%m/", blank=True)
    customer_knew_how = models.TextField(blank=True)
    for_review = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The manager who looked found something wrong (their note is in the history).
    review_problem = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        permissions = [("decide_spend", "Can approve or decline spend")]
        indexes = [
            models.Index(fields=["team", "date"]),
            models.Index(fields=["team", "status", "requested_at"]),
            models.Index(fields=["customer", "date"]),
            models.Index(fields=["author", "date"]),
            # The exceptions managers look at: acts delivered over their approved amount.
            models.Index(
                fields=["team", "-date", "-id"],
                name="acts_act_over_approved",
                condition=Q(over_approved__gt=0),
            ),
            # The approval queue across teams (an admin's), oldest request first; a
            # manager's is read through (team, status, requested_at).
            models.Index(
                fields=["requested_at", "id"],
                name="acts_act_pending",
                condition=Q(status=Status.PENDING_APPROVAL),
            ),
            # Empowered acts drawn for a manager's look and not yet looked at, oldest first:
            # a team's (a manager's queue and home's count) and every team's (an admin's).
            models.Index(
                fields=["team", "created_at", "id"],
                name="acts_act_review_by_team",
                condition=Q(for_review=True, reviewed_at__isnull=True),
            ),
            models.Index(
                fields=["created_at", "id"],
                name="acts_act_review",
                condition=Q(for_review=True, reviewed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="act_cost_gte_0"),
            models.CheckConstraint(condition=Q(committed_amount__gte=0), name="act_committed_gte_0"),
            models.CheckConstraint(condition=Q(over_approved__gte=0), name="act_over_approved_gte_0"),
            models.CheckConstraint(
                condition=Q(actual_cost__isnull=True) | Q(actual_cost__gte=0),
                name="act_actual_cost_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="act_approved_amount_gte_0",
            ),
            # A request approved by a person names that person.
            models.CheckConstraint(
                condition=~Q(approval_level__in=["manager", "admin"], status="approved") | Q(decided_by__isnull=False),
                name="act_approved_request_has_approver",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_note=""),
                name="act_declined_has_reason",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.solution[:40]} for {self.customer}"

    @property
    def spend(self):
        """The act's spend: the actual cost once delivered, else what was approved."""
        if self.actual_cost is not None:
            return self.actual_cost
        return self.approved_amount or 0

    @property
    def needs_approver(self) -> bool:
        """Whether someone other than its author decides it: a cost above the author's own
        empowerment limit. A $0 or empowered act goes ahead at once, approved by nobody."""
        return self.approval_level in (ApprovalLevel.MANAGER, ApprovalLevel.ADMIN)

    @property
    def status_label(self) -> str:
        """The status as the pages show it: an act nobody had to approve reads "Logged"
        while it waits to be done, never "Approved"; a waiting one names who it waits for."""
        if self.status == Status.APPROVED and not self.needs_approver:
            return "Logged"
        if self.status == Status.PENDING_APPROVAL:
            return "Waiting for an admin" if self.approval_level == ApprovalLevel.ADMIN else "Waiting for a manager"
        return self.get_status_display()

    @property
    def done_in_one_tap(self) -> bool:
        """A $0 or empowered act still to be done that needs no receipt: one "Done" delivers
        it at its logged cost (a different cost goes through the full form)."""
        return (
            self.status == Status.APPROVED
            and not self.needs_approver
            and (self.approved_amount or 0) <= self.team.receipt_required_above
        )


class ActEvent(models.Model):
    """Append-only history of an act: who moved it, when, from what to what, and why."""

    class Action(models.TextChoices):
        LOGGED = "logged", "Logged"
        AUTO_APPROVED = "auto_approved", "Approved at once (empowered)"
        REQUESTED = "requested", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        MORE_REQUESTED = "more_requested", "Asked to approve a higher cost"
        DELIVERED = "delivered", "Delivered"
        CUSTOMER_KNOWS = "customer_knows", "Customer knows"
        REVIEWED = "reviewed", "Looked at by a manager"
        REVIEW_PROBLEM = "review_problem", "Looked at: marked as a problem"
        REMINDED = "reminded", "Approvers reminded"
        ESCALATED = "escalated", "Sent to the admins too"

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    amount = money_field(null=True, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    waited = models.DurationField(
        null=True,
        blank=True,
        help_text="For an approved or declined event, how long the request it answered had waited.",
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["act", "at"]),
            # The approval-time figure reads the decisions' waits of the period's acts. The
            # condition is a constant (no parameter), so SQLite can use the partial index.
            models.Index(
                fields=["act", "action", "waited"],
                name="acts_actevent_decision_wait",
                condition=models.Q(waited__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.act_id}: {self.action}"


class BudgetMonth(models.Model):
    """A team's budget for one month and what acts have committed of it.

    The check constraint is the backstop of the spend policy: whatever the code
    does, the database refuses a month whose commitments exceed its budget.
    """

    team = models.ForeignKey("secondmile.Team", on_delete=models.PROTECT, related_name="budgets")
    month = models.DateField(help_text="The first day of the month.")
    budget = money_field()
    committed = money_field(default=0)
    committed = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Spent beyond what was approved on the month's acts (top-ups declined): real money,
    # counted in spend, but never a commitment, so it cannot overspend the budget.
    over_approved = models.DecimalField(max_digits=12, decimal_places=2, default=0, db_default=0)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="budget_one_per_team_month"),
            models.CheckConstraint(condition=Q(committed__gte=0), name="budget_committed_gte_0"),
            models.CheckConstraint(condition=Q(over_approved__gte=0), name="budget_over_approved_gte_0"),
            models.CheckConstraint(condition=Q(committed__lte=F("budget")), name="budget_never_overspent"),
        ]

    def __str__(self):
        return f"{self.team} {self.month:%Y-%m}"

    @property
    def remaining(self):
        return self.budget - self.committed


class FollowUp(models.Model):
    """Something to do for a customer after an act or a low score."""

    class Kind(models.TextChoices):
        THANK_YOU = "thank_you", "Thank-you note"
        CHECK_IN = "check_in", "Check-in call"
        DETRACTOR = "detractor", "Detractor follow-up"

    team = models.ForeignKey("secondmile.Team", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="follow_ups")
    act = models.ForeignKey(Act, null=True, blank=True, on_delete=models.CASCADE)
    nps_response = models.ForeignKey("stories.NpsResponse", null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # Moved from customers: the table keeps its name.
        db_table = "customers_followup"
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["team", "done_at", "due_on"]),
            # Home's first follow-ups due, in order, and the check for an earlier one the
            # same day: read from the open ones only, without a sort.
            models.Index(fields=["team", "due_on", "id"], name="followups_open", condition=Q(done_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.customer}"


class DaySummary(models.Model):
    """One team's day of acts, summed: what the dashboard adds up instead of reading every act.

    Each column is the figure of the same name in acts/summaries.py computed over
    the acts dated that day (acts going ahead, their spend, counts by trigger, approval,
    quadrant and kind, decisions). acts.summaries.refresh_day rewrites a row from
    its acts whenever a service changes one of them; `manage.py rebuild_summaries`
    rewrites them all (after bulk loads).
    """

    team = models.ForeignKey("secondmile.Team", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    acts_count = models.PositiveIntegerField(default=0)
    proactive_count = models.PositiveIntegerField(default=0)
    reactive_count = models.PositiveIntegerField(default=0)
    spend_total = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    empowered_count = models.PositiveIntegerField(default=0)
    requests_decided_count = models.PositiveIntegerField(default=0)
    declined_count = models.PositiveIntegerField(default=0)
    quadrant_reception = models.PositiveIntegerField(default=0)
    quadrant_delivery = models.PositiveIntegerField(default=0)
    quadrant_reliability = models.PositiveIntegerField(default=0)
    quadrant_response = models.PositiveIntegerField(default=0)
    kind_gift = models.PositiveIntegerField(default=0)
    kind_time = models.PositiveIntegerField(default=0)
    kind_upgrade = models.PositiveIntegerField(default=0)
    kind_note = models.PositiveIntegerField(default=0)
    kind_call = models.PositiveIntegerField(default=0)
    kind_expertise = models.PositiveIntegerField(default=0)
    kind_waiver = models.PositiveIntegerField(default=0)
    kind_other = models.PositiveIntegerField(default=0)

    class Meta:
        # Moved from secondmile (now core): the table keeps its name.
        db_table = "secondmile_daysummary"
        verbose_name_plural = "day summaries"
        constraints = [
            # Also the index that reads a period: (team, date) ranges.
            models.UniqueConstraint(fields=["team", "date"], name="day_summary_one_per_team_day"),
        ]

    def __str__(self):
        return f"{self.team_id} {self.date}: {self.acts_count} acts"


class ActChain(models.Model):
    """What one act has returned so far along its referral chain (stories/act_chain.py
    keeps it): the stories crediting it that are approved or featured, the customers its
    chain brought in (ActReferral rows) and the sum of their first purchases. An act
    without a row has returned nothing yet."""

    act = models.OneToOneField(Act, primary_key=True, on_delete=models.CASCADE, related_name="chain")
    stories_count = models.PositiveIntegerField(default=0)
    referred_customers_count = models.PositiveIntegerField(default=0)
    referral_revenue = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)

    def __str__(self):
        return f"act {self.act_id}: {self.referred_customers_count} referred"


class ActReferral(models.Model):
    """A customer an act's chain brought in: generation 1 was referred by an approved or
    featured story retelling the act, generation 2 by a generation-1 customer, and so on.
    A customer can be in the chains of several acts (a story retelling two acts, or a
    story further down the chain), once per act, at the nearest generation."""

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="chain_referrals")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="chain_credits")
    generation = models.PositiveIntegerField()

    class Meta:
        ordering = ["generation", "customer_id"]
        constraints = [
            models.UniqueConstraint(fields=["act", "customer"], name="act_referral_once_per_act"),
            models.CheckConstraint(condition=Q(generation__gte=1), name="act_referral_generation_gte_1"),
        ]
        indexes = [models.Index(fields=["act", "generation", "customer"], name="act_referral_by_generation")]

    def __str__(self):
        return f"act {self.act_id} → customer {self.customer_id} (generation {self.generation})"


class RoiSpan(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class RoiCell(models.Model):
    """One cell of the dashboard's return table: the acts going ahead of a team dated in
    one span (a day, a calendar month or a calendar year, starting on `date`) by one
    person, of one kind and quadrant, with their spend (the dashboard's rule) and what
    they returned to date (sums of their ActChain rows).

    stories/act_chain.py recomputes a day's cells whenever one of their acts or chains
    changes, and moves the month and year cells holding that day by the same difference
    in the same transaction, so a month cell is always the sum of its days and a year
    cell of its months; `manage.py rebuild_summaries` rewrites them all. A period reads
    its whole years, then its whole months, then the days left over (secondmile/dashboard/
    roi.py): three years are at most 3 year, 22 month and 60 day cells of each (team,
    person, kind, quadrant), not 1,095 days' worth."""

    team = models.ForeignKey("secondmile.Team", on_delete=models.CASCADE, related_name="+")
    span = models.CharField(max_length=5, choices=RoiSpan.choices, default=RoiSpan.DAY, db_default=RoiSpan.DAY)
    date = models.DateField(help_text="The first day of the span.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    quadrant = models.CharField(max_length=20, choices=Quadrant.choices)
    acts_count = models.PositiveIntegerField(default=0)
    spend_total = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    stories_count = models.PositiveIntegerField(default=0)
    referred_customers_count = models.PositiveIntegerField(default=0)
    referral_revenue = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = "return table cell"
        constraints = [
            # Also the index that reads a period: (span, team, date) ranges.
            models.UniqueConstraint(
                fields=["span", "team", "date", "author", "kind", "quadrant"], name="roi_cell_one_per_cell"
            ),
        ]

    def __str__(self):
        where = f"{self.team_id} {self.span} {self.date} {self.author_id}"
        return f"{where} {self.kind}/{self.quadrant}: {self.acts_count} acts"


class PersonalLimit(models.Model):
    """A person's own empowerment limit in their team, and their track record since it
    last changed (acts/empowerment.py keeps it).

    No row means the person is at their team's limit with nothing counted yet; a row of
    another team than the person's (they moved) counts as none. `acts_since_change`
    is how many of their acts reached "customer knows" since the last change, so that no
    page counts a person's acts. A pinned limit (set by an admin) does not move by itself.
    """

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_limit")
    # No database constraint: the team row is locked for update by a policy change, which
    # then locks these rows; a key-share lock taken here would order the two the other way.
    team = models.ForeignKey("secondmile.Team", on_delete=models.CASCADE, db_constraint=False, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    pinned = models.BooleanField(default=False)
    acts_since_change = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="personal_limit_amount_gte_0")]

    def __str__(self):
        return f"{self.person_id}: {self.amount}"


class LimitChange(models.Model):
    """Append-only history of a person's own empowerment limit: from what to what, when,
    why, and who (none when it moved by itself with the track record)."""

    class Reason(models.TextChoices):
        GREW = "grew", "Grew with the track record"
        DECLINED = "declined", "Back to the team's limit: a request was declined"
        PROBLEM = "problem", "Back to the team's limit: a look found a problem"
        PINNED = "pinned", "Pinned by an admin"
        UNPINNED = "unpinned", "Unpinned by an admin"
        TEAM_LIMITS = "team_limits", "The team's limits changed"
        TEAM_JOINED = "team_joined", "Joined the team"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="limit_changes")
    team = models.ForeignKey("secondmile.Team", on_delete=models.PROTECT, db_constraint=False, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    before = models.DecimalField(max_digits=12, decimal_places=2)
    after = models.DecimalField(max_digits=12, decimal_places=2)
    pinned = models.BooleanField(default=False, help_text="Pinned after this change.")
    act = models.ForeignKey(Act, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self):
        return f"{self.person_id}: {self.before} → {self.after} ({self.reason})"
