"""Per-team, per-day counts of what acts lead to — stories, NPS, recovery — kept by the
services, so that the dashboard reads at most teams × days rows for these figures.

`OutcomeDay` (see its docstring for each column) holds, per team-day: the stories told and
approved or featured, the NPS answers by band (promoter, passive, detractor) and by
whether the customer had an act going ahead dated on or before the answer, and the
reactive acts going ahead whose customer came back within the team's recovery window.
The figures are then plain sums over the period's rows: stories_count, nps_with_act /
nps_without_act (stories.net_promoter.nps_from_counts of the summed bands), recovery
(returned ÷ DaySummary.reactive_count). The rules that decide "had an act by then" and
"came back" are defined here once; selectors' reference figures over the rows use them too.
(Referred customers are customers.referral_days.)

Came back: a reactive act dated d is a recovery when its customer has a return
(customers.CustomerReturn) dated after d and at most `Team.recovery_days` (N) after it:
d < return.date ≤ d + N. Its window is open while today ≤ d + N ("waiting": not a failure
yet). The window is per team, so the test runs in Python over the acts of the days being
counted and their customers' return dates (a handful per day), not as date arithmetic in SQL.

Keeping them right: `refresh_days(days)` recomputes whole rows from the rows of those
team-days (a fixed number of queries whatever the number of days), never adding deltas,
so a row cannot drift. What a change can move, and so which days a service refreshes:
- an act (logged, decided, withdrawn, delivered): it may be, or stop being, "an act by
  then" for its customer's answers dated on or after it, and (reactive) a recovery
  itself — so the days of those answers, and its own day (`act_changed`, which the act
  services call through acts.outcomes: acts sit below this module and do not import it);
- an NPS answer: its day (`nps_answered`); a story's moderation: its day (`story_changed`);
- a return on date r: the days of the customer's reactive acts dated in [r − N, r)
  (`customer_returned`, which customers.outcomes.return_refresh calls);
- a team's new recovery window: every day of the team that has a reactive act
  (`team_recovery_refresh`, through acts.outcomes.team_policy_refresh) — bounded by days.
Each call finds those days through the customer's rows (a customer has a handful), so its
cost does not grow with the team's data.

Concurrency: each refresh first creates the rows it needs and locks them
(core.summary_rows, in (team, date) order), then reads: a change that can move a
row always locks it before reading, so the second of two transactions sees the first's.
Writes around the services (bulk loads, queryset.update) are followed by `manage.py
rebuild_summaries`, which calls `rebuild()`.
"""

import bisect
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from acts.models import GOING_AHEAD, Act, DaySummary, Trigger
from core.models import OutcomeDay, Team
from core.summary_rows import Day, any_day, day_rows_locked
from customers.models import CustomerReturn

from .models import NpsResponse, Story, StoryStatus
from .net_promoter import nps_from_counts

TOLD = [StoryStatus.APPROVED, StoryStatus.FEATURED]
BATCH = 2_000

COUNTED = [
    "stories_count",
    "nps_with_promoters",
    "nps_with_passives",
    "nps_with_detractors",
    "nps_without_promoters",
    "nps_without_passives",
    "nps_without_detractors",
    "reactive_returned_count",
]


# --- The definitions ---------------------------------------------------------------------


def had_act_by_then(act_model=Act) -> Exists:
    """For an NPS answer: its customer had an act going ahead dated on or before it."""
    return Exists(
        act_model.objects.filter(
            customer_id=OuterRef("customer_id"), status__in=GOING_AHEAD, date__lte=OuterRef("date")
        )
    )


def came_back(act_date: datetime.date, return_dates: list[datetime.date], window_days: int) -> bool:
    """For a reactive act dated `act_date`: its customer came back — one of their return
    dates (sorted) is after the act and at most `window_days` after it."""
    first_after = bisect.bisect_right(return_dates, act_date)
    return first_after < len(return_dates) and return_dates[first_after] <= act_date + datetime.timedelta(
        days=window_days
    )


def recovery_windows(team_ids: Iterable[int], *, team_model=Team) -> dict[int, int]:
    """{team id: its recovery_days} (one query)."""
    return dict(team_model.objects.filter(pk__in=set(team_ids)).values_list("pk", "recovery_days"))


def return_dates_of(customer_ids: Iterable[int] | None, *, return_model=CustomerReturn) -> dict[int, list]:
    """{customer id: their return dates, sorted}; every customer's when `customer_ids` is None."""
    returns = return_model.objects.order_by()
    if customer_ids is not None:
        returns = returns.filter(customer_id__in=set(customer_ids))
    dates: dict[int, list] = {}
    for customer_id, date in returns.values_list("customer_id", "date").iterator(chunk_size=BATCH):
        dates.setdefault(customer_id, []).append(date)
    for found in dates.values():
        found.sort()
    return dates


def returned_counts(reactive_acts, *, return_model=CustomerReturn, team_model=Team) -> dict[Day, int]:
    """{(team_id, date): how many of these reactive acts came back}, from rows of
    (team_id, date, customer_id): two more queries (the teams' windows, the customers'
    returns)."""
    acts = list(reactive_acts)
    if not acts:
        return {}
    windows = recovery_windows((team_id for team_id, _date, _customer in acts), team_model=team_model)
    dates = return_dates_of(
        (customer for _team, _date, customer in acts) if len(acts) < 5_000 else None, return_model=return_model
    )
    counts: dict[Day, int] = {}
    for team_id, date, customer_id in acts:
        if came_back(date, dates.get(customer_id, []), windows[team_id]):
            counts[(team_id, date)] = counts.get((team_id, date), 0) + 1
    return counts


def reactive_acts_of(where: Q, act_model=Act):
    """(team_id, date, customer_id) of the reactive acts going ahead matching `where`."""
    return (
        act_model.objects.filter(where, status__in=GOING_AHEAD, trigger=Trigger.REACTIVE)
        .order_by()
        .values_list("team_id", "date", "customer_id")
        .iterator(chunk_size=BATCH)
    )


def nps_band_counts(act_model=Act) -> dict:
    """The six NPS counts of a set of answers, as aggregate expressions."""
    with_act = Q(had_act_by_then(act_model))
    bands = {"promoters": Q(score__gte=9), "passives": Q(score__gte=7, score__lte=8), "detractors": Q(score__lte=6)}
    counts = {}
    for name, band in bands.items():
        counts[f"nps_with_{name}"] = Count("pk", filter=with_act & band)
        counts[f"nps_without_{name}"] = Count("pk", filter=~with_act & band)
    return counts


# --- Counting some team-days from their rows -------------------------------------------


def _count(
    days: list[Day] | None,
    *,
    act_model=Act,
    nps_model=NpsResponse,
    story_model=Story,
    return_model=CustomerReturn,
    team_model=Team,
):
    """{(team_id, date): {column: value}} for the given days, or for every day with any
    row when `days` is None: two grouped queries, then the reactive acts of those days
    with their teams' windows and their customers' returns (three more)."""

    def where(field: str) -> Q:
        return Q() if days is None else any_day(days, field)

    totals: dict[Day, dict] = {}

    def add(rows, names):
        for team_id, date, *values in rows:
            totals.setdefault((team_id, date), {}).update(zip(names, values, strict=True))

    stories = (
        story_model.objects.filter(where("told_on"), status__in=TOLD)
        .order_by()
        .values("team_id", "told_on")
        .annotate(n=Count("pk"))
        .values_list("team_id", "told_on", "n")
    )
    add(stories.iterator(chunk_size=BATCH), ["stories_count"])

    bands = nps_band_counts(act_model)
    answers = (
        nps_model.objects.filter(where("date"))
        .order_by()
        .values("team_id", "date")
        .annotate(**bands)
        .values_list("team_id", "date", *bands)
    )
    add(answers.iterator(chunk_size=BATCH), list(bands))

    recovered = returned_counts(
        reactive_acts_of(where("date"), act_model), return_model=return_model, team_model=team_model
    )
    add(((team_id, date, n) for (team_id, date), n in recovered.items()), ["reactive_returned_count"])
    return totals


def refresh_days(days: Iterable[Day]) -> None:
    """Recompute the OutcomeDay rows of these team-days from their rows, in the caller's
    transaction: create the missing rows, lock them all in (team, date) order, count the
    days (_count), write the rows (one query)."""
    days = sorted(set(days))
    if not days:
        return
    with transaction.atomic():
        rows = day_rows_locked(OutcomeDay, days)
        totals = _count(days)
        for row in rows:
            counted = totals.get((row.team_id, row.date), {})
            for name in COUNTED:
                setattr(row, name, counted.get(name) or 0)
        OutcomeDay.objects.bulk_update(rows, COUNTED)


def act_changed(act: Act) -> None:
    """After a service created an act or changed its status (called through
    acts.outcomes.outcomes_refresh, in the change's transaction): refresh its own day and
    the days of its customer's NPS answers dated on or after it. (An act is no return: it
    moves no other act's recovery.)"""
    answers = (
        NpsResponse.objects.filter(customer_id=act.customer_id, date__gte=act.date)
        .order_by()
        .values_list("team_id", "date")
        .distinct()
    )
    refresh_days([(act.team_id, act.date), *answers])


def nps_answered(response: NpsResponse) -> None:
    """After an NPS answer was recorded: its day."""
    refresh_days([(response.team_id, response.date)])


def story_changed(story: Story) -> None:
    """After a story was recorded or moderated: its day."""
    refresh_days([(story.team_id, story.told_on)])


def customer_returned(customer_return: CustomerReturn) -> None:
    """After a return was recorded (handed down as customers.outcomes.return_refresh): the
    days of the customer's reactive acts dated in [return − N, return), N the team's window."""
    window = Team.objects.values_list("recovery_days", flat=True).get(pk=customer_return.team_id)
    since = customer_return.date - datetime.timedelta(days=window)
    days = (
        Act.objects.filter(
            customer_id=customer_return.customer_id,
            trigger=Trigger.REACTIVE,
            date__gte=since,
            date__lt=customer_return.date,
        )
        .order_by()
        .values_list("team_id", "date")
        .distinct()
    )
    refresh_days(list(days))


def team_recovery_refresh(team_id: int) -> None:
    """The team's recovery window changed: recompute reactive_returned_count on every day
    of the team that has a reactive act going ahead (and zero it on the others), in the
    caller's transaction. Rows are created and locked in date order first, as refresh_days."""
    with transaction.atomic():
        acts = list(reactive_acts_of(Q(team_id=team_id)))
        days = sorted({(team, date) for team, date, _customer in acts})
        OutcomeDay.objects.bulk_create(
            [OutcomeDay(team_id=team, date=date) for team, date in days], ignore_conflicts=True, batch_size=BATCH
        )
        rows = list(OutcomeDay.objects.select_for_update().filter(team_id=team_id).order_by("date"))
        recovered = returned_counts(acts)
        for row in rows:
            row.reactive_returned_count = recovered.get((row.team_id, row.date), 0)
        OutcomeDay.objects.bulk_update(rows, ["reactive_returned_count"], batch_size=BATCH)


def team_policy_changed(*, team: Team, changed: dict) -> None:
    """Handed down as acts.outcomes.team_policy_refresh: a new recovery window recounts the team."""
    if "recovery_days" in changed:
        team_recovery_refresh(team.pk)


def rebuild(**models) -> int:
    """Rewrite every OutcomeDay row from the stories, NPS answers, acts and returns: two
    GROUP BY (team, day) queries, the reactive acts with every return, then bulk inserts.
    Run while nobody writes (as summaries.rebuild). Returns the rows written. Models may be
    given (act_model, nps_model, story_model, return_model, team_model, outcome_model)."""
    outcome_model = models.pop("outcome_model", OutcomeDay)
    with transaction.atomic():
        totals = _count(None, **models)
        outcome_model.objects.all().delete()
        outcome_model.objects.bulk_create(
            (
                outcome_model(team_id=team_id, date=date, **{name: row.get(name) or 0 for name in COUNTED})
                for (team_id, date), row in totals.items()
            ),
            batch_size=BATCH,
        )
    return len(totals)


# --- Reading a period ---------------------------------------------------------------------


def outcome_totals(teams: Q, start: datetime.date, end: datetime.date, *, reactive: int) -> dict:
    """The period's outcome figures from its OutcomeDay rows (one query): stories_count,
    nps_with_act, nps_without_act, nps_bands (every answer by band), and recovery ({reactive, returned, recovery_rate};
    `reactive` is the period's DaySummary.reactive_count)."""
    sums = OutcomeDay.objects.filter(teams, date__gte=start, date__lte=end).aggregate(
        **{name: Coalesce(Sum(name), 0) for name in COUNTED}
    )

    def nps(prefix: str) -> Decimal | None:
        promoters, passives, detractors = (sums[f"{prefix}_{band}"] for band in ("promoters", "passives", "detractors"))
        return nps_from_counts(promoters=promoters, detractors=detractors, total=promoters + passives + detractors)

    returned = sums["reactive_returned_count"]
    return {
        "stories_count": sums["stories_count"],
        "nps_with_act": nps("nps_with"),
        "nps_without_act": nps("nps_without"),
        # Every answer of the period by band, with an act or without (the NPS bar).
        "nps_bands": {
            band: sums[f"nps_with_{band}"] + sums[f"nps_without_{band}"]
            for band in ("promoters", "passives", "detractors")
        },
        "recovery": {
            "reactive": reactive,
            "returned": returned,
            "recovery_rate": Decimal(returned) / Decimal(reactive) if reactive else None,
        },
    }


def _window_open_days(today: datetime.date) -> Q:
    """The team-days whose recovery window is still open today (today ≤ date + the team's
    N): one condition per distinct N of the teams (one query over the teams, a handful of
    rows), so that the read skips the days whose window has closed."""
    windows = Team.objects.order_by().values_list("recovery_days", flat=True).distinct()
    found = Q(pk__in=[])
    for window in windows:
        found |= Q(team__recovery_days=window, date__gte=today - datetime.timedelta(days=window))
    return found


def recovery_waiting(teams: Q, start: datetime.date, end: datetime.date, *, today: datetime.date) -> int:
    """Reactive acts going ahead in the period whose customer has not come back yet but
    still may: their window is open (today ≤ date + the team's N). Σ (DaySummary.reactive_count
    − OutcomeDay.reactive_returned_count) over the period's team-days with a reactive act
    whose window is open: two queries, the teams' windows, then the open days (at most
    teams × N rows, each day's returned count read alongside)."""
    returned = OutcomeDay.objects.filter(team_id=OuterRef("team_id"), date=OuterRef("date")).values(
        "reactive_returned_count"
    )[:1]
    rows = (
        DaySummary.objects.filter(teams, _window_open_days(today), date__gte=start, date__lte=end, reactive_count__gt=0)
        .order_by()
        .annotate(returned=Coalesce(Subquery(returned), 0))
        .values_list("reactive_count", "returned")
    )
    return sum(reactive - back for reactive, back in rows.iterator(chunk_size=BATCH))


def told_stories_by_day(teams: Q, start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
    """Stories told (approved or featured) per day of the period with any, summed over the
    teams: one query over the OutcomeDay rows, at most one row per day."""
    return dict(
        OutcomeDay.objects.filter(teams, date__gte=start, date__lte=end, stories_count__gt=0)
        .order_by()
        .values("date")
        .annotate(n=Sum("stories_count"))
        .values_list("date", "n")
    )
