"""The dashboard's CSV exports of the scope: acts, stories, NPS answers, referred customers,
the figures and the goodwill ledger. Records are streamed from the database (an
iterator, a chunk at a time), one row a record, every cell guarded against spreadsheet
formulas. Each export's columns are one list of (header, field) pairs."""

import csv
import datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Case, CharField, OuterRef, StringAgg, Subquery, Value, When
from django.db.models.functions import Cast
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from acts.summaries import act_spend
from core import errors
from core.models import Role
from core.money import CENT
from core.roles import RoleRefused
from customers import advocates
from stories.models import Story

from . import figures as metrics
from . import goodwill
from .scope import Scope
from .views import may_export, scope_from_request

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
        raise RoleRefused(needs=Role.ADMIN, says="Exports are for admins.")
    return scope_from_request(request)


Columns = list[tuple[str, str]]  # (header, field of the values_list)


def _export(request, kind: str, columns: Columns, records):
    """The CSV response of `records(scope)` (a queryset) with `columns`, or 400 for bad
    dates (404 for someone who may not export, or a team they may not see)."""
    try:
        scope = _export_scope(request)
    except errors.InvalidInput as error:
        return HttpResponseBadRequest(error.message)
    rows = records(scope).values_list(*(field for _header, field in columns))
    return _csv_response(_filename(kind, scope), [header for header, _field in columns], rows.iterator(chunk_size=2000))


def _filename(kind: str, scope: Scope) -> str:
    team = slugify(scope.team.name) if scope.team else "all-teams"
    return f"{kind}-{team}-{scope.start.isoformat()}-{scope.end.isoformat()}.csv"


ACT_COLUMNS: Columns = [
    ("id", "pk"),
    ("date", "date"),
    ("team", "team__name"),
    ("author", "author__username"),
    ("customer", "customer__name"),
    ("quadrant", "quadrant"),
    ("trigger", "trigger"),
    ("kind", "kind"),
    ("status", "status"),
    ("approval_level", "approval_level"),
    ("cost", "cost"),
    ("approved_amount", "approved_amount"),
    ("actual_cost", "actual_cost"),
    ("spend", "spend"),
    ("problem", "problem"),
    ("solution", "solution"),
    ("how_they_know", "how_they_know"),
    ("customer_knew_how", "customer_knew_how"),
    ("requested_at", "requested_at"),
    ("decided_at", "decided_at"),
    ("delivered_at", "delivered_at"),
]


@login_required
def export_acts(request):
    """The period's acts (every status), oldest first, streamed as CSV."""
    return _export(
        request,
        "acts",
        ACT_COLUMNS,
        lambda scope: metrics.scope_acts(scope).annotate(spend=act_spend()).order_by("date", "id"),
    )


def _act_ids(story_id_field: str) -> Subquery:
    """The ids of the acts a story retells, space-separated ("" when none)."""
    return Subquery(
        Story.acts.through.objects.filter(story_id=OuterRef(story_id_field))
        .order_by()
        .values("story_id")
        .annotate(ids=StringAgg(Cast("act_id", output_field=CharField()), Value(" ")))
        .values("ids"),
        output_field=CharField(),
    )


STORY_COLUMNS: Columns = [
    ("id", "pk"),
    ("told_on", "told_on"),
    ("team", "team__name"),
    ("customer", "customer__name"),
    ("channel", "channel"),
    ("status", "status"),
    ("consent", "consent"),
    ("text", "text"),
    ("url", "url"),
    ("acts", "act_ids"),
    ("recorded_by", "recorded_by__username"),
    ("moderated_at", "moderated_at"),
]


@login_required
def export_stories(request):
    """The period's stories (every status), oldest first, with the ids of the acts they retell."""
    return _export(
        request,
        "stories",
        STORY_COLUMNS,
        lambda scope: metrics.scope_stories(scope).annotate(act_ids=_act_ids("pk")).order_by("told_on", "id"),
    )


NPS_COLUMNS: Columns = [
    ("id", "pk"),
    ("date", "date"),
    ("team", "team__name"),
    ("customer_id", "customer_id"),
    ("customer", "customer__name"),
    ("score", "score"),
    ("band", "band"),
    ("comment", "comment"),
    ("act", "act_id"),
    ("recorded_by", "recorded_by__username"),
]


def _band() -> Case:
    """promoter (9–10), passive (7–8) or detractor (0–6), as stories/nps.py counts them."""
    return Case(
        When(score__gte=9, then=Value("promoter")),
        When(score__gte=7, then=Value("passive")),
        default=Value("detractor"),
        output_field=CharField(),
    )


@login_required
def export_nps(request):
    """The NPS answers given in the period, oldest first, with their band and the act they followed."""
    return _export(
        request,
        "nps",
        NPS_COLUMNS,
        lambda scope: metrics.scope_nps_responses(scope).annotate(band=_band()).order_by("date", "id"),
    )


REFERRED_COLUMNS: Columns = [
    ("id", "pk"),
    ("created_at", "created_at"),
    ("team", "team__name"),
    ("customer", "name"),
    ("referred_by_id", "referred_by_id"),
    ("referred_by", "referred_by__name"),
    ("generation", "generation"),
    ("first_purchase_value", "first_purchase_value"),
    ("story", "chain_story"),
    ("story_acts", "chain_story_acts"),
]


@login_required
def export_referred(request):
    """The customers created in the period who have a referrer, oldest first: their
    generation (1: their referrer was referred by nobody; 2: by someone who was; ...) and
    the story that brought them — their own, else the nearest one up their chain — with
    the ids of the acts that story retells."""
    return _export(
        request,
        "referred-customers",
        REFERRED_COLUMNS,
        lambda scope: (
            metrics.scope_referred_customers(scope)
            .annotate(generation=advocates.generation(), chain_story=advocates.chain_story())
            .annotate(chain_story_acts=_act_ids("chain_story"))
            .order_by("created_at", "id")
        ),
    )


def _rate(value) -> str | None:
    """A ratio at full precision, as the API gives it (not rounded like money)."""
    return None if value is None else str(float(value))


def _text(value) -> str | None:
    return None if value is None else str(value)


def _hours(value) -> str | None:
    return None if value is None else str(value.total_seconds() / 3600)


def figure_rows(scope: Scope) -> list[tuple[str, object]]:
    """The dashboard's figures for the scope as (figure, value) rows, named as in
    GET /api/dashboard; money with two decimals, shares and rates as fractions."""
    figures = metrics.dashboard_figures(scope)
    budget = sum((m["budget"] for m in metrics.budget_by_month(scope, since_first_use=True)), metrics.ZERO)
    approval, recovery = figures["approval_time"], figures["recovery"]
    rows = [
        ("start", scope.start.isoformat()),
        ("end", scope.end.isoformat()),
        ("team", scope.team.name if scope.team else "all teams"),
        ("acts_count", figures["acts_count"]),
        ("proactive_share", _rate(figures["proactive_share"])),
        ("spend_total", figures["spend_total"]),
        ("budget_total", budget),
        ("stories_count", figures["stories_count"]),
        ("stories_per_act", _rate(figures["stories_per_act"])),
        ("referred_customers_count", figures["referred_customers_count"]),
        ("customers_created", figures["customers_created"]),
        ("referral_rate", _rate(figures["referral_rate"])),
        ("cost_per_referred_customer", figures["cost_per_referred_customer"]),
        ("referral_revenue", figures["referral_revenue"]),
        ("referral_return", _rate(figures["referral_return"])),
        ("nps_with_act", _text(figures["nps_with_act"])),
        ("nps_without_act", _text(figures["nps_without_act"])),
        ("approval_time_median_hours", _hours(approval["median"])),
        ("approval_time_p90_hours", _hours(approval["p90"])),
        ("requests_decided_count", figures["requests_decided_count"]),
        ("declined_count", figures["declined_count"]),
        ("decline_rate", _rate(figures["decline_rate"])),
        ("empowered_count", figures["empowered_count"]),
        ("empowerment_rate", _rate(figures["empowerment_rate"])),
        ("reactive_count", recovery["reactive"]),
        ("recovered_count", recovery["returned"]),
        ("recovery_rate", _rate(recovery["recovery_rate"])),
    ]
    rows += [(f"acts_by_quadrant.{row['value']}", row["count"]) for row in figures["quadrants"]]
    rows += [(f"acts_by_kind.{row['value']}", row["count"]) for row in figures["kinds"]]
    rows += [
        (
            f"top_advocates.{rank}",
            f"{row['name']} (customer {row['id']}): {row['referred']} brought in, {row['revenue']}",
        )
        for rank, row in enumerate(figures["top_advocates"], start=1)
    ]
    return rows


@login_required
def export_figures(request):
    """The dashboard's figures for the period, one (figure, value) row each."""
    try:
        scope = _export_scope(request)
    except errors.InvalidInput as error:
        return HttpResponseBadRequest(error.message)
    return _csv_response(_filename("figures", scope), ["figure", "value"], figure_rows(scope))


LEDGER_COLUMNS: Columns = [
    ("month", "month"),
    ("from", "start"),
    ("to", "end"),
    ("spend", "spend"),
    ("referral_revenue", "referral_revenue"),
    ("referred_customers", "referred"),
    ("spend_to_date", "spend_to_date"),
    ("referral_revenue_to_date", "revenue_to_date"),
    ("referred_customers_to_date", "referred_to_date"),
    ("cost_per_referred_customer_to_date", "cost_per_referred_to_date"),
    ("balance_to_date", "balance_to_date"),
]


@login_required
def export_ledger(request):
    """The goodwill ledger of the period, one row a month (at most 61: a period is at
    most five years), as the dashboard shows it."""
    try:
        scope = _export_scope(request)
    except errors.InvalidInput as error:
        return HttpResponseBadRequest(error.message)
    rows = (
        [row[field].strftime("%Y-%m") if field == "month" else row[field] for _header, field in LEDGER_COLUMNS]
        for row in goodwill.ledger(scope)
    )
    return _csv_response(_filename("goodwill-ledger", scope), [header for header, _field in LEDGER_COLUMNS], rows)
