"""The return table reads a period as its whole years, whole months and leftover days: the
runs it reads, the month and year cells the services keep beside the day cells, and a
long period's table equal to the one its day cells alone would give."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Sum

from acts import services as act_services
from acts.models import RoiCell, RoiSpan
from core.days import month_end
from secondmile.dashboard import roi
from secondmile.dashboard.scope import dashboard_scope
from stories import act_chain
from tests.factories import log_act

D = datetime.date
TODAY = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
SUMS = ("acts_count", "spend_total", "stories_count", "referred_customers_count", "referral_revenue")


@pytest.mark.parametrize(
    ("start", "end", "runs"),
    [
        (
            D(2023, 12, 5),
            D(2026, 12, 3),
            [
                ("day", D(2023, 12, 5), D(2023, 12, 31)),
                ("year", D(2024, 1, 1), D(2025, 1, 1)),
                ("month", D(2026, 1, 1), D(2026, 11, 1)),
                ("day", D(2026, 12, 1), D(2026, 12, 3)),
            ],
        ),
        (D(2026, 11, 3), D(2026, 12, 2), [("day", D(2026, 11, 3), D(2026, 12, 2))]),
        (D(2026, 2, 1), D(2026, 2, 28), [("month", D(2026, 2, 1), D(2026, 2, 1))]),
        (D(2025, 1, 1), D(2025, 12, 31), [("year", D(2025, 1, 1), D(2025, 1, 1))]),
        (
            D(2024, 2, 29),
            D(2025, 3, 1),
            [
                ("day", D(2024, 2, 29), D(2024, 2, 29)),
                ("month", D(2024, 3, 1), D(2025, 2, 1)),
                ("day", D(2025, 3, 1), D(2025, 3, 1)),
            ],
        ),
        (D(2026, 12, 3), D(2026, 12, 3), [("day", D(2026, 12, 3), D(2026, 12, 3))]),
    ],
)
def test_a_period_is_read_as_years_months_and_days(start, end, runs):
    assert roi.spans(start, end) == runs


def _dated(staff, when, **fields):
    return log_act(staff, date=when, **fields)


@pytest.fixture
def two_years(db, staff, staff2):
    """Acts of two people on the edges of months and years, logged on a pinned day."""
    with time_machine.travel(TODAY, tick=False):
        dates = [D(2024, 12, 31), D(2025, 1, 1), D(2025, 1, 31), D(2025, 2, 1), D(2025, 6, 15), D(2026, 11, 30)]
        acts = [_dated(staff, when, cost="12.50") for when in dates]
        acts += [_dated(staff2, when, kind="call", quadrant="response") for when in dates[1::2]]
        acts.append(_dated(staff, D(2026, 12, 1), cost="30.00", kind="note"))
        yield acts


def _rollups_match_their_days():
    for cell in RoiCell.objects.exclude(span=RoiSpan.DAY):
        last = cell.date.replace(month=12, day=31) if cell.span == RoiSpan.YEAR else month_end(cell.date)
        days = RoiCell.objects.filter(
            span=RoiSpan.DAY,
            team_id=cell.team_id,
            author_id=cell.author_id,
            kind=cell.kind,
            quadrant=cell.quadrant,
            date__gte=cell.date,
            date__lte=last,
        ).aggregate(**{name: Sum(name) for name in SUMS})
        assert [days[name] or 0 for name in SUMS] == [getattr(cell, name) for name in SUMS], cell


def test_the_services_keep_month_and_year_cells_as_the_sums_of_their_days(two_years, manager):
    assert RoiCell.objects.filter(span=RoiSpan.MONTH, acts_count__gt=0).count() == 6 + 3
    assert RoiCell.objects.get(span=RoiSpan.YEAR, date=D(2025, 1, 1), kind="gift").acts_count == 4
    _rollups_match_their_days()
    # A decline takes the act out of its day, its month and its year.
    with time_machine.travel(TODAY, tick=False):
        pending = log_act(two_years[0].author, date=D(2025, 1, 31), cost="80.00")
        assert RoiCell.objects.get(span=RoiSpan.YEAR, date=D(2025, 1, 1), kind="gift").acts_count == 5
        act_services.spend_decline(user=manager, act=pending, note="Too much for a late parcel")
    year = RoiCell.objects.get(span=RoiSpan.YEAR, date=D(2025, 1, 1), kind="gift")
    assert (year.acts_count, year.spend_total) == (4, Decimal("50.00"))
    _rollups_match_their_days()


def test_the_rebuild_writes_the_same_month_and_year_cells(two_years):
    def kept():
        return sorted(RoiCell.objects.exclude(acts_count=0).values_list("span", *act_chain.CELL, *SUMS))

    before = kept()
    act_chain.rebuild()
    assert kept() == before


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2023, 12, 5), D(2026, 12, 3)),
        (D(2024, 12, 31), D(2025, 1, 1)),
        (D(2025, 1, 1), D(2025, 12, 31)),
        (D(2025, 1, 2), D(2026, 11, 30)),
        (D(2025, 2, 1), D(2025, 2, 28)),
    ],
)
def test_a_long_period_gives_the_table_its_days_give(two_years, staff, start, end):
    with time_machine.travel(TODAY, tick=False):
        scope = dashboard_scope(user=staff, start=start, end=end)
    table = roi.roi_table(scope, {"roi_by": "person"})
    days = RoiCell.objects.filter(span=RoiSpan.DAY, team=staff.team, date__gte=start, date__lte=end)
    expected = days.aggregate(acts=Sum("acts_count"), spend=Sum("spend_total"))
    assert (table["totals"]["acts"], table["totals"]["spend"]) == (
        expected["acts"] or 0,
        (expected["spend"] or Decimal("0")).quantize(Decimal("0.01")),
    )
    by_person = {row["person"]: row["acts"] for row in table["page_obj"]}
    for person, acts in by_person.items():
        counted = sum(1 for act in two_years if act.author.display_name == person and start <= act.date <= end)
        assert acts == counted
