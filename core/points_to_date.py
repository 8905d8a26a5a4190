"""The leaderboard's points from running totals per person, not from the period's ledger lines.

A person's points in a period (selectors.leaderboard: SUM of their PointsEntry rows of the
scope's teams earned in it) = their running total at the period's end − their running
total the day before it starts. `PointsToDate` keeps those totals (points and the number
of lines) per (team, user) on each day they earned anything, and `PointsEarner` lists who
has any, so that a leaderboard reads two rows per person of the teams — one query,
whatever the number of lines or days.

Keeping it right: `points_add` runs in the transaction (and the savepoint) that writes a
ledger line, so a line refused as a duplicate adds nothing. It first locks the person's
PointsEarner row, so two lines for the same person are added one after the other; it
then makes sure the day has a row (copied from the latest row before it) and adds the
line to that row and every later one — lines are earned today, so in practice that is
the one row. Writes around the services are followed by `manage.py rebuild_summaries`.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum

from .models import PointsEarner, PointsEntry, PointsToDate

BATCH = 2_000


def points_add(*, team_id: int, user_id: int, earned_on: datetime.date, points: int) -> None:
    """Add one ledger line of `points` earned on `earned_on` to the person's running
    totals, in the caller's transaction (five small queries)."""
    mine = {"team_id": team_id, "user_id": user_id}
    with transaction.atomic():
        PointsEarner.objects.bulk_create([PointsEarner(**mine)], ignore_conflicts=True)
        PointsEarner.objects.select_for_update().get(**mine)
        if not PointsToDate.objects.filter(**mine, date=earned_on).exists():
            before = (
                PointsToDate.objects.filter(**mine, date__lt=earned_on)
                .order_by("-date")
                .values_list("points", "entries")
                .first()
            )
            points_before, entries_before = before or (0, 0)
            PointsToDate.objects.create(**mine, date=earned_on, points=points_before, entries=entries_before)
        PointsToDate.objects.filter(**mine, date__gte=earned_on).update(
            points=F("points") + points, entries=F("entries") + 1
        )


def _running_rows(entries: Iterable[tuple[int, int, datetime.date, int, int]], model=PointsToDate):
    """PointsToDate rows from (team_id, user_id, day, points, lines) sorted by the first three."""
    person, points, count = None, 0, 0
    for team_id, user_id, day, day_points, day_lines in entries:
        if (team_id, user_id) != person:
            person, points, count = (team_id, user_id), 0, 0
        points, count = points + day_points, count + day_lines
        yield model(team_id=team_id, user_id=user_id, date=day, points=points, entries=count)


def rebuild(*, entry_model=PointsEntry, earner_model=PointsEarner, running_model=PointsToDate) -> int:
    """Rewrite every running total from the ledger: one GROUP BY (team, user, day) read in
    order, summed up here, then bulk inserts. Run while nobody earns points. Returns the
    rows written."""
    with transaction.atomic():
        days = (
            entry_model.objects.order_by("team_id", "user_id", "earned_on")
            .values("team_id", "user_id", "earned_on")
            .annotate(points_sum=Sum("points"), lines=Count("pk"))
            .values_list("team_id", "user_id", "earned_on", "points_sum", "lines")
        )
        running_model.objects.all().delete()
        earner_model.objects.all().delete()
        rows = list(_running_rows(days.iterator(chunk_size=BATCH), running_model))
        running_model.objects.bulk_create(rows, batch_size=BATCH)
        earner_model.objects.bulk_create(
            [earner_model(team_id=t, user_id=u) for t, u in sorted({(r.team_id, r.user_id) for r in rows})],
            batch_size=BATCH,
        )
    return len(rows)


def period_points(teams: Q, start: datetime.date, end: datetime.date) -> dict[int, int]:
    """{user_id: points earned start..end in the teams} for everyone with a ledger line in
    the period (points may add up to 0): one query, two index lookups per person."""

    def total_by(day: datetime.date, column: str) -> Subquery:
        latest = PointsToDate.objects.filter(
            team_id=OuterRef("team_id"), user_id=OuterRef("user_id"), date__lte=day
        ).order_by("-date")
        return Subquery(latest.values(column)[:1])

    before = start - datetime.timedelta(days=1)
    people = (
        PointsEarner.objects.filter(teams)
        .annotate(
            points_end=total_by(end, "points"),
            entries_end=total_by(end, "entries"),
            points_before=total_by(before, "points"),
            entries_before=total_by(before, "entries"),
        )
        .values_list("user_id", "points_end", "entries_end", "points_before", "entries_before")
    )
    found: dict[int, int] = {}
    for user_id, points_end, entries_end, points_before, entries_before in people:
        if (entries_end or 0) > (entries_before or 0):
            found[user_id] = found.get(user_id, 0) + (points_end or 0) - (points_before or 0)
    return found
