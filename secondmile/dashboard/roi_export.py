"""The return table as CSV (admins, like every export): every row of the grouping and sort
the page shows, bounded by people × kinds × quadrants."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest

from core import errors

from . import roi
from .exports import _csv_response, _export_scope, _filename

FIGURE_HEADER = ["acts", "spend", "stories", "referred_customers", "referral_revenue", "revenue_per_spend"]


@login_required
def export_roi(request):
    """`/dashboard/export/roi.csv?period=…&roi_by=…&sort=…`: the table's rows, then the totals."""
    try:
        scope = _export_scope(request)
    except errors.InvalidInput as error:
        return HttpResponseBadRequest(error.message)
    grouping = roi.grouping_parse(request.GET.get("roi_by"))
    sort = roi.sort_parse(request.GET.get("sort"), grouping)
    groups = list(roi.GROUPINGS[grouping])

    def lines():
        found = list(roi.roi_rows(scope, grouping=grouping, sort=sort))
        totals = {**roi.roi_totals(found), **dict.fromkeys(groups, "")} | {groups[0]: "All acts"}
        for row in [*roi.roi_labelled(found), totals]:
            yield [row[group] for group in groups] + [
                row["acts"],
                row["spend"],
                row["stories"],
                row["referred"],
                row["revenue"],
                roi.roi_ratio_text(row["roi"]),
            ]

    return _csv_response(_filename("return", scope), groups + FIGURE_HEADER, lines())
