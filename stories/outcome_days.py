"""Per-team, per-day counts of what acts lead to — stories, NPS, recovery — kept by the
services, so that the dashboard reads at most teams × days rows for these figures.

`OutcomeDay` (see its docstring for each column) holds, per team-day: the stories told and
approved or featured, the NPS answers by band (promoter, passive, detractor) and by
whether the customer had an act going ahead dated on or before the answer, and the
reactive acts going ahead whose customer came back later. The figures are then plain
sums over the period's rows: stories_count, nps_with_act / nps_without_act
(stories.net_promoter.nps_from_counts of the summed bands), recovery (returned ÷
DaySummary.reactive_count). The expressions that decide "had an act by then" and "came
back" are defined here once; selectors' reference figures over the rows use them too.
(Referred customers are customers.referral_days.)

Keeping them right: `refresh_days(days)` recomputes whole rows from the rows of those
team-days (three grouped queries whatever the number of days), never adding deltas, so a
row cannot drift. What a change can move, and so which days a service refreshes:
- an act (logged, decided, withdrawn, delivered): it may be, or stop being, "an act by
  then" for its customer's answers dated on or after it, "a later return" for the
  customer's reactive acts dated before it, and (reactive) a recovery itself — so the
  days of those answers and reactive acts, and its own day (`act_changed`, which the act
  services call through acts.outcomes: acts sit below this module and do not import it);
- an NPS answer: its day, and the days of the customer's reactive acts before it
  (`nps_answered`);
- a story's moderation: its day, and the days of the customer's reactive acts before it
  (`story_changed`).
Each call finds those days through the customer's rows (a customer has a handful), so its
cost does not grow with the team's data.

Concurrency: each refresh first creates the rows it needs and locks them
(core.summary_rows, in (team, date) order), then reads: a change that can move a
row always locks it before reading, so the second of two transactions sees the first's.
Writes around the services (bulk loads, queryset.update) are followed by `manage.py
rebuild_summaries`, which calls `rebuild()`.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from acts.models import GOING_AHEAD, Act, Trigger
from core.models import OutcomeDay
from core.summary_rows import Day, any_day, day_rows_locked

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


def came_back(act_model=Act, nps_model=NpsResponse, story_model=Story):
    """For an act: its customer came back after it — a later act going ahead (dated after
    it), an NPS answer dated after it, or a story told after it and approved or featured."""
    later = {"customer_id": OuterRef("customer_id")}
    return (
        Exists(act_model.objects.filter(**later, status__in=GOING_AHEAD, date__gt=OuterRef("date")))
        | Exists(nps_model.objects.filter(**later, date__gt=OuterRef("date")))
        | Exists(story_model.objects.filter(**later, status__in=TOLD, told_on__gt=OuterRef("date")))
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


def _count(days: list[Day] | None, *, act_model=Act, nps_model=NpsResponse, story_model=Story):
    """{(team_id, date): {column: value}} for the given days, or for every day with any
    row when `days` is None: three grouped queries."""

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

    recovered = (
        act_model.objects.filter(where("date"), status__in=GOING_AHEAD, trigger=Trigger.REACTIVE)
        .filter(came_back(act_model, nps_model, story_model))
        .order_by()
        .values("team_id", "date")
        .annotate(n=Count("pk"))
        .values_list("team_id", "date", "n")
    )
    add(recovered.iterator(chunk_size=BATCH), ["reactive_returned_count"])
    return totals


def refresh_days(days: Iterable[Day]) -> None:
    """Recompute the OutcomeDay rows of these team-days from their rows, in the caller's
    transaction: create the missing rows, lock them all in (team, date) order, count the
    days (three grouped queries), write the rows (one query)."""
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


def _reactive_days_before(customer_id: int, date: datetime.date) -> list[Day]:
    return list(
        Act.objects.filter(customer_id=customer_id, trigger=Trigger.REACTIVE, date__lt=date)
        .order_by()
        .values_list("team_id", "date")
        .distinct()
    )


def act_changed(act: Act) -> None:
    """After a service created an act or changed its status (called through
    acts.outcomes.outcomes_refresh, in the change's transaction): refresh its own day, the
    days of its customer's NPS answers dated on or after it, and those of the customer's
    reactive acts dated before it."""
    answers = (
        NpsResponse.objects.filter(customer_id=act.customer_id, date__gte=act.date)
        .order_by()
        .values_list("team_id", "date")
        .distinct()
    )
    refresh_days([(act.team_id, act.date), *answers, *_reactive_days_before(act.customer_id, act.date)])


def nps_answered(response: NpsResponse) -> None:
    """After an NPS answer was recorded: its day, and the customer's reactive acts before it."""
    refresh_days([(response.team_id, response.date), *_reactive_days_before(response.customer_id, response.date)])


def story_changed(story: Story) -> None:
    """After a story was recorded or moderated: its day, and the customer's reactive acts before it."""
    refresh_days([(story.team_id, story.told_on), *_reactive_days_before(story.customer_id, story.told_on)])


def rebuild(**models) -> int:
    """Rewrite every OutcomeDay row from the stories, NPS answers and acts: three GROUP BY
    (team, day) queries over all of them, then bulk inserts. Run while nobody writes (as
    summaries.rebuild). Returns the rows written. Models may be given (act_model,
    nps_model, story_model, outcome_model)."""
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
    nps_with_act, nps_without_act, and recovery ({reactive, returned, recovery_rate};
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
        "recovery": {
            "reactive": reactive,
            "returned": returned,
            "recovery_rate": Decimal(returned) / Decimal(reactive) if reactive else None,
        },
    }


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
