"""Approval time from a histogram of waits kept per team-day, not from the period's history.

The figure (selectors.approval_times is its reference over the history rows): for each
approved or declined history row of the acts dated in the period, its `waited` (the time
since the request it answered); median = the middle wait (the mean of the two middle ones
for an even count), p90 = the wait at rank ⌈0.9 n⌉ (nearest rank). Here the waits are kept
at a resolution of one second (rounded down) in `WaitDay` rows — (team, date of the act,
seconds, decisions) — and the median and p90 follow exactly from the cumulative counts:
the page reads the period's histogram, summed per second over its teams and days, never
the history rows.

Keeping it right: `refresh_waits(team_id, date)` rewrites one team-day's histogram from
that day's decisions (a handful of rows through the acts' (team, date) index). The act
services call it in the transaction of each change, right after
summaries.refresh_day(team_id, date), which has locked that team-day's DaySummary row: two
transactions refreshing the same day run one after the other, and the second reads the
first's decisions. `rebuild()` rewrites every row (after bulk loads).
"""

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import Q, Sum

from core.models import WaitDay

from .models import ActEvent

SECOND = datetime.timedelta(seconds=1)
BATCH = 2_000
# The decisions a wait is recorded on: the same as selectors.DECISIONS.
DECISIONS = [ActEvent.Action.APPROVED, ActEvent.Action.DECLINED]


def whole_seconds(waited: datetime.timedelta) -> int:
    """A wait at the histogram's resolution: whole seconds, rounded down."""
    return max(waited // SECOND, 0)


def _histogram(rows) -> Counter:
    """Counter of (team_id, date, seconds) from (team_id, date, waited) rows."""
    return Counter((team_id, date, whole_seconds(waited)) for team_id, date, waited in rows)


def _decision_waits(event_model=ActEvent):
    return event_model.objects.filter(action__in=DECISIONS, waited__isnull=False).order_by()


def refresh_waits(team_id: int, date: datetime.date) -> None:
    """Rewrite the histogram of the team's acts dated `date` from their decisions, in the
    caller's transaction (which holds the team-day's DaySummary lock). Three queries: read
    the day's waits, delete the day's rows, insert the new ones (when there are any)."""
    waits = _decision_waits().filter(act__team_id=team_id, act__date=date).values_list("waited", flat=True)
    counts = Counter(whole_seconds(waited) for waited in waits)
    with transaction.atomic():
        WaitDay.objects.filter(team_id=team_id, date=date).delete()
        if counts:
            WaitDay.objects.bulk_create(
                WaitDay(team_id=team_id, date=date, seconds=seconds, decisions=n) for seconds, n in counts.items()
            )


def rebuild(*, event_model=ActEvent, wait_model=WaitDay) -> int:
    """Rewrite every histogram row from the decisions in the history: one pass over the
    decision rows (their act's team and date, their wait), counted here, then bulk
    inserts. Run while nobody decides (as summaries.rebuild). Returns the rows written."""
    with transaction.atomic():
        rows = _decision_waits(event_model).values_list("act__team_id", "act__date", "waited")
        counts = _histogram(rows.iterator(chunk_size=BATCH))
        wait_model.objects.all().delete()
        wait_model.objects.bulk_create(
            (
                wait_model(team_id=team_id, date=date, seconds=seconds, decisions=n)
                for (team_id, date, seconds), n in counts.items()
            ),
            batch_size=BATCH,
        )
    return len(counts)


def wait_at_ranks(histogram: list[tuple[int, int]], ranks: list[int]) -> dict[int, int]:
    """The value at each 1-based rank of the sorted waits, from (seconds, count) rows sorted
    by seconds: walks the cumulative counts once."""
    found, seen = {}, 0
    wanted = sorted(set(ranks))
    for seconds, count in histogram:
        seen += count
        while wanted and wanted[0] <= seen:
            found[wanted.pop(0)] = seconds
        if not wanted:
            break
    return found


def _times_of(histogram: list[tuple[int, int]]) -> dict:
    """{"count", "median", "p90"} of a histogram of (seconds, decisions), ordered by seconds."""
    total = sum(count for _seconds, count in histogram)
    if not total:
        return {"count": 0, "median": None, "p90": None}
    low, high, p90 = (total + 1) // 2, (total + 2) // 2, (total * 9 + 9) // 10
    at = wait_at_ranks(histogram, [low, high, p90])
    return {"count": total, "median": (at[low] + at[high]) * SECOND / 2, "p90": at[p90] * SECOND}


def approval_times_of_periods(teams: Q, periods: list[tuple[datetime.date, datetime.date]]) -> list[dict]:
    """approval_times for each (start, end) of `periods`, in one query: the histogram of
    their whole span, counted per second once for each period (a period and the one
    before it, for the dashboard's change)."""
    first, last = min(start for start, _end in periods), max(end for _start, end in periods)
    counts = {
        f"n{index}": Sum("decisions", filter=Q(date__gte=start, date__lte=end))
        for index, (start, end) in enumerate(periods)
    }
    rows = list(
        WaitDay.objects.filter(teams, date__gte=first, date__lte=last)
        .order_by()
        .values("seconds")
        .annotate(**counts)
        .order_by("seconds")
        .values_list("seconds", *counts)
    )
    return [_times_of([(row[0], row[index + 1]) for row in rows if row[index + 1]]) for index in range(len(periods))]


def approval_times(teams: Q, start: datetime.date, end: datetime.date) -> dict:
    """{"count", "median", "p90"} of the decisions on the acts dated start..end of the teams
    (`teams` a Q on team_id), as timedeltas; median and p90 None with no decision. One
    query: the period's histogram summed per second over its teams and days."""
    histogram = list(
        WaitDay.objects.filter(teams, date__gte=start, date__lte=end)
        .order_by()
        .values("seconds")
        .annotate(n=Sum("decisions"))
        .order_by("seconds")
        .values_list("seconds", "n")
    )
    return _times_of(histogram)
