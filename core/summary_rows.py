"""Locking the per-team, per-day rows of a summary before recomputing them.

A summary row is recomputed from its day's rows, never adjusted by a delta; for that to
be right when two transactions change the same day, each must hold the row's lock before
it reads. `day_rows_locked` creates the missing rows (INSERT … ON CONFLICT DO NOTHING)
and locks them all, in (team, date) order so that two callers locking several days
cannot deadlock on each other. Under READ COMMITTED the second caller waits for the
first to commit, and its reads (new statements) see the first's change.
"""

import datetime

from django.db.models import Model, Q

Day = tuple[int, datetime.date]  # (team_id, date)


def any_day(days: list[Day], date_field: str = "date") -> Q:
    """Rows of any of the given (team_id, date) days."""
    found = Q()
    for team_id, date in days:
        found |= Q(team_id=team_id, **{date_field: date})
    return found


def day_rows_locked(model: type[Model], days: list[Day]) -> list[Model]:
    """The summary rows of these days (created when missing), locked for update, in the
    caller's transaction. Two queries."""
    model.objects.bulk_create([model(team_id=team_id, date=date) for team_id, date in days], ignore_conflicts=True)
    return list(model.objects.select_for_update().filter(any_day(days)).order_by("team_id", "date"))
