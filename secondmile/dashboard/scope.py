"""The dashboard's scope: a period (this month, the last 3 months, ... or two dates) and
a team (or every team, for an admin), read from what the user asked and checked."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from core import errors
from core.inputs import id_parse
from core.models import Role, Team, User
from core.roles import RoleRefused

MAX_PERIOD_DAYS = 5 * 366


# --- The scope: a period and a team ---------------------------------------------


class Period:
    """The period picker's choices; a custom period names its own start and end. The page
    opens on the last 30 days (never a near-empty "this month" on the 1st); the API's
    default stays this month to date, as documented."""

    LAST_30 = "30d"
    MONTH = "month"
    LAST_MONTH = "last-month"
    QUARTER = "3m"
    YEAR = "year"
    CUSTOM = "custom"
    CHOICES = [
        (LAST_30, "Last 30 days"),
        (MONTH, "This month"),
        (LAST_MONTH, "Last month"),
        (QUARTER, "Last 3 months"),
        (YEAR, "This year"),
        (CUSTOM, "Custom dates"),
    ]
    PAGE_DEFAULT = LAST_30


def period_bounds(period: str, *, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dates of a named period: the last 30 days (today and the 29 before), last
    month (the whole calendar month before this one), or, ending today, this month, the
    last 3 months (this one and the two before, from their first day) or this year."""
    if period == Period.LAST_30:
        return today - datetime.timedelta(days=29), today
    if period == Period.LAST_MONTH:
        last = today.replace(day=1) - datetime.timedelta(days=1)
        return last.replace(day=1), last
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
    if team_value == "all":
        raise RoleRefused(needs=Role.ADMIN, says="The dashboard of all teams is for admins.")
    if team_value and team_value != str(user.team_id):
        raise Http404("No such team.")
    if user.team is None:
        raise Http404("You are in no team yet.")
    return Scope(start=start_date, end=end_date, team=user.team)
