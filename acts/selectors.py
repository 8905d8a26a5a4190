"""Reads on acts: every queryset of acts a page or the API shows starts here, scoped."""

import datetime
import operator
from decimal import Decimal
from functools import reduce

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from core.inputs import id_parse
from core.models import Role, Team, User
from core.roles import visible_to
from customers import selectors as customer_selectors
from customers.models import Customer

from .models import Act, ActChain, ActEvent, ActReferral, ApprovalLevel, BudgetMonth, FollowUp, LimitChange, Status
from .summaries import act_spend


def acts_visible_to(user: User) -> QuerySet[Act]:
    """The acts a user may see: their team's, or every team's for an admin."""
    return visible_to(user, Act.objects.select_related("customer", "author", "team"))


def customer_acts(*, user: User, customer) -> QuerySet[Act]:
    """A customer's acts the user may see, newest first: what a form about the customer
    offers to link an answer or a story to."""
    return acts_visible_to(user).filter(customer=customer).order_by("-date", "-id")


def acts_latest_of(*, user: User, count: int = 5) -> QuerySet[Act]:
    """The acts `user` logged last, newest first: their home page's "my latest acts"."""
    return Act.objects.filter(author=user).select_related("customer", "author", "team").order_by("-date", "-id")[:count]


def act_stories(*, act: Act):
    """The stories that retell `act`, newest first, each with its customer (any status:
    the act's page badges each one)."""
    return act.stories.select_related("customer").order_by("-told_on")


def act_get(*, user: User, pk) -> Act:
    """One act the user may see, or 404 (another team's act does not exist for them)."""
    return get_object_or_404(acts_visible_to(user), pk=pk)


def act_get_with_chain(*, user: User, pk) -> Act:
    """One act the user may see (or 404) with what it returned: `chain` (its ActChain row,
    None while it has returned nothing) and `spend_by_rule`, its spend by the dashboard's
    rule (acts.summaries.act_spend). One query."""
    return get_object_or_404(acts_visible_to(user).select_related("chain").annotate(spend_by_rule=act_spend()), pk=pk)


def act_returns(*, act: Act) -> dict:
    """What an act returned, as the API and the act page show it: stories_count (approved
    or featured stories crediting it), referred_customers_count (its chain, any
    generation), referral_revenue (their first purchases) and spend (the dashboard's rule;
    from `spend_by_rule` when act_get_with_chain read it), with revenue ÷ spend as
    `referral_return` (None when nothing was spent). Reads the act's ActChain row."""
    try:
        chain = act.chain  # read with the act by act_get_with_chain, else one query
    except ActChain.DoesNotExist:
        chain = None
    spend = getattr(act, "spend_by_rule", None)
    if spend is None:
        spend = Act.objects.filter(pk=act.pk).annotate(s=act_spend()).values_list("s", flat=True).first()
    spend = Decimal(spend or 0).quantize(Decimal("0.01"))
    revenue = chain.referral_revenue if chain else Decimal("0.00")
    return {
        "stories_count": chain.stories_count if chain else 0,
        "referred_customers_count": chain.referred_customers_count if chain else 0,
        "referral_revenue": revenue,
        "spend": spend,
        "referral_return": (revenue / spend) if spend else None,
    }


def act_chain_customers(*, act: Act) -> QuerySet[ActReferral]:
    """The customers an act's chain brought in, by generation then name, with who referred
    them and the story that did (for a page of them)."""
    return (
        ActReferral.objects.filter(act=act)
        .select_related("customer__referred_by", "customer__referred_by_story")
        .order_by("generation", "customer__name", "customer_id")
    )


def act_chain_generations(*, act: Act) -> list[dict]:
    """How many customers each generation of the act's chain holds (one grouped query,
    a row per generation)."""
    return list(
        ActReferral.objects.filter(act=act)
        .order_by()
        .values("generation")
        .annotate(n=Count("pk"))
        .order_by("generation")
    )


def act_feed(*, user: User, filters: dict | None = None) -> QuerySet[Act]:
    """The team feed, newest first, narrowed by the feed's filters."""
    acts = acts_visible_to(user)
    for field in ("quadrant", "trigger", "kind", "status"):
        value = (filters or {}).get(field)
        if value:
            acts = acts.filter(**{field: value})
    author = (filters or {}).get("author")
    if author:
        acts = acts.filter(author_id=author)
    customer = (filters or {}).get("customer")
    if customer:
        acts = acts.filter(customer_id=customer)
    return acts.order_by("-date", "-id")


def feed_people(*, user: User) -> QuerySet[User]:
    """The people the feed can be narrowed to: the user's team (an admin: everybody)."""
    return visible_to(user, User.objects.order_by("first_name", "username"))


def customers_for_logging(*, user: User) -> QuerySet[Customer]:
    """The customers the user may log an act for: their team's, or any team's for an admin."""
    return customer_selectors.customers_visible_to(user).order_by("name", "id")


def customer_for_logging(*, user: User, pk) -> Customer | None:
    """One customer the user may log an act for, or None (unknown, or another team's)."""
    pk = id_parse(pk)
    if pk is None:
        return None
    return customers_for_logging(user=user).filter(pk=pk).first()


def act_timeline(*, act: Act) -> QuerySet[ActEvent]:
    return act.events.select_related("actor").order_by("at", "id")


def approval_queue(*, user: User) -> QuerySet[Act]:
    """Requests this user may decide, oldest first; none for staff."""
    if user.role == Role.STAFF:
        return Act.objects.none()
    waiting = acts_visible_to(user).filter(status=Status.PENDING_APPROVAL).exclude(author=user)
    if user.role == Role.MANAGER:
        waiting = waiting.filter(approval_level=ApprovalLevel.MANAGER)
    return waiting.order_by("requested_at", "id")


def review_queue(*, user: User) -> QuerySet[Act]:
    """Empowered acts drawn at random for a manager's look, not yet seen."""
    if user.role == Role.STAFF:
        return Act.objects.none()
    return (
        acts_visible_to(user)
        .filter(for_review=True, reviewed_at__isnull=True)
        .exclude(author=user)
        .order_by("created_at", "id")
    )


def budget_months_recent(*, team: Team, months: int = 12) -> QuerySet[BudgetMonth]:
    """The team's latest months that have a budget row (set, or used), newest first."""
    return team.budgets.order_by("-month")[:months]


def budget_summary(*, team: Team, month: datetime.date) -> dict:
    """The team's budget for a month: budget, committed (approved commitments), remaining,
    and over_approved (spent beyond the approved amounts: declined top-ups, shown apart);
    no row is created."""
    month = month.replace(day=1)
    row = BudgetMonth.objects.filter(team=team, month=month).first()
    budget = row.budget if row else team.monthly_budget
    # A month nobody has charged yet has committed nothing: $0.00, money like the rest.
    committed = row.committed if row else Decimal("0.00")
    over_approved = row.over_approved if row else Decimal("0.00")
    return {
        "month": month,
        "budget": budget,
        "committed": committed,
        "remaining": budget - committed,
        "over_approved": over_approved,
    }


OVER_APPROVED_SHOWN = 10


def over_approved_acts(*, user: User) -> QuerySet[Act]:
    """Acts delivered above their approved amount whose top-up was declined (or approved
    for less), latest first, for managers and admins to look at; none for staff. Read
    through the partial (team, date) index of such acts; pages show OVER_APPROVED_SHOWN."""
    if user.role == Role.STAFF:
        return Act.objects.none()
    return acts_visible_to(user).filter(over_approved__gt=0).order_by("-date", "-id")


def budgets_left_for(acts: list[Act]) -> None:
    """Set on each act what is left of the budget it is charged to (its own team, the month
    of its date) and what approving it takes from that budget; one query for all of them."""
    keys = {(act.team_id, act.date.replace(day=1)) for act in acts}
    committed = {}
    budgets = {}
    if keys:
        rows = BudgetMonth.objects.filter(
            reduce(operator.or_, (Q(team_id=team_id, month=month) for team_id, month in keys))
        )
        for row in rows:
            budgets[row.team_id, row.month] = row.budget
            committed[row.team_id, row.month] = row.committed
    for act in acts:
        key = (act.team_id, act.date.replace(day=1))
        act.budget_month = key[1]
        act.budget_left = budgets.get(key, act.team.monthly_budget) - committed.get(key, 0)
        # A top-up already holds what was approved before: only the difference is new.
        act.budget_needed = act.cost - act.committed_amount


def approval_cards(queue: list[Act]) -> list[Act]:
    """One page of the queue with each customer's earlier acts (three at most) and the
    budget each request is charged to, in a fixed number of queries."""
    queue = list(queue)
    budgets_left_for(queue)
    customer_ids = {act.customer_id for act in queue}
    earlier: dict[int, list[Act]] = {}
    if customer_ids:
        # The four latest per customer (one may be the request itself): a window function
        # keeps this bounded by the page, not by the customers' whole history.
        latest = Window(RowNumber(), partition_by=F("customer_id"), order_by=[F("date").desc(), F("id").desc()])
        previous_acts = (
            Act.objects.filter(customer_id__in=customer_ids)
            .annotate(recency=latest)
            .filter(recency__lte=4)
            .order_by("customer_id", "recency")
        )
        for previous in previous_acts:
            earlier.setdefault(previous.customer_id, []).append(previous)
    for act in queue:
        act.previous_acts = [a for a in earlier.get(act.customer_id, []) if a.pk != act.pk][:3]
    return queue


# --- Follow-ups due ----------------------------------------------------------------

# Home shows a few follow-ups, so that they do not outweigh logging an act; the
# follow-ups page (/followups/) has every one.
FOLLOW_UPS_SHOWN = 3


def followups_due(*, user: User, today: datetime.date) -> QuerySet[FollowUp]:
    """The follow-ups of the user's team not done and due today or earlier, oldest first."""
    return (
        FollowUp.objects.filter(team_id=user.team_id, done_at__isnull=True, due_on__lte=today)
        .select_related("customer", "act")
        .order_by("due_on", "id")
    )


def followups_home(*, user: User, today: datetime.date) -> list[FollowUp]:
    """The first FOLLOW_UPS_SHOWN follow-ups due for home, one row per customer per day:
    of a customer's follow-ups due on one day only the first is shown (two acts for one
    customer would otherwise fill the list twice); the rest wait on the follow-ups page."""
    earlier_same_day = FollowUp.objects.filter(
        team_id=user.team_id,
        done_at__isnull=True,
        customer_id=OuterRef("customer_id"),
        due_on=OuterRef("due_on"),
        id__lt=OuterRef("id"),
    )
    return list(followups_due(user=user, today=today).exclude(Exists(earlier_same_day))[:FOLLOW_UPS_SHOWN])


def followups_page(*, user: User, today: datetime.date) -> QuerySet[FollowUp]:
    """Every follow-up of the user's team not done and due today or earlier: detractor
    cases first (a low score is a customer to win back), then by due date, oldest first.
    An admin sees their own team's, like everyone (the list is a team's to-do)."""
    detractor_first = Case(
        When(kind=FollowUp.Kind.DETRACTOR, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        FollowUp.objects.filter(team_id=user.team_id, done_at__isnull=True, due_on__lte=today)
        .select_related("customer", "act", "nps_response")
        .annotate(detractor_first=detractor_first)
        .order_by("detractor_first", "due_on", "id")
    )


def followup_get(*, user: User, pk) -> FollowUp:
    """A follow-up of the user's team (any team for an admin), or 404."""
    return get_object_or_404(visible_to(user, FollowUp.objects.select_related("customer")), pk=pk)


def receipt_names() -> QuerySet:
    """(act id, receipt name) of every act that has a receipt, in every team, oldest first:
    for moving the files between storages (manage.py move_receipts), never for a page."""
    return Act.objects.exclude(receipt="").order_by("pk").values_list("pk", "receipt")


# --- Own empowerment limits ----------------------------------------------------------


def limit_person_get(*, user: User, pk) -> User:
    """A person whose empowerment limit and its history `user` may read: themselves, a
    person of their team for a manager, anyone for an admin; else 404 (a teammate's
    limit is between them and their managers)."""
    people = User.objects.select_related("team").filter(is_active=True)
    if user.role == Role.STAFF:
        people = people.filter(pk=user.pk)
    return get_object_or_404(visible_to(user, people), pk=pk)


def limit_history(*, person: User) -> QuerySet[LimitChange]:
    """Every change of the person's own limit, newest first, with who made it and the act behind it."""
    return person.limit_changes.select_related("actor", "act", "team").order_by("-at", "-id")
