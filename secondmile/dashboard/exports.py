"""The dashboard's CSV exports (acts, stories) of the scope: streamed, one row a record,
every cell guarded against spreadsheet formulas."""

import csv
import datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from acts.summaries import act_spend
from core import errors
from core.money import CENT
from stories.models import Story

from . import figures as metrics
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
        raise Http404
    return scope_from_request(request)


def _filename(kind: str, scope: Scope) -> str:
    team = slugify(scope.team.name) if scope.team else "all-teams"
    return f"{kind}-{team}-{scope.start.isoformat()}-{scope.end.isoformat()}.csv"


# The CSV's columns: header → the field of the row it reads.
ACT_COLUMNS = {
    "id": "pk",
    "date": "date",
    "team": "team__name",
    "author": "author__username",
    "customer": "customer__name",
    "quadrant": "quadrant",
    "trigger": "trigger",
    "kind": "kind",
    "status": "status",
    "approval_level": "approval_level",
    "cost": "cost",
    "approved_amount": "approved_amount",
    "actual_cost": "actual_cost",
    "spend": "spend",
    "problem": "problem",
    "solution": "solution",
    "how_they_know": "how_they_know",
    "customer_knew_how": "customer_knew_how",
    "requested_at": "requested_at",
    "decided_at": "decided_at",
    "delivered_at": "delivered_at",
}


@login_required
def export_acts(request):
    """The period's acts (every status), oldest first, streamed as CSV."""
    try:
        scope = _export_scope(request)
    except errors.InvalidInput as error:
        return HttpResponseBadRequest(error.message)
    acts = (
        metrics.scope_acts(scope).annotate(spend=act_spend()).order_by("date", "id").values_list(*ACT_COLUMNS.values())
    )
    return _csv_response(_filename("acts", scope), list(ACT_COLUMNS), acts.iterator(chunk_size=2000))


STORY_COLUMNS = {
    "id": "pk",
    "told_on": "told_on",
    "team": "team__name",
    "customer": "customer__name",
    "channel": "channel",
    "status": "status",
    "consent": "consent",
    "text": "text",
    "url": "url",
    "acts": "act_ids",
    "recorded_by": "recorded_by__username",
    "moderated_at": "moderated_at",
}


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
        metrics.scope_stories(scope)
        .annotate(act_ids=Subquery(act_ids, output_field=CharField()))
        .order_by("told_on", "id")
        .values_list(*STORY_COLUMNS.values())
    )
    return _csv_response(_filename("stories", scope), list(STORY_COLUMNS), stories.iterator(chunk_size=2000))
