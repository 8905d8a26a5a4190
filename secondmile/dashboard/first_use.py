"""A team's budget counts from its first month in use: the month of its first act (of any
status) or of its first budget row, whichever comes first; a team with neither starts
this month. Months before it are not budget the team could have spent."""

import datetime

from django.db.models import OuterRef, Subquery

from acts.models import Act, BudgetMonth
from core.models import Team


def first_months_in_use(*, team_ids, today: datetime.date) -> dict[int, datetime.date]:
    """{team id: the first day of its first month in use} for the given teams (one query;
    each team's first act and first budget row read through their (team, date/month)
    indexes)."""
    rows = Team.objects.filter(pk__in=list(team_ids)).annotate(
        first_act=Subquery(Act.objects.filter(team_id=OuterRef("pk")).order_by("date").values("date")[:1]),
        first_budget=Subquery(BudgetMonth.objects.filter(team_id=OuterRef("pk")).order_by("month").values("month")[:1]),
    )
    this_month = today.replace(day=1)
    return {
        team.pk: min(day.replace(day=1) for day in (team.first_act, team.first_budget, this_month) if day)
        for team in rows
    }
