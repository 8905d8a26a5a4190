"""The dashboard's return table: for the acts of the period, what they cost and what they
returned, by person, kind of gesture and quadrant (or by any one of them).

A row sums, over the acts going ahead dated in the period of that person, kind and
quadrant: acts, spend (the dashboard's rule, acts.summaries.act_spend), stories (approved
or featured, crediting them), referred customers (their chains, any generation) and
referral revenue (those customers' first purchases), each act's figures as
`GET /api/acts/{id}` gives them, returned to date; revenue ÷ spend is None when nothing
was spent. A story retelling two acts counts for both, and so do the customers it
brought, so the rows add up to the acts' own figures, not to the period's tiles.

Scale: read from the RoiCell cells stories/act_chain.py keeps per (team, person, kind,
quadrant) and day, month and year: a period is read as its whole calendar years, its
whole months outside them and its days outside those (`spans`), grouped in the database.
The rows, their count and the totals come from that one query, bounded by people × kinds
× quadrants whatever the number of acts.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Case, F, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce

from acts.models import Kind, Quadrant, RoiCell, RoiSpan
from core.days import month_end
from core.models import User
from core.money import MONEY_SUM, ZERO, cents

from .figures import ratio
from .scope import Scope

PAGE_SIZE = 25

# ?roi_by=: what a row is. The default is all three at once.
GROUPINGS = {
    "all": ("person", "kind", "quadrant"),
    "person": ("person",),
    "kind": ("kind",),
    "quadrant": ("quadrant",),
}
GROUPING_LABELS = {"all": "Person, kind and quadrant", "person": "Person", "kind": "Kind", "quadrant": "Quadrant"}
DEFAULT_GROUPING = "all"
_GROUP_FIELDS = {
    "person": ("author_id", "author__first_name", "author__last_name", "author__username"),
    "kind": ("kind",),
    "quadrant": ("quadrant",),
}
_NAME_ORDER = {
    "person": ("author__first_name", "author__last_name", "author__username", "author_id"),
    "kind": ("kind",),
    "quadrant": ("quadrant",),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    figure: bool = True  # a figure sorts highest first on the first click; a name, A to Z


FIGURE_COLUMNS = [
    Column("acts", "Acts"),
    Column("spend", "Spend"),
    Column("stories", "Stories"),
    Column("referred", "Referred customers"),
    Column("revenue", "Referral revenue"),
    Column("roi", "Revenue ÷ spend"),
]
NAME_COLUMNS = {"person": Column("person", "Person", False), "kind": Column("kind", "Kind", False)}
NAME_COLUMNS["quadrant"] = Column("quadrant", "Quadrant", False)
DEFAULT_SORT = "-roi"


def grouping_parse(value) -> str:
    """A ?roi_by= value as one of GROUPINGS; anything else is the default."""
    value = str(value or "").strip()
    return value if value in GROUPINGS else DEFAULT_GROUPING


def sort_parse(value, grouping: str) -> str:
    """A ?sort= value: a column key, "-" first for the highest (or Z) first. Unknown keys,
    and names the grouping does not show, are the default (highest return first)."""
    value = str(value or "").strip()
    key = value.removeprefix("-")
    keys = {column.key for column in FIGURE_COLUMNS} | set(GROUPINGS[grouping])
    return value if key in keys else DEFAULT_SORT


def _sums() -> dict:
    return {
        "acts": Coalesce(Sum("acts_count"), 0),
        "spend": Coalesce(Sum("spend_total"), Value(ZERO), output_field=MONEY_SUM),
        "stories": Coalesce(Sum("stories_count"), 0),
        "referred": Coalesce(Sum("referred_customers_count"), 0),
        "revenue": Coalesce(Sum("referral_revenue"), Value(ZERO), output_field=MONEY_SUM),
    }


def spans(start: datetime.date, end: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """start..end as (span, first, last) runs of cells, their `date` from first to last:
    the whole calendar years in it, the whole months outside those, the days left over.
    Five runs at the most (days, months, years, months, days)."""
    runs: list[list] = []
    day = start
    while day <= end:
        year_end = day.replace(month=12, day=31)
        last_of_month = month_end(day)
        if day.month == 1 and day.day == 1 and year_end <= end:
            span, following = RoiSpan.YEAR, year_end + datetime.timedelta(days=1)
        elif day.day == 1 and last_of_month <= end:
            span, following = RoiSpan.MONTH, last_of_month + datetime.timedelta(days=1)
        else:
            span, following = RoiSpan.DAY, day + datetime.timedelta(days=1)
        if runs and runs[-1][0] == span:
            runs[-1][2] = day
        else:
            runs.append([span, day, day])
        day = following
    return [tuple(run) for run in runs]


def _cells(scope: Scope) -> QuerySet[RoiCell]:
    """The period's cells with an act going ahead: one (span, team, date) index range per
    run of `spans`."""
    runs = Q()
    for span, first, last in spans(scope.start, scope.end):
        runs |= Q(span=span, date__gte=first, date__lte=last)
    return RoiCell.objects.filter(runs, scope.teams(), acts_count__gt=0)


def roi_rows(scope: Scope, *, grouping: str = DEFAULT_GROUPING, sort: str = DEFAULT_SORT) -> QuerySet:
    """The table's rows, grouped and sorted in the database (dicts: the grouping's fields,
    acts, spend, stories, referred, revenue, roi_order). Sorting by revenue ÷ spend puts
    rows with no spend last, whichever way."""
    fields = [name for group in GROUPINGS[grouping] for name in _GROUP_FIELDS[group]]
    rows = (
        _cells(scope)
        .order_by()
        .values(*fields)
        .annotate(**_sums())
        .annotate(
            roi_order=Case(
                When(spend__gt=0, then=Cast(F("revenue"), FloatField()) / Cast(F("spend"), FloatField())),
                default=None,
                output_field=FloatField(),
            )
        )
    )
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    if key in _NAME_ORDER:
        order = [F(name).desc() if descending else F(name).asc() for name in _NAME_ORDER[key]]
    else:
        name = "roi_order" if key == "roi" else key
        order = [F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)]
    tie_break = [F(name).asc() for group in GROUPINGS[grouping] for name in _NAME_ORDER[group]]
    return rows.order_by(*order, *tie_break)


def _label(row: dict) -> dict:
    """A row as the table shows it: names and labels, money in cents, revenue ÷ spend."""
    shown = {
        "acts": row["acts"],
        "spend": cents(row["spend"]),
        "stories": row["stories"],
        "referred": row["referred"],
        "revenue": cents(row["revenue"]),
    }
    shown["roi"] = ratio(shown["revenue"], shown["spend"])
    if "author_id" in row:
        person = User(
            pk=row["author_id"],
            first_name=row["author__first_name"],
            last_name=row["author__last_name"],
            username=row["author__username"],
        )
        shown["person"] = person.display_name
        shown["person_id"] = person.pk
    if "kind" in row:
        shown["kind"] = Kind(row["kind"]).label
    if "quadrant" in row:
        shown["quadrant"] = Quadrant(row["quadrant"]).label
    return shown


def roi_labelled(rows) -> list[dict]:
    return [_label(row) for row in rows]


def roi_totals(rows: list[dict]) -> dict:
    """Every row of roi_rows added up: the acts' own figures over the period."""
    return _label(
        {
            "acts": sum(row["acts"] for row in rows),
            "spend": sum((cents(row["spend"]) for row in rows), ZERO),
            "stories": sum(row["stories"] for row in rows),
            "referred": sum(row["referred"] for row in rows),
            "revenue": sum((cents(row["revenue"]) for row in rows), ZERO),
        }
    )


def roi_table(scope: Scope, params) -> dict:
    """What the dashboard's table shows for the query string `params` (?roi_by=, ?sort=,
    ?roi_page=): the grouping, the sort, the columns with the ?sort= each header links to,
    a page of rows and the totals. One query: every row is read (at most people × kinds ×
    quadrants), then counted, added up and paged here."""
    grouping = grouping_parse(params.get("roi_by"))
    sort = sort_parse(params.get("sort"), grouping)
    rows = list(roi_rows(scope, grouping=grouping, sort=sort))
    page = Paginator(rows, PAGE_SIZE).get_page(params.get("roi_page"))
    page.object_list = roi_labelled(page.object_list)
    columns = []
    for column in [NAME_COLUMNS[group] for group in GROUPINGS[grouping]] + FIGURE_COLUMNS:
        current = sort.removeprefix("-") == column.key
        descending = sort.startswith("-")
        if current:
            link = column.key if descending else f"-{column.key}"
        else:
            link = f"-{column.key}" if column.figure else column.key
        columns.append(
            {
                "key": column.key,
                "label": column.label,
                "figure": column.figure,
                "sort": link,
                "aria_sort": ("descending" if descending else "ascending") if current else None,
            }
        )
    totals = roi_totals(rows)
    return {
        "grouping": grouping,
        "groupings": list(GROUPING_LABELS.items()),
        "sort": sort,
        "columns": columns,
        "page_obj": page,
        "totals": totals,
        "empty": totals["acts"] == 0,
    }


def roi_ratio_text(value: Decimal | None) -> str:
    """Revenue ÷ spend as the table and the CSV write it ("6.25"), "" when nothing was spent."""
    return "" if value is None else f"{value.quantize(Decimal('0.01'))}"
