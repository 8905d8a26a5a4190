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
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from acts import approval_waits
from acts.models import Act, ActEvent, BudgetMonth, DaySummary, Kind, Quadrant, Trigger
from acts.summaries import (
    DECISIONS,
    GOING,
    decision_aggregates,
    summed_fields,
)
from core import points_to_date
from core.days import month_end
from core.models import Kudos, PointsEntry, Team, User
from core.money import MONEY_SUM, ZERO, cents
from core.roles import visible_to
from customers import advocates, referral_days
from customers.models import Customer, CustomerReturn
from stories import outcome_days
from stories.models import NpsResponse, Story, StoryStatus
from stories.nps import nps_score

from .first_use import first_month_in_use, with_first_use
from .scope import Scope

MONEY = MONEY_SUM
TOLD = [StoryStatus.APPROVED, StoryStatus.FEATURED]
# A customer with no proactive act for this long is "not surprised for a while".


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


def scope_act_events(scope: Scope) -> QuerySet[ActEvent]:
    """The history rows of the acts dated in the period (through the acts' (team, date)
    index, then the events' (act, at) index)."""
    return ActEvent.objects.filter(
        scope.teams("act__"), act__date__gte=scope.start, act__date__lte=scope.end
    ).order_by()


def decision_totals(scope: Scope) -> dict:
    """decision_aggregates over the history of the period's acts (one query). The dashboard
    reads the same counts summed per day (act_totals); this is their reference."""
    return scope_act_events(scope).aggregate(**decision_aggregates())


def act_totals(scope: Scope) -> dict:
    """act_aggregates and decision_aggregates over the period's acts, read from the day
    summaries: SUM of each column over the scope's (team, day) rows — at most teams × days
    rows whatever the number of acts (one query). acts/summaries.py keeps each row
    equal to those aggregates over its day's acts and their history."""
    totals = DaySummary.objects.filter(scope.teams(), date__gte=scope.start, date__lte=scope.end).aggregate(
        **{name: Coalesce(Sum(name), 0) for name in summed_fields() if name != "spend_total"},
        spend_total=Coalesce(Sum("spend_total"), Value(ZERO), output_field=MONEY),
    )
    totals["spend_total"] = cents(totals["spend_total"])
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

    This is the reference over the history rows; the dashboard reads the same figure, at
    whole seconds, from the histogram of waits kept per team-day (summarised_approval_times).
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
    """stories_count = COUNT(stories told in the period WHERE status IN (approved, featured)).
    Reference over the rows; the dashboard reads it from the day summaries (summarised_outcomes)."""
    return scope_stories(scope).filter(status__in=TOLD).count()


def referral_totals(scope: Scope) -> dict:
    """referred_customers_count = COUNT(customers created in the period WHERE referred_by
    IS NOT NULL); referral_revenue = SUM(their first_purchase_value), 0.00 with none.
    Reference over the rows; the dashboard reads them from the day summaries (summarised_outcomes)."""
    totals = scope_referred_customers(scope).aggregate(
        referred_customers_count=Count("pk"),
        referral_revenue=Coalesce(Sum("first_purchase_value"), Value(ZERO), output_field=MONEY),
    )
    totals["referral_revenue"] = cents(totals["referral_revenue"])
    return totals


def _had_act_by_then() -> Exists:
    return outcome_days.had_act_by_then()


def nps_with_act(scope: Scope) -> Decimal | None:
    """nps_with_act = NPS of the responses given in the period by customers who had an
    act going ahead dated on or before the response (−100…100, one decimal; None with
    no responses). NPS itself is stories.nps.nps_score. Reference over the rows; the
    dashboard reads it from the day summaries' counts by band (summarised_outcomes)."""
    return nps_score(scope_nps_responses(scope).filter(_had_act_by_then()))


def nps_without_act(scope: Scope) -> Decimal | None:
    """nps_without_act = NPS of the responses given in the period by customers who had
    no act going ahead dated on or before the response; None with no responses. Reference
    over the rows, like nps_with_act."""
    return nps_score(scope_nps_responses(scope).filter(~_had_act_by_then()))


def recovery(scope: Scope) -> dict:
    """Reactive acts going ahead dated in the period, and how many of them brought their
    customer back: a return (customers.CustomerReturn) dated after the act and at most the
    team's recovery_days after it. recovery_rate = returned ÷ reactive; None with no
    reactive act. Reference over the rows (the acts, then their customers' returns: two
    queries and one for the windows); the dashboard reads it from the day summaries
    (summarised_outcomes)."""
    acts = list(scope_acts(scope).filter(GOING, trigger=Trigger.REACTIVE).values_list("team_id", "date", "customer_id"))
    windows = dict(Team.objects.filter(pk__in={team for team, _d, _c in acts}).values_list("pk", "recovery_days"))
    returns: dict[int, list] = {}
    for customer_id, date in CustomerReturn.objects.filter(
        customer_id__in={customer for _t, _d, customer in acts}
    ).values_list("customer_id", "date"):
        returns.setdefault(customer_id, []).append(date)
    returned = sum(
        1
        for team_id, date, customer_id in acts
        if any(date < back <= date + datetime.timedelta(days=windows[team_id]) for back in returns.get(customer_id, []))
    )
    return {"reactive": len(acts), "returned": returned, "recovery_rate": ratio(returned, len(acts))}


def recovery_waiting(scope: Scope, *, today: datetime.date) -> int:
    """Reactive acts going ahead in the period whose customer has not come back yet and
    whose window is still open (today ≤ the act's date + recovery_days): not failures yet.
    From the day summaries (stories.outcome_days.recovery_waiting, one query)."""
    return outcome_days.recovery_waiting(scope.teams(), scope.start, scope.end, today=today)


# --- The headline, and everything the dashboard and the API show ------------------


def summarised_outcomes(scope: Scope, *, reactive: int) -> dict:
    """stories_count, referred_customers_count, referral_revenue, nps_with_act,
    nps_without_act and recovery, from the day summaries of outcomes and referrals (two
    queries; see stories/outcome_days.py and customers/referral_days.py): the same
    figures as stories_count, referral_totals, nps_with_act, nps_without_act and recovery
    compute over the period's rows."""
    return {
        **referral_days.referral_totals(scope.teams(), scope.start, scope.end),
        **outcome_days.outcome_totals(scope.teams(), scope.start, scope.end, reactive=reactive),
    }


def summarised_approval_times(scope: Scope) -> dict:
    """approval_times from the histogram of waits kept per team-day, at whole seconds (one
    query; see acts/approval_waits.py)."""
    return approval_waits.approval_times(scope.teams(), scope.start, scope.end)


def headline(scope: Scope) -> dict:
    """The figures of the tiles that show a change: acts, proactive share, spend,
    stories, referred customers, cost per referred customer, NPS (three queries, all
    over day summaries: at most teams × days rows whatever the number of acts)."""
    totals = act_totals(scope)
    outcomes = summarised_outcomes(scope, reactive=totals["reactive_count"])
    return {
        **totals,
        **outcomes,
        "proactive_share": proactive_share(totals),
        "cost_per_referred_customer": cost_per_referred_customer(
            totals["spend_total"], outcomes["referred_customers_count"]
        ),
    }


def dashboard_figures(scope: Scope, *, previous: Scope | None = None) -> dict:
    """Every figure of the dashboard for a scope, in eight queries whatever the number of
    acts: over day summaries, the acts' and decisions' totals, the referrals, the
    outcomes (stories, NPS, recovery), the approval waits, the recoveries still waiting
    (two) and the customers created; and the top advocates from the lineage of the
    period's new customers.
    With `previous` (the period before), its approval times come in the same query, as
    approval_time_before."""
    figures = headline(scope)  # decisions, NPS and recovery included
    if previous is None:
        approval = summarised_approval_times(scope)
    else:
        # The period before's approval times too (its change on the tile), in the same query.
        approval, figures["approval_time_before"] = approval_waits.approval_times_of_periods(
            scope.teams(), [(scope.start, scope.end), (previous.start, previous.end)]
        )
    figures.update(
        empowerment_rate=empowerment_rate(figures),
        decline_rate=decline_rate(figures),
        stories_per_act=stories_per_act(figures["stories_count"], figures["acts_count"]),
        referral_return=referral_return(figures["referral_revenue"], figures["spend_total"]),
        approval_time=approval,
        recovery_waiting=recovery_waiting(scope, today=timezone.localdate()),
    )
    # Customers who create customers (two queries: the day rows, the lineage of the new customers).
    figures["customers_created"] = advocates.customers_created(scope.teams(), scope.start, scope.end)
    figures["referral_rate"] = advocates.referral_rate(
        referred=figures["referred_customers_count"], created=figures["customers_created"]
    )
    figures["top_advocates"] = advocates.top_advocates(scope.teams("customer__"), scope.start, scope.end)
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
        last = min(month_end(first), scope.end)
        buckets.append((first, last))
        first = month_end(first) + datetime.timedelta(days=1)
    return "month", buckets


def daily_act_totals(scope: Scope) -> dict[datetime.date, tuple[int, Decimal]]:
    """Acts going ahead and their spend (as spend_total), per day of the period with any:
    one query over the day summaries (acts_count, spend_total), summed over the teams in
    the database, at most one row per day."""
    return {
        day: (count, cents(spend))
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
    stories_by_day = outcome_days.told_stories_by_day(scope.teams(), scope.start, scope.end)
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
        month = month_end(month) + datetime.timedelta(days=1)
    return months


def budget_by_month(scope: Scope, *, daily: dict | None = None, since_first_use: bool = False) -> list[dict]:
    """Spend (as spend_total) against budget for each month the period touches: the
    month's budget row, else the team's default monthly budget, summed over the teams
    in scope. Spend is added up by month from the daily act totals (one query, unless
    given), the budgets are one query (two for every team).

    With `since_first_use` (what the dashboard, the API and the digest show), a team's
    budget counts only from its first month in use (first_use.py, one query more), and a
    month in which no team of the scope was in use yet is left out: "This year" for a
    team that started in October is October to December, not twelve budgets."""
    months = _months(scope)
    daily = daily_act_totals(scope) if daily is None else daily
    spend = dict.fromkeys(months, ZERO)
    for day, (_count, amount) in daily.items():
        spend[day.replace(day=1)] += amount
    if since_first_use:
        ids = [scope.team.pk] if scope.team is not None else scope.team_ids
        teams = list(with_first_use(Team.objects.filter(pk__in=ids)))
        today = timezone.localdate()
        first_use = {team.pk: first_month_in_use(team, today=today) for team in teams}
    else:
        teams = [scope.team] if scope.team is not None else list(Team.objects.filter(pk__in=scope.team_ids))
        first_use = {}
    rows = {(row.team_id, row.month): row.budget for row in BudgetMonth.objects.filter(scope.teams(), month__in=months)}
    result = []
    for month in months:
        counted = [team for team in teams if first_use.get(team.pk, month) <= month]
        if since_first_use and not counted:
            continue
        budget = sum((rows.get((team.pk, month), team.monthly_budget) for team in counted), ZERO)
        result.append({"month": month, "budget": budget, "spend": spend[month], "share": ratio(spend[month], budget)})
    return result


# --- Recognition -------------------------------------------------------------------


def leaderboard(scope: Scope, *, limit: int = 10) -> list[User]:
    """People of the scope's team(s) ranked by the points they earned in the period
    (SUM of their ledger lines dated in it), then by kudos received in it; people who
    chose not to appear are left out, and so is anyone with neither.

    Three queries: points per person from their running totals (two rows a person
    whatever the period: core/points_to_date.py), kudos counted per person in the
    period, then the people with either are read; only those people are ranked here.
    """
    first, after = scope.moments()
    points = points_to_date.period_points(scope.teams(), scope.start, scope.end)
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
