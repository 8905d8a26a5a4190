"""An empty period offers the nearest period with data: the calendar month of the latest
day before the period on which the scope's team(s) logged an act going ahead."""

import datetime

from acts.models import DaySummary
from core.days import month_end

from .scope import Scope


def nearest_earlier_period(*, scope: Scope) -> dict | None:
    """{start, end, latest, label} of the month holding the latest act before the scope's
    start, or None when there is none (one query, through the day summaries' (team, date)
    index)."""
    latest = (
        DaySummary.objects.filter(scope.teams(), date__lt=scope.start, acts_count__gt=0)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if latest is None:
        return None
    first = latest.replace(day=1)
    last = month_end(latest)
    return {
        "start": first,
        "end": min(last, scope.start - datetime.timedelta(days=1)),
        "latest": latest,
        "label": f"{latest:%B %Y}",
    }
