"""The dashboard page: figures per period and team, charts, leaderboard.

The figures are defined in figures.py, the scope in scope.py, the tiles in tiles.py and
the CSV exports in exports.py; page.py puts a scope's page together. This module reads
the period and team from the query string and adds the pickers.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from core import errors, roles
from core.days import DayInput
from core.models import Role
from core.rendering import FilterForm

from .page import dashboard_page
from .scope import Period, Scope, dashboard_scope, period_bounds


def may_export(user) -> bool:
    """CSV exports are an admin's (PRODUCT.md: "admin: ... exports")."""
    return user.role == Role.ADMIN


class DashboardFilterForm(FilterForm):
    period = forms.ChoiceField(choices=Period.CHOICES, required=False, label="Period")
    start = forms.DateField(required=False, label="From", widget=DayInput())
    end = forms.DateField(required=False, label="To", widget=DayInput())
    team = forms.ChoiceField(required=False, label="Team")

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        if teams:
            self.fields["team"].choices = [("all", "All teams")] + [(str(t.pk), t.name) for t in teams]
        else:
            del self.fields["team"]


def period_asked(params) -> tuple[str, str, str]:
    """(period, start, end) as the person meant them. The form sends the chosen period
    with the From and To it showed; dates the person changed win over a named period
    (they are a custom period) — no script needed to switch the picker. The dates shown
    come back as shown_start/shown_end; a link without them counts as edited when its
    dates differ from the named period's."""
    period = params.get("period", "")
    start, end = params.get("start") or "", params.get("end") or ""
    if period == Period.CUSTOM or not (start or end):
        return period, start, end
    if period not in dict(Period.CHOICES):
        # An unknown period with dates: the dates; without dates dashboard_scope falls back to this month.
        return Period.CUSTOM, start, end
    if "shown_start" in params or "shown_end" in params:
        edited = (start, end) != (params.get("shown_start", ""), params.get("shown_end", ""))
    else:
        first, last = period_bounds(period, today=timezone.localdate())
        edited = (start, end) != (first.isoformat(), last.isoformat())
    return (Period.CUSTOM, start, end) if edited else (period, "", "")


def scope_from_request(request) -> Scope:
    """The scope the query string asks for (?period= or ?start=&end=, ?team=), checked
    by the selector: InvalidInput for bad dates, 404 for a team the user may not see."""
    period, start, end = period_asked(request.GET)
    if not (period or start or end):
        period = Period.PAGE_DEFAULT
    return dashboard_scope(user=request.user, team=request.GET.get("team"), start=start, end=end, period=period)


@login_required
def dashboard_view(request):
    try:
        scope = scope_from_request(request)
        period = period_asked(request.GET)[0] or Period.PAGE_DEFAULT
    except errors.InvalidInput as error:
        messages.error(request, f"{error.message} Showing the last 30 days instead.")
        scope = dashboard_scope(user=request.user, team=request.GET.get("team"), period=Period.PAGE_DEFAULT)
        period = Period.PAGE_DEFAULT
    # The pickers show what the page shows: the period's dates and its team.
    if period not in dict(Period.CHOICES):
        period = Period.PAGE_DEFAULT
    teams = roles.teams_to_pick(request.user)
    form = DashboardFilterForm(
        teams=teams,
        initial={
            "period": period,
            "start": scope.start,
            "end": scope.end,
            "team": str(scope.team.pk) if scope.team else "all",
        },
    )
    context = {"form": form, "may_export": may_export(request.user), **dashboard_page(scope, request.GET)}
    return render(request, "secondmile/dashboard.html", context)
