"""The dashboard page and its CSV exports: figures per period and team, charts, leaderboard.

The figures themselves are defined in secondmile/selectors.py; this module reads the
period and team from the query string, lays the figures out as tiles and charts, and
streams the period's acts and stories as CSV.
"""

import csv
import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from customers.models import Story

from . import charts, errors, selectors
from .models import Role, Team
from .selectors import Period, Scope
from .templatetags.money import money, percent


def may_export(user) -> bool:
    """CSV exports are an admin's (PRODUCT.md: "admin: ... exports")."""
    return user.role == Role.ADMIN


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(choices=Period.CHOICES, required=False, label="Period")
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
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
        first, last = selectors.period_bounds(period, today=timezone.localdate())
        edited = (start, end) != (first.isoformat(), last.isoformat())
    return (Period.CUSTOM, start, end) if edited else (period, "", "")


def scope_from_request(request) -> Scope:
    """The scope the query string asks for (?period= or ?start=&end=, ?team=), checked
    by the selector: InvalidInput for bad dates, 404 for a team the user may not see."""
    period, start, end = period_asked(request.GET)
    return selectors.dashboard_scope(
        user=request.user, team=request.GET.get("team"), start=start, end=end, period=period
    )


# --- Presentation helpers ---------------------------------------------------------------


def signed(value) -> str:
    """An NPS as people read it: "+42.5", "−10.0", "0.0"; "—" for none."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{abs(value)}"
    return f"{value}"


def duration(value: datetime.timedelta | None) -> str:
    """A waiting time in one unit: "40 min", "5 h", "2.5 d"; "—" for none."""
    if value is None:
        return "—"
    minutes = value.total_seconds() / 60
    if minutes < 60:
        return f"{max(round(minutes), 1)} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h".replace(".0 h", " h")
    return f"{minutes / 1440:.1f} d".replace(".0 d", " d")


def _change(current, previous, *, kind: str = "count", neutral: bool = False) -> dict | None:
    """The change against the previous period as text with an arrow (never colour alone);
    when the period before had no figure (no NPS answer, nobody referred), it says so."""
    if current is None:
        return None
    if previous is None:
        return {"text": "no figure before", "direction": "same"}
    delta = current - previous
    if kind == "share":
        points = round(float(delta) * 100)
        amount, unit = abs(points), " pts"
        delta = points
    elif kind == "nps":
        amount, unit = f"{abs(delta):.1f}", " pts"
    elif kind == "money":
        amount, unit = money(abs(delta)), ""
    else:
        amount, unit = abs(delta), ""
    if not delta:
        return {"text": "= same as before", "direction": "same"}
    # Up is good for acts, stories and referrals; for money neither way is good in itself.
    arrow = "▲" if delta > 0 else "▼"
    direction = "same" if neutral else ("up" if delta > 0 else "down")
    return {"text": f"{arrow} {amount}{unit}", "direction": direction}


def _period_text(scope: Scope) -> str:
    same_year = scope.start.year == scope.end.year
    start = f"{scope.start.day} {scope.start:%b}" + ("" if same_year else f" {scope.start.year}")
    return f"{start} – {scope.end.day} {scope.end:%b %Y}"


def _summary(figures: dict, budget_total) -> str:
    """The dashboard in one sentence, for the owner with a minute."""
    acts = figures["acts_count"]
    if not acts:
        return "No act in this period yet."
    share = selectors.ratio(figures["spend_total"], budget_total)
    text = (
        f"{acts} act{'s' if acts != 1 else ''} ({percent(figures['proactive_share'])} proactive) "
        f"cost {money(figures['spend_total'])}"
        + (f", {percent(share)} of the budget" if share is not None else "")
        + ". "
    )
    stories, referred = figures["stories_count"], figures["referred_customers_count"]
    text += f"{stories} stor{'ies were' if stories != 1 else 'y was'} told and {referred} customer"
    text += f"{'s were' if referred != 1 else ' was'} referred"
    if referred:
        text += f", bringing {money(figures['referral_revenue'])} in first purchases"
    return text + "."


def _two_places(value) -> str:
    """A ratio as the page shows it ("0.40", "2.27"); the selectors keep full precision."""
    return "—" if value is None else f"{value:.2f}"


def _tiles(figures: dict, before: dict, budget_total) -> tuple[list[dict], list[dict]]:
    spend_share = selectors.ratio(figures["spend_total"], budget_total)
    headline = [
        {
            "key": "acts",
            "label": "Acts",
            "value": figures["acts_count"],
            "change": _change(figures["acts_count"], before["acts_count"]),
            "note": "Acts going ahead: not declined, not withdrawn.",
        },
        {
            "key": "proactive",
            "label": "Proactive share",
            "value": percent(figures["proactive_share"]),
            "change": _change(figures["proactive_share"], before["proactive_share"], kind="share"),
            "note": "Unprompted surprises, not recoveries after a complaint.",
        },
        {
            "key": "spend",
            "label": "Spend against budget",
            "value": money(figures["spend_total"]),
            "sub": f"of {money(budget_total)} ({percent(spend_share)})",
            "change": _change(figures["spend_total"], before["spend_total"], kind="money", neutral=True),
            "note": "Actual cost once delivered, else the approved amount.",
        },
        {
            "key": "nps",
            "label": "NPS with an act",
            "value": signed(figures["nps_with_act"]),
            "sub": f"vs {signed(figures['nps_without_act'])} without",
            "change": _change(figures["nps_with_act"], before["nps_with_act"], kind="nps"),
            "note": "Customers who received an act, against those who did not.",
        },
        {
            "key": "cost_per_referred",
            "label": "Cost per referred customer",
            "value": money(figures["cost_per_referred_customer"]),
            "change": _change(
                figures["cost_per_referred_customer"], before["cost_per_referred_customer"], kind="money", neutral=True
            ),
            "note": "Spend divided by the customers referred in the period.",
        },
    ]
    approval = figures["approval_time"]
    recovery = figures["recovery"]
    more = [
        {
            "key": "stories",
            "label": "Stories told",
            "value": figures["stories_count"],
            "sub": f"{_two_places(figures['stories_per_act'])} per act",
            "change": _change(figures["stories_count"], before["stories_count"]),
            "note": "Approved or featured stories told in the period.",
        },
        {
            "key": "referred",
            "label": "Referred customers",
            "value": figures["referred_customers_count"],
            "change": _change(figures["referred_customers_count"], before["referred_customers_count"]),
            "note": "New customers in the period sent by another customer.",
        },
        {
            "key": "revenue",
            "label": "Referral revenue",
            "value": money(figures["referral_revenue"]),
            "sub": (
                f"{_two_places(figures['referral_return'])}× the spend"
                if figures["referral_return"] is not None
                else "nothing spent"
            ),
            "note": "First purchases of referred customers, against what acts cost.",
        },
        {
            "key": "approval_time",
            "label": "Approval time",
            "value": duration(approval["median"]),
            "sub": f"90% within {duration(approval['p90'])}" if approval["count"] else "no request decided",
            "note": "Median wait from request to decision.",
        },
        {
            "key": "decline_rate",
            "label": "Decline rate",
            "value": percent(figures["decline_rate"]),
            "note": "Requests declined, of those a manager or admin decided.",
        },
        {
            "key": "empowerment",
            "label": "Empowerment rate",
            "value": percent(figures["empowerment_rate"]),
            "note": "Acts that needed nobody's approval.",
        },
        {
            "key": "recovery",
            "label": "Recovery rate",
            "value": percent(recovery["recovery_rate"]),
            "sub": f"{recovery['returned']} of {recovery['reactive']} reactive acts",
            "note": "Customers who came back after a recovery.",
        },
    ]
    return headline, more


@login_required
def dashboard_view(request):
    try:
        scope = scope_from_request(request)
    except errors.InvalidInput as error:
        messages.error(request, f"{error.message} Showing this month instead.")
        scope = selectors.dashboard_scope(user=request.user, team=request.GET.get("team"))
    # The pickers show what the page shows: the period's dates and its team.
    period = period_asked(request.GET)[0] or Period.MONTH
    if period not in dict(Period.CHOICES):
        period = Period.MONTH
    teams = Team.objects.order_by("name") if request.user.role == Role.ADMIN else ()
    form = DashboardFilterForm(
        teams=teams,
        initial={
            "period": period,
            "start": scope.start,
            "end": scope.end,
            "team": str(scope.team.pk) if scope.team else "all",
        },
    )
    figures = selectors.dashboard_figures(scope)
    previous = scope.previous()
    before = selectors.headline(previous)  # NPS included
    daily = selectors.daily_act_totals(scope)
    months = selectors.budget_by_month(scope, daily=daily)
    budget_total = sum((m["budget"] for m in months), selectors.ZERO)
    headline, more = _tiles(figures, before, budget_total)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "scope": scope,
        "period_text": _period_text(scope),
        "team_name": scope.team.name if scope.team else "All teams",
        "all_teams": scope.team is None,
        "previous_text": f"vs the {scope.days} day{'s' if scope.days != 1 else ''} before",
        "figures": figures,
        "summary": _summary(figures, budget_total),
        "tiles": headline,
        "more_tiles": more,
        "activity": charts.activity_chart(selectors.activity_series(scope, daily=daily)),
        "budget": charts.budget_chart(months),
        "funnel": charts.funnel_chart(
            acts=figures["acts_count"], stories=figures["stories_count"], referred=figures["referred_customers_count"]
        ),
        "quadrant_map": charts.quadrant_chart(figures["quadrants"]),
        "kinds": charts.kinds_chart(figures["kinds"]),
        "leaderboard": selectors.leaderboard(scope),
        "may_export": may_export(request.user),
        "querystring": query.urlencode(),
    }
    return render(request, "secondmile/dashboard.html", context)


# --- CSV exports --------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CENT = Decimal("0.01")


def csv_cell(value) -> str:
    """A value as a CSV cell that a spreadsheet will not run as a formula: text starting
    with = + - @ (or a tab or carriage return) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).isoformat(timespec="seconds")
    elif isinstance(value, Decimal):
        value = value.quantize(CENT)  # every decimal exported is money
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer feeds a stream."""

    def write(self, value):
        return value


def _csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _export_scope(request) -> Scope:
    if not may_export(request.user):
        raise Http404
    return scope_from_request(request)


def _filename(kind: str, scope: Scope) -> str:
    team = slugify(scope.team.name) if scope.team else "all-teams"
    return f"{kind}-{team}-{scope.start.isoformat()}-{scope.end.isoformat()}.csv"


ACT_COLUMNS = [
    "id",
    "date",
    "team",
    "author",
    "customer",
    "quadrant",
    "trigger",
    "kind",
    "status",
    "approval_level",
    "cost",
    "approved_amount",
    "actual_cost",
    "spend",
    "problem",
    "solution",
    "how_they_know",
    "customer_knew_how",
    "requested_at",
    "decided_at",
    "delivered_at",
]


@login_required
def export_acts(request):
    """The period's acts (every status), oldest first, streamed as CSV."""
    try:
        scope = _export_scope(request)
    except errors.InvalidInput as error:
        return HttpResponseBadRequest(error.message)
    acts = (
        selectors.scope_acts(scope)
        .annotate(spend=selectors.act_spend())
        .order_by("date", "id")
        .values_list(
            "pk",
            "date",
            "team__name",
            "author__username",
            "customer__name",
            "quadrant",
            "trigger",
            "kind",
            "status",
            "approval_level",
            "cost",
            "approved_amount",
            "actual_cost",
            "spend",
            "problem",
            "solution",
            "how_they_know",
            "customer_knew_how",
            "requested_at",
            "decided_at",
            "delivered_at",
        )
    )
    return _csv_response(_filename("acts", scope), ACT_COLUMNS, acts.iterator(chunk_size=2000))


STORY_COLUMNS = [
    "id",
    "told_on",
    "team",
    "customer",
    "channel",
    "status",
    "consent",
    "text",
    "url",
    "acts",
    "recorded_by",
    "moderated_at",
]


@login_required
def export_stories(request):
    """The period's stories (every status), oldest first, with the ids of the acts they retell."""
    try:
        scope = _export_scope(request)
    except errors.InvalidInput as error:
        return HttpResponseBadRequest(error.message)
    act_ids = (
        Story.acts.through.objects.filter(story_id=OuterRef("pk"))
        .order_by()
        .values("story_id")
        .annotate(ids=StringAgg(Cast("act_id", output_field=CharField()), Value(" ")))
        .values("ids")
    )
    stories = (
        selectors.scope_stories(scope)
        .annotate(act_ids=Subquery(act_ids, output_field=CharField()))
        .order_by("told_on", "id")
        .values_list(
            "pk",
            "told_on",
            "team__name",
            "customer__name",
            "channel",
            "status",
            "consent",
            "text",
            "url",
            "act_ids",
            "recorded_by__username",
            "moderated_at",
        )
    )
    return _csv_response(_filename("stories", scope), STORY_COLUMNS, stories.iterator(chunk_size=2000))
