"""The dashboard's figures and the home page's lists, each defined once, computed by the database.

A figure is read for a `Scope`: a period (dates inclusive) and a team, or every team
for an admin. Every query is bounded by the period and filters on the team first, so
that it reads the period's rows through the (team, date) indexes instead of every act
ever logged. Each figure's formula is in its docstring; the core ones follow
PRODUCT.md's definitions table exactly, and the API returns them as they are here.
Ratios are None (shown as "—") when what they divide by is zero.
"""

import bisect
import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from acts.models import GOING_AHEAD, Act, ActEvent, BudgetMonth, Kind, Quadrant, Status, Trigger
from customers.models import Customer, FollowUp, NpsResponse, Story, StoryStatus
from customers.selectors import nps_score

from . import errors
from .inputs import id_parse
from .models import DaySummary, Kudos, PointsEntry, Role, Team, User
from .roles import visible_to
from .summaries import summed_fields

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
GOING = Q(status__in=GOING_AHEAD)
TOLD = [StoryStatus.APPROVED, StoryStatus.FEATURED]
MAX_PERIOD_DAYS = 5 * 366
# A customer with no proactive act for this long is "not surprised for a while".
SURPRISE_AFTER_DAYS = 30
SURPRISE_PICKS = 3
FOLLOW_UPS_SHOWN = 8


def _cents(amount) -> Decimal:
    # SQLite hands back sums of money without their two decimals; show them as money.
    return Decimal(amount or 0).quantize(Decimal("0.01"))


# --- The scope: a period and a team ---------------------------------------------


class Period:
    """The period picker's choices; a custom period names its own start and end."""

    MONTH = "month"
    QUARTER = "3m"
    YEAR = "year"
    CUSTOM = "custom"
    CHOICES = [(MONTH, "This month"), (QUARTER, "Last 3 months"), (YEAR, "This year"), (CUSTOM, "Custom dates")]


def period_bounds(period: str, *, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dates of a named period, ending today: this month, the last 3 months (this one
    and the two before, from their first day), or this year."""
    if period == Period.YEAR:
        return today.replace(month=1, day=1), today
    if period == Period.QUARTER:
        month = today.month - 2
        year = today.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return datetime.date(year, month, 1), today
    return today.replace(day=1), today


@dataclass(frozen=True)
class Scope:
    """What the figures are about: the dates (inclusive) and one team, or every team
    (team None; team_ids then lists them, so queries still use the (team, date) indexes)."""

    start: datetime.date
    end: datetime.date
    team: Team | None = None
    team_ids: tuple[int, ...] = field(default=())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Scope":
        """The period of the same length just before this one, for "change against" figures."""
        end = self.start - datetime.timedelta(days=1)
        return Scope(
            start=end - datetime.timedelta(days=self.days - 1), end=end, team=self.team, team_ids=self.team_ids
        )

    def teams(self, prefix: str = "") -> Q:
        if self.team is not None:
            return Q(**{f"{prefix}team_id": self.team.pk})
        return Q(**{f"{prefix}team_id__in": self.team_ids})

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes [start 00:00, the day after end 00:00) in local time."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        return first, after


DATE_FIRST = datetime.date(1900, 1, 1)
DATE_LAST = datetime.date(2999, 12, 31)


def _parse_date(value, name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        day = datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise errors.InvalidInput(f"{name}: give a date as YYYY-MM-DD.", field=name) from None
    # The previous period and the day after the end are computed from these dates: at
    # year 1 or 9999 that arithmetic leaves the calendar.
    if not DATE_FIRST <= day <= DATE_LAST:
        raise errors.InvalidInput(f"{name}: give a date between {DATE_FIRST:%Y} and {DATE_LAST:%Y}.", field=name)
    return day


def dashboard_scope(*, user: User, team=None, start=None, end=None, period: str = "") -> Scope:
    """The scope a user asked for, checked.

    Dates: `start`/`end` (YYYY-MM-DD, inclusive) when given (a missing end is today, a
    missing start the first day of the end's month), else the named `period`, else the
    current month to date. A bad date, a start after the end or a period over five
    years raises InvalidInput. Team: the caller's by default; "all" or any team's id
    for an admin; staff and managers asking for another team get a 404 (it does not
    exist for them).
    """
    today = timezone.localdate()
    start_date, end_date = _parse_date(start, "start"), _parse_date(end, "end")
    if start_date or end_date:
        end_date = end_date or today
        start_date = start_date or end_date.replace(day=1)
    else:
        start_date, end_date = period_bounds(period, today=today)
    if start_date > end_date:
        raise errors.InvalidInput("start: the start is after the end.", field="start")
    if (end_date - start_date).days >= MAX_PERIOD_DAYS:
        raise errors.InvalidInput("end: a period is at most five years.", field="end")

    team_value = str(team).strip() if team not in (None, "") else ""
    if user.role == Role.ADMIN:
        if team_value == "all" or (not team_value and user.team_id is None):
            return Scope(
                start=start_date,
                end=end_date,
                team=None,
                team_ids=tuple(Team.objects.order_by("pk").values_list("pk", flat=True)),
            )
        if not team_value:
            return Scope(start=start_date, end=end_date, team=user.team)
        team_id = id_parse(team_value)
        if team_id is None:
            raise Http404("No such team.")
        found = Team.objects.filter(pk=team_id).first()
        if found is None:
            raise Http404("No such team.")
        return Scope(start=start_date, end=end_date, team=found)
    if team_value and team_value != str(user.team_id):
        raise Http404("No such team.")
    if user.team is None:
        raise Http404("You are in no team yet.")
    return Scope(start=start_date, end=end_date, team=user.team)


# --- The period's rows ------------------------------------------------------------


def scope_acts(scope: Scope) -> QuerySet[Act]:
    """Acts dated in the period (every status), of the scope's team(s)."""
    return Act.objects.filter(scope.teams(), date__gte=scope.start, date__lte=scope.end).order_by()


def scope_stories(scope: Scope) -> QuerySet[Story]:
    """Stories told in the period (every status), of the scope's team(s)."""
    return Story.objects.filter(scope.teams(), told_on__gte=scope.start, told_on__lte=scope.end).order_by()


def scope_referred_customers(scope: Scope) -> QuerySet[Customer]:
    """Customers created in the period who have a referrer."""
    first, after = scope.moments()
    return Customer.objects.filter(
        scope.teams(), created_at__gte=first, created_at__lt=after, referred_by__isnull=False
    ).order_by()


def scope_nps_responses(scope: Scope) -> QuerySet[NpsResponse]:
    """NPS responses given in the period."""
    return NpsResponse.objects.filter(scope.teams(), date__gte=scope.start, date__lte=scope.end).order_by()


# --- Figures over the period's acts: one aggregate query ------------------------------


def acts_count() -> Count:
    """acts_count = COUNT(acts dated in the period WHERE status is going ahead).

    Going ahead: pending approval, approved, delivered, customer knows — declined and
    withdrawn acts do not count."""
    return Count("pk", filter=GOING)


def proactive_count() -> Count:
    """COUNT(acts going ahead WHERE trigger = proactive): the unprompted surprises."""
    return Count("pk", filter=GOING & Q(trigger=Trigger.PROACTIVE))


def reactive_count() -> Count:
    """COUNT(acts going ahead WHERE trigger = reactive): recoveries after a complaint."""
    return Count("pk", filter=GOING & Q(trigger=Trigger.REACTIVE))


def act_spend() -> Case:
    """One act's spend: actual_cost once delivered (delivered, customer knows), else
    approved_amount (approved); 0 while pending approval, and for declined or withdrawn."""
    return Case(
        When(
            status__in=[Status.DELIVERED, Status.CUSTOMER_KNOWS],
            then=Coalesce(F("actual_cost"), Value(ZERO), output_field=MONEY),
        ),
        When(status=Status.APPROVED, then=Coalesce(F("approved_amount"), Value(ZERO), output_field=MONEY)),
        default=Value(ZERO),
        output_field=MONEY,
    )


def spend_total() -> Coalesce:
    """spend_total = SUM(act_spend) over the acts going ahead in the period; 0.00 with none."""
    return Coalesce(Sum(act_spend(), filter=GOING), Value(ZERO), output_field=MONEY)


# --- Decisions: read from the acts' history, so that each decision counts once ---------
# An act's current fields forget earlier decisions: a declined top-up puts the act back to
# approved, and a top-up rewrites approval_level and requested_at. The history does not.

DECISIONS = [ActEvent.Action.APPROVED, ActEvent.Action.DECLINED]
# A request for approval: logged above the empowerment limit, or a higher cost at delivery.
REQUESTS = Q(action__in=[ActEvent.Action.REQUESTED, ActEvent.Action.MORE_REQUESTED]) | Q(
    action=ActEvent.Action.LOGGED, to_status=Status.PENDING_APPROVAL
)


def scope_act_events(scope: Scope) -> QuerySet[ActEvent]:
    """The history rows of the acts dated in the period (through the acts' (team, date)
    index, then the events' (act, at) index)."""
    return ActEvent.objects.filter(
        scope.teams("act__"), act__date__gte=scope.start, act__date__lte=scope.end
    ).order_by()


def decision_aggregates() -> dict:
    """Counts over the history (ActEvent rows) of a set of acts:

    requests_decided_count = COUNT(approved or declined events): every decision a manager
    or an admin made, a first request and a top-up (a higher cost at delivery) each once;
    declined_count = COUNT(declined events), a declined top-up included;
    empowered_count = COUNT(acts going ahead whose logging approved them at once: no cost,
    or within the empowerment limit), whatever a later top-up did to their level."""
    return {
        "requests_decided_count": Count("pk", filter=Q(action__in=DECISIONS)),
        "declined_count": Count("pk", filter=Q(action=ActEvent.Action.DECLINED)),
        "empowered_count": Count(
            "pk", filter=Q(action=ActEvent.Action.LOGGED, to_status=Status.APPROVED, act__status__in=GOING_AHEAD)
        ),
    }


def decision_totals(scope: Scope) -> dict:
    """decision_aggregates over the history of the period's acts (one query). The dashboard
    reads the same counts summed per day (act_totals); this is their reference."""
    return scope_act_events(scope).aggregate(**decision_aggregates())


def act_aggregates() -> dict:
    """The counts and the spend over a set of acts, plus the acts going ahead by quadrant
    (`quadrant_<name>`) and by kind (`kind_<name>`), as aggregate expressions."""
    aggregates = {
        "acts_count": acts_count(),
        "proactive_count": proactive_count(),
        "reactive_count": reactive_count(),
        "spend_total": spend_total(),
    }
    for quadrant in Quadrant:
        aggregates[f"quadrant_{quadrant.value}"] = Count("pk", filter=GOING & Q(quadrant=quadrant))
    for kind in Kind:
        aggregates[f"kind_{kind.value}"] = Count("pk", filter=GOING & Q(kind=kind))
    return aggregates


def act_totals(scope: Scope) -> dict:
    """act_aggregates and decision_aggregates over the period's acts, read from the day
    summaries: SUM of each column over the scope's (team, day) rows — at most teams × days
    rows whatever the number of acts (one query). secondmile/summaries.py keeps each row
    equal to those aggregates over its day's acts and their history."""
    totals = DaySummary.objects.filter(scope.teams(), date__gte=scope.start, date__lte=scope.end).aggregate(
        **{name: Coalesce(Sum(name), 0) for name in summed_fields() if name != "spend_total"},
        spend_total=Coalesce(Sum("spend_total"), Value(ZERO), output_field=MONEY),
    )
    totals["spend_total"] = _cents(totals["spend_total"])
    return totals


# --- Ratios: never a division by zero ------------------------------------------------


def ratio(numerator, denominator, places: str | None = None) -> Decimal | None:
    """numerator ÷ denominator, or None when the denominator is 0. Ratios keep their full
    precision (the API gives them as they are, the page rounds them); money is rounded
    half up to `places`."""
    if not denominator:
        return None
    quotient = Decimal(numerator) / Decimal(denominator)
    return quotient if places is None else quotient.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def proactive_share(totals: dict) -> Decimal | None:
    """proactive_share = proactive_count ÷ acts_count, 0 to 1; None when acts_count = 0."""
    return ratio(totals["proactive_count"], totals["acts_count"])


def empowerment_rate(totals: dict) -> Decimal | None:
    """empowerment_rate = empowered_count ÷ acts_count (see decision_totals); None when
    acts_count = 0."""
    return ratio(totals["empowered_count"], totals["acts_count"])


def decline_rate(totals: dict) -> Decimal | None:
    """decline_rate = declined_count ÷ requests_decided_count (decisions, from the history:
    see decision_totals); None when no request was decided."""
    return ratio(totals["declined_count"], totals["requests_decided_count"])


def stories_per_act(stories: int, acts: int) -> Decimal | None:
    """stories_per_act = stories_count ÷ acts_count; None when acts_count = 0."""
    return ratio(stories, acts)


def cost_per_referred_customer(spend: Decimal, referred: int) -> Decimal | None:
    """cost_per_referred_customer = spend_total ÷ referred_customers_count, in cents;
    None when no customer was referred."""
    return ratio(spend, referred, "0.01")


def referral_return(revenue: Decimal, spend: Decimal) -> Decimal | None:
    """referral_return = referral_revenue ÷ spend_total ("2.5" = each dollar spent brought
    $2.50 of first purchases); None when nothing was spent."""
    return ratio(revenue, spend)


# --- Approval time: one query ranks the durations in the database -----------------


def approval_times(scope: Scope) -> dict:
    """How long decisions waited, from the history of the period's acts: for each approved
    or declined event, its `waited` = its time − the time of the request it answered (the
    latest request event of the act at or before it: logged above the limit, or a higher
    cost at delivery), recorded when the decision was made. A first request and a top-up
    are two waits; a request still waiting or withdrawn has none.

    median = the middle wait (the mean of the two middle ones for an even count);
    p90 = nearest rank, the wait at rank ⌈0.9 n⌉ in ascending order. Both None with no
    decision. The database numbers the waits with window functions and returns only the
    (at most three) rows needed.
    """
    rows = list(
        scope_act_events(scope)
        .filter(action__in=DECISIONS, waited__isnull=False)
        .annotate(rank=Window(RowNumber(), order_by=[F("waited").asc(), F("pk").asc()]), total=Window(Count("pk")))
        .filter(Q(rank=(F("total") + 1) / 2) | Q(rank=(F("total") + 2) / 2) | Q(rank=(F("total") * 9 + 9) / 10))
        .values_list("rank", "total", "waited")
    )
    if not rows:
        return {"count": 0, "median": None, "p90": None}
    total = rows[0][1]
    by_rank = {rank: value for rank, _total, value in rows}
    low, high = by_rank[(total + 1) // 2], by_rank[(total + 2) // 2]
    return {"count": total, "median": (low + high) / 2, "p90": by_rank[(total * 9 + 9) // 10]}


# --- Stories, referred customers, NPS, recovery ---------------------------------------


def stories_count(scope: Scope) -> int:
    """stories_count = COUNT(stories told in the period WHERE status IN (approved, featured))."""
    return scope_stories(scope).filter(status__in=TOLD).count()


def referral_totals(scope: Scope) -> dict:
    """referred_customers_count = COUNT(customers created in the period WHERE referred_by
    IS NOT NULL); referral_revenue = SUM(their first_purchase_value), 0.00 with none."""
    totals = scope_referred_customers(scope).aggregate(
        referred_customers_count=Count("pk"),
        referral_revenue=Coalesce(Sum("first_purchase_value"), Value(ZERO), output_field=MONEY),
    )
    totals["referral_revenue"] = _cents(totals["referral_revenue"])
    return totals


def _had_act_by_then() -> Exists:
    return Exists(
        Act.objects.filter(customer_id=OuterRef("customer_id"), status__in=GOING_AHEAD, date__lte=OuterRef("date"))
    )


def nps_with_act(scope: Scope) -> Decimal | None:
    """nps_with_act = NPS of the responses given in the period by customers who had an
    act going ahead dated on or before the response (−100…100, one decimal; None with
    no responses). NPS itself is customers.selectors.nps_score."""
    return nps_score(scope_nps_responses(scope).filter(_had_act_by_then()))


def nps_without_act(scope: Scope) -> Decimal | None:
    """nps_without_act = NPS of the responses given in the period by customers who had
    no act going ahead dated on or before the response; None with no responses."""
    return nps_score(scope_nps_responses(scope).filter(~_had_act_by_then()))


def recovery(scope: Scope) -> dict:
    """Reactive acts going ahead in the period, and how many of their customers came
    back: a later act going ahead (dated after it; not declined or withdrawn), an NPS
    response dated after it, or a story told after it and approved or featured.
    recovery_rate = returned ÷ reactive; None with no reactive act."""
    later = {"customer_id": OuterRef("customer_id")}
    came_back = (
        Exists(Act.objects.filter(**later, status__in=GOING_AHEAD, date__gt=OuterRef("date")))
        | Exists(NpsResponse.objects.filter(**later, date__gt=OuterRef("date")))
        | Exists(Story.objects.filter(**later, status__in=TOLD, told_on__gt=OuterRef("date")))
    )
    counts = (
        scope_acts(scope)
        .filter(GOING, trigger=Trigger.REACTIVE)
        .aggregate(
            reactive=Count("pk"),
            returned=Count("pk", filter=Q(came_back)),
        )
    )
    counts["recovery_rate"] = ratio(counts["returned"], counts["reactive"])
    return counts


# --- The headline, and everything the dashboard and the API show ------------------


def headline(scope: Scope) -> dict:
    """The figures of the tiles that show a change: acts, proactive share, spend,
    stories, referred customers, cost per referred customer (three queries)."""
    totals = act_totals(scope)
    referrals = referral_totals(scope)
    stories = stories_count(scope)
    return {
        **totals,
        **referrals,
        "proactive_share": proactive_share(totals),
        "stories_count": stories,
        "cost_per_referred_customer": cost_per_referred_customer(
            totals["spend_total"], referrals["referred_customers_count"]
        ),
    }


def dashboard_figures(scope: Scope) -> dict:
    """Every figure of the dashboard for a scope, in a fixed number of queries whatever
    the number of acts (eight; the acts' and decisions' totals are one read of the day
    summaries)."""
    figures = headline(scope)  # decisions included: act_totals reads them from the day summaries
    figures.update(
        empowerment_rate=empowerment_rate(figures),
        decline_rate=decline_rate(figures),
        stories_per_act=stories_per_act(figures["stories_count"], figures["acts_count"]),
        referral_return=referral_return(figures["referral_revenue"], figures["spend_total"]),
        nps_with_act=nps_with_act(scope),
        nps_without_act=nps_without_act(scope),
        approval_time=approval_times(scope),
        recovery=recovery(scope),
    )
    figures["quadrants"] = [
        {"value": q.value, "label": q.label, "count": figures[f"quadrant_{q.value}"]} for q in Quadrant
    ]
    figures["funnel"] = {
        "acts": figures["acts_count"],
        "stories": figures["stories_count"],
        "referred_customers": figures["referred_customers_count"],
    }
    figures["kinds"] = sorted(
        ({"value": k.value, "label": k.label, "count": figures[f"kind_{k.value}"]} for k in Kind),
        key=lambda row: -row["count"],
    )
    return figures


# --- Series for the charts: grouped by day in the database, then into buckets ---------


def _buckets(scope: Scope) -> tuple[str, list[tuple[datetime.date, datetime.date]]]:
    """Seven-day weeks counted from the period's first day (the last one may be shorter),
    up to 27 of them; months beyond that."""
    buckets = []
    if scope.days <= 27 * 7:
        first = scope.start
        while first <= scope.end:
            last = min(first + datetime.timedelta(days=6), scope.end)
            buckets.append((first, last))
            first = last + datetime.timedelta(days=1)
        return "week", buckets
    first = scope.start
    while first <= scope.end:
        next_month = (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        last = min(next_month - datetime.timedelta(days=1), scope.end)
        buckets.append((first, last))
        first = next_month
    return "month", buckets


def daily_act_totals(scope: Scope) -> dict[datetime.date, tuple[int, Decimal]]:
    """Acts going ahead and their spend (as spend_total), per day of the period with any:
    one query over the day summaries (acts_count, spend_total), summed over the teams in
    the database, at most one row per day."""
    return {
        day: (count, _cents(spend))
        for day, count, spend in DaySummary.objects.filter(
            scope.teams(), date__gte=scope.start, date__lte=scope.end, acts_count__gt=0
        )
        .order_by()
        .values("date")
        .annotate(n=Sum("acts_count"), spend=Sum("spend_total"))
        .values_list("date", "n", "spend")
    }


def activity_series(scope: Scope, *, daily: dict | None = None) -> dict:
    """Acts going ahead and stories told (approved or featured) per week — per month
    for periods over 27 weeks. The database groups by day (at most one row per day of
    the period); the days are then added into their bucket. Two queries, one when the
    daily act totals are given."""
    daily = daily_act_totals(scope) if daily is None else daily
    acts_by_day = {day: count for day, (count, _spend) in daily.items()}
    stories_by_day = dict(
        scope_stories(scope)
        .filter(status__in=TOLD)
        .values("told_on")
        .annotate(n=Count("pk"))
        .values_list("told_on", "n")
    )
    unit, buckets = _buckets(scope)
    rows = [{"start": first, "end": last, "acts": 0, "stories": 0} for first, last in buckets]
    starts = [first for first, _last in buckets]
    for key, by_day in (("acts", acts_by_day), ("stories", stories_by_day)):
        for day, n in by_day.items():
            rows[bisect.bisect_right(starts, day) - 1][key] += n
    return {"unit": unit, "rows": rows}


def _months(scope: Scope) -> list[datetime.date]:
    months, month = [], scope.start.replace(day=1)
    while month <= scope.end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def budget_by_month(scope: Scope, *, daily: dict | None = None) -> list[dict]:
    """Spend (as spend_total) against budget for each month the period touches: the
    month's budget row, else the team's default monthly budget, summed over the teams
    in scope. Spend is added up by month from the daily act totals (one query, unless
    given), the budgets are one query (two for every team)."""
    months = _months(scope)
    daily = daily_act_totals(scope) if daily is None else daily
    spend = dict.fromkeys(months, ZERO)
    for day, (_count, amount) in daily.items():
        spend[day.replace(day=1)] += amount
    teams = [scope.team] if scope.team is not None else list(Team.objects.filter(pk__in=scope.team_ids))
    rows = {(row.team_id, row.month): row.budget for row in BudgetMonth.objects.filter(scope.teams(), month__in=months)}
    result = []
    for month in months:
        budget = sum((rows.get((team.pk, month), team.monthly_budget) for team in teams), ZERO)
        result.append({"month": month, "budget": budget, "spend": spend[month], "share": ratio(spend[month], budget)})
    return result


# --- Recognition -------------------------------------------------------------------


def leaderboard(scope: Scope, *, limit: int = 10) -> list[User]:
    """People of the scope's team(s) ranked by the points they earned in the period
    (SUM of their ledger lines dated in it), then by kudos received in it; people who
    chose not to appear are left out, and so is anyone with neither.

    Three queries, each bounded by the period: points and kudos are summed per person
    in the database (points through the (team, earned_on) index), then the people
    with either are read; only those people are ranked here.
    """
    first, after = scope.moments()
    points = dict(
        PointsEntry.objects.filter(scope.teams(), earned_on__gte=scope.start, earned_on__lte=scope.end)
        .order_by()
        .values("user_id")
        .annotate(total=Sum("points"))
        .values_list("user_id", "total")
    )
    kudos = dict(
        Kudos.objects.filter(scope.teams(), created_at__gte=first, created_at__lt=after)
        .order_by()
        .values("receiver_id")
        .annotate(n=Count("pk"))
        .values_list("receiver_id", "n")
    )
    people = list(
        User.objects.filter(
            pk__in=set(points) | set(kudos), is_active=True, hide_from_leaderboard=False
        ).select_related("team")
    )
    for person in people:
        person.period_points = points.get(person.pk, 0)
        person.period_kudos = kudos.get(person.pk, 0)
    people.sort(key=lambda p: (-p.period_points, -p.period_kudos, p.first_name, p.username))
    return people[:limit]


def person_recognition(*, person: User, today: datetime.date) -> dict:
    """A person's points (this month, all time), latest ledger lines and kudos received."""
    month_start = today.replace(day=1)
    totals = PointsEntry.objects.filter(user=person).aggregate(
        all_time=Coalesce(Sum("points"), 0),
        this_month=Coalesce(Sum("points", filter=Q(earned_on__gte=month_start)), 0),
    )
    return {
        "points_this_month": totals["this_month"],
        "points_all_time": totals["all_time"],
        "ledger": PointsEntry.objects.filter(user=person)
        .select_related("act", "story", "customer")
        .order_by("-earned_on", "-id")[:8],
        "kudos": Kudos.objects.filter(receiver=person).select_related("giver", "act").order_by("-created_at")[:5],
    }


def teammates(*, user: User) -> QuerySet[User]:
    """The other active people of the user's team, by name."""
    return (
        User.objects.filter(team_id=user.team_id, is_active=True).exclude(pk=user.pk).order_by("first_name", "username")
    )


def teammate_get(*, user: User, pk) -> User:
    """A person of the user's team (any team for an admin), or 404."""
    return get_object_or_404(visible_to(user, User.objects.select_related("team").filter(is_active=True)), pk=pk)


# --- Home: follow-ups due and today's surprise suggestions ----------------------------


def followups_due(*, user: User, today: datetime.date) -> QuerySet[FollowUp]:
    """The follow-ups of the user's team not done and due today or earlier, oldest first."""
    return (
        FollowUp.objects.filter(team_id=user.team_id, done_at__isnull=True, due_on__lte=today)
        .select_related("customer", "act")
        .order_by("due_on", "id")
    )


def followup_get(*, user: User, pk) -> FollowUp:
    """A follow-up of the user's team (any team for an admin), or 404."""
    return get_object_or_404(visible_to(user, FollowUp.objects.select_related("customer")), pk=pk)


_PRIME = 2_147_483_647  # 2**31 − 1: (id × multiplier + shift) mod it shuffles ids, stably.
# How many of a team's customers, from a random place in its list, the day's picks are
# drawn from: the draw reads this many rows, however many customers the team has.
SURPRISE_WINDOW = 60


def _daily_shuffle(team_id: int, today: datetime.date) -> tuple[int, int]:
    digest = hashlib.sha256(f"surprise:{team_id}:{today.isoformat()}".encode()).digest()
    multiplier = 1 + int.from_bytes(digest[:8]) % (_PRIME - 1)
    shift = int.from_bytes(digest[8:16]) % _PRIME
    return multiplier, shift


def surprise_suggestions(*, team: Team | None, today: datetime.date, count: int = SURPRISE_PICKS) -> list[Customer]:
    """A random pick of the team's customers with no proactive act going ahead in the
    last SURPRISE_AFTER_DAYS days, so that surprises are spread, not scheduled.

    Random but stable within a day, and bounded whatever the team's size: a hash of the
    team and the date gives a point between the team's lowest and highest customer id;
    the SURPRISE_WINDOW candidates from there on (going round to the lowest ids when the
    end is reached) are read through the (team, id) index, and the hash shuffles them
    ((id × m + s) mod (2³¹ − 1)) to pick `count`. Everyone sees the same picks today and
    others tomorrow. Each pick comes with `last_surprise` (date), `last_kind`,
    `acts_total` and `referrals_total`, from which the page says why it was picked.
    Three queries: the id range, the window from the point, the window round from the
    start (each window row with its details: a few index lookups each).
    """
    if team is None:
        return []
    since = today - datetime.timedelta(days=SURPRISE_AFTER_DAYS)
    proactive = Act.objects.filter(customer_id=OuterRef("pk"), trigger=Trigger.PROACTIVE, status__in=GOING_AHEAD)
    customers = Customer.objects.filter(team=team).order_by()
    bounds = customers.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    multiplier, shift = _daily_shuffle(team.pk, today)
    start = bounds["low"] + shift % (bounds["high"] - bounds["low"] + 1)
    last_surprise = proactive.order_by("-date", "-id")
    acts_total = (
        Act.objects.filter(customer_id=OuterRef("pk"), status__in=GOING_AHEAD)
        .order_by()
        .values("customer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    referrals_total = (
        Customer.objects.filter(referred_by_id=OuterRef("pk"))
        .order_by()
        .values("referred_by_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    candidates = (
        customers.filter(~Exists(proactive.filter(date__gt=since)))
        .annotate(
            last_surprise=Subquery(last_surprise.values("date")[:1]),
            last_kind=Subquery(last_surprise.values("kind")[:1]),
            acts_total=Coalesce(Subquery(acts_total, output_field=IntegerField()), 0),
            referrals_total=Coalesce(Subquery(referrals_total, output_field=IntegerField()), 0),
        )
        .order_by("pk")
    )
    window = list(candidates.filter(pk__gte=start)[:SURPRISE_WINDOW])
    # Read whole, even when the first part filled the window: the same queries every day.
    window += list(candidates.filter(pk__lt=start)[:SURPRISE_WINDOW])[: SURPRISE_WINDOW - len(window)]
    picks = sorted(window, key=lambda customer: ((customer.pk * multiplier + shift) % _PRIME, customer.pk))[:count]
    for customer in picks:
        customer.why = _why_picked(customer, today)
    return picks


def _why_picked(customer: Customer, today: datetime.date) -> str:
    if customer.last_surprise is None:
        reason = "Never surprised yet"
        if customer.acts_total == 1:
            reason += " (one act so far: a recovery)"
        elif customer.acts_total:
            reason += f" ({customer.acts_total} acts so far, all recoveries)"
    else:
        days = (today - customer.last_surprise).days
        reason = f"Last surprise {days} days ago ({Kind(customer.last_kind).label.lower()})"
    if customer.referrals_total:
        reason += f"; has sent us {customer.referrals_total} customer{'s' if customer.referrals_total != 1 else ''}"
    return reason + "."
