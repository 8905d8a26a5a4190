"""A team's budget counts from its first month in use: the month of its first act (of any
status) or of its first budget row, whichever comes first; a team with neither starts
this month. Months before it are not budget the team could have spent."""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from acts.models import Act, BudgetMonth
from core.models import Team


def with_first_use(teams: QuerySet[Team]) -> QuerySet[Team]:
    """The teams with their first act's date and first budget row's month (first_act,
    first_budget), read in the same query through their (team, date/month) indexes."""
    return teams.annotate(
        first_act=Subquery(Act.objects.filter(team_id=OuterRef("pk")).order_by("date").values("date")[:1]),
        first_budget=Subquery(BudgetMonth.objects.filter(team_id=OuterRef("pk")).order_by("month").values("month")[:1]),
    )


def first_month_in_use(team: Team, *, today: datetime.date) -> datetime.date:
    """The first day of the team's first month in use (a team from with_first_use)."""
    days = (team.first_act, team.first_budget, today)
    return min(day for day in days if day).replace(day=1)
