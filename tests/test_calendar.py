"""Everything that reads the calendar, at the calendar's edges.

Each test pins "now" with time-machine, in a time zone other than UTC (New York, five
hours behind in winter): a moment late on the last day of a month there is already the
next month in UTC, so code that took the UTC date instead of the local one fails here.
The edges: the first and last day of a month, 31 Dec → 1 Jan, 29 Feb 2028, and a
period that spans a year end.
"""

import datetime
import io
import itertools
import math
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from acts import services as act_services
from acts.models import Act, ActEvent, BudgetMonth, DaySummary
from acts.summaries import rebuild, summed_fields
from core import errors
from core.clock import clock_stopped_at
from core.models import PointsEntry
from customers.models import Customer
from secondmile.dashboard import charts
from secondmile.dashboard import figures as metrics
from secondmile.dashboard.scope import Scope, dashboard_scope
from stories import survey as survey_links
from stories.models import SurveyLink
from tests.factories import CustomerFactory, log_act

pytestmark = pytest.mark.django_db

ZONE_NAME = "America/New_York"
ZONE = zoneinfo.ZoneInfo(ZONE_NAME)
D = datetime.date


def local(*args) -> datetime.datetime:
    """A wall-clock moment in New York: local(2026, 12, 31, 23, 59)."""
    return datetime.datetime(*args, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def new_york(settings):
    settings.TIME_ZONE = ZONE_NAME


frozen = clock_stopped_at


# --- Periods and their default ---------------------------------------------------------

# now (local) → (this month), (last 3 months), (this year); the default is this month.
PERIODS = [
    (
        local(2027, 3, 1, 0, 0, 1),
        (D(2027, 3, 1), D(2027, 3, 1)),
        (D(2027, 1, 1), D(2027, 3, 1)),
        (D(2027, 1, 1), D(2027, 3, 1)),
    ),
    (
        local(2027, 1, 31, 23, 59, 59),
        (D(2027, 1, 1), D(2027, 1, 31)),
        (D(2026, 11, 1), D(2027, 1, 31)),
        (D(2027, 1, 1), D(2027, 1, 31)),
    ),
    (
        local(2026, 12, 31, 23, 59, 59),
        (D(2026, 12, 1), D(2026, 12, 31)),
        (D(2026, 10, 1), D(2026, 12, 31)),
        (D(2026, 1, 1), D(2026, 12, 31)),
    ),
    (
        local(2027, 1, 1, 0, 0),
        (D(2027, 1, 1), D(2027, 1, 1)),
        (D(2026, 11, 1), D(2027, 1, 1)),
        (D(2027, 1, 1), D(2027, 1, 1)),
    ),
    (
        local(2028, 2, 29, 23, 30),
        (D(2028, 2, 1), D(2028, 2, 29)),
        (D(2027, 12, 1), D(2028, 2, 29)),
        (D(2028, 1, 1), D(2028, 2, 29)),
    ),
    (
        local(2028, 3, 1, 0, 0),
        (D(2028, 3, 1), D(2028, 3, 1)),
        (D(2028, 1, 1), D(2028, 3, 1)),
        (D(2028, 1, 1), D(2028, 3, 1)),
    ),
]


@pytest.mark.parametrize(
    ("now", "month", "quarter", "year"),
    PERIODS,
    ids=lambda v: v.isoformat() if isinstance(v, datetime.datetime) else "",
)
def test_named_periods_and_the_default_follow_the_local_calendar(staff, now, month, quarter, year):
    with frozen(now):
        for period, expected in (("", month), ("month", month), ("3m", quarter), ("year", year)):
            scope = dashboard_scope(user=staff, period=period)
            assert (scope.start, scope.end) == expected, period


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        (local(2026, 12, 31, 23, 59, 59), "2026-12-01", "2026-12-31"),
        (local(2027, 1, 1, 0, 0, 0), "2027-01-01", "2027-01-01"),
        (local(2028, 2, 29, 23, 59), "2028-02-01", "2028-02-29"),
    ],
)
def test_the_api_defaults_to_the_local_month_to_date(client_for, staff, now, start, end):
    with frozen(now):
        body = client_for(staff).get("/api/dashboard").json()
    assert (body["start"], body["end"]) == (start, end)


def test_a_period_given_only_its_end_starts_on_the_first_of_the_end_s_month(staff):
    with frozen(local(2028, 3, 5, 12, 0)):
        scope = dashboard_scope(user=staff, end="2028-02-29")
        assert (scope.start, scope.end) == (D(2028, 2, 1), D(2028, 2, 29))
        previous = scope.previous()  # 29 days just before: 3 Jan .. 31 Jan
        assert (previous.start, previous.end) == (D(2028, 1, 3), D(2028, 1, 31))


def test_an_act_late_on_new_year_s_eve_counts_in_december_not_in_january(staff):
    """Logged at 23:50 and 00:10 local (04:50 and 05:10 on 1 Jan in UTC): one act in each
    month's default period."""
    with frozen(local(2026, 12, 31, 23, 50)):
        december = log_act(staff, cost="30")
        assert metrics.dashboard_figures(dashboard_scope(user=staff))["acts_count"] == 1
    with frozen(local(2027, 1, 1, 0, 10)):
        january = log_act(staff, cost="45")
        this_month = metrics.dashboard_figures(dashboard_scope(user=staff))
    assert (december.date, january.date) == (D(2026, 12, 31), D(2027, 1, 1))
    assert (this_month["acts_count"], this_month["spend_total"]) == (1, Decimal("45.00"))


@pytest.fixture
def year_end_acts(team, staff, manager):
    """Acts on both sides of the year end, logged on their days: December 2026 has three
    (one reactive, one $80 request the manager approves at $70, one declined $95),
    January 2027 two (one $20 delivered at $18, one reactive call), plus one act just
    outside each end of the period."""
    customers = [CustomerFactory(team=team) for _ in range(3)]

    def on(day, hour=12, **fields):
        with frozen(local(*day, hour, 0)):
            return log_act(staff, customer=customers[0], **fields)

    on((2026, 11, 30), cost="5")
    on((2026, 12, 1), hour=0, cost="10", quadrant="reception")
    on((2026, 12, 15), trigger="reactive", kind="call")
    asked = on((2026, 12, 31), hour=23, cost="80", quadrant="response")
    declined = on((2026, 12, 31), hour=23, cost="95")
    with frozen(local(2027, 1, 1, 9, 0)):
        act_services.spend_approve(user=manager, act=asked, amount="70")
        act_services.spend_decline(user=manager, act=declined, note="Not this time")
    small = on((2027, 1, 1), hour=0, cost="20")
    with frozen(local(2027, 1, 2, 10, 0)):
        act_services.act_deliver(user=staff, act=small, actual_cost="18")
    on((2027, 1, 31), hour=23, trigger="reactive", kind="call")
    on((2027, 2, 1), hour=0, cost="7")


SUMMED = [
    "acts_count",
    "proactive_count",
    "reactive_count",
    "spend_total",
    "requests_decided_count",
    "declined_count",
    "empowered_count",
]


def test_a_period_over_the_year_end_is_the_sum_of_its_two_parts(staff, year_end_acts):
    with frozen(local(2027, 3, 10, 12, 0)):
        both, december, january = (
            metrics.dashboard_figures(dashboard_scope(user=staff, start=start, end=end))
            for start, end in (("2026-12-01", "2027-01-31"), ("2026-12-01", "2026-12-31"), ("2027-01-01", "2027-01-31"))
        )
    assert {name: december[name] for name in SUMMED} == {
        "acts_count": 3,
        "proactive_count": 2,
        "reactive_count": 1,
        "spend_total": Decimal("80.00"),
        "requests_decided_count": 2,
        "declined_count": 1,
        "empowered_count": 2,
    }
    assert {name: january[name] for name in SUMMED} == {
        "acts_count": 2,
        "proactive_count": 1,
        "reactive_count": 1,
        "spend_total": Decimal("18.00"),
        "requests_decided_count": 0,
        "declined_count": 0,
        "empowered_count": 2,
    }
    assert {name: both[name] for name in SUMMED} == {name: december[name] + january[name] for name in SUMMED}
    assert both["decline_rate"] == Decimal("0.5")


def test_the_budget_chart_of_a_year_end_period_has_each_month_s_own_spend(staff, year_end_acts):
    with frozen(local(2027, 3, 10, 12, 0)):
        months = metrics.budget_by_month(dashboard_scope(user=staff, start="2026-12-01", end="2027-01-31"))
    assert [(m["month"], m["spend"], m["budget"]) for m in months] == [
        (D(2026, 12, 1), Decimal("80.00"), Decimal("1000.00")),
        (D(2027, 1, 1), Decimal("18.00"), Decimal("1000.00")),
    ]
    assert charts.budget_chart(months)["summary"] == "Spent $98.00 of $2,000.00 budgeted for 2 months."


# --- Budgets per month -----------------------------------------------------------------


def test_an_act_at_23_59_charges_its_month_and_one_at_midnight_the_next(client_for, team, staff):
    with frozen(local(2027, 1, 31, 23, 59)):
        january = log_act(staff, cost="20")
        assert client_for(staff).get("/api/budget").json() == {
            "month": "2027-01",
            "budget": "1000.00",
            "committed": "20.00",
            "remaining": "980.00",
            "over_approved": "0.00",
        }
    with frozen(local(2027, 2, 1, 0, 0)):
        february = log_act(staff, cost="35")
        assert client_for(staff).get("/api/budget").json() == {
            "month": "2027-02",
            "budget": "1000.00",
            "committed": "35.00",
            "remaining": "965.00",
            "over_approved": "0.00",
        }
    assert (january.date, february.date) == (D(2027, 1, 31), D(2027, 2, 1))
    assert dict(BudgetMonth.objects.filter(team=team).values_list("month", "committed")) == {
        D(2027, 1, 1): Decimal("20.00"),
        D(2027, 2, 1): Decimal("35.00"),
    }


def test_the_budget_of_february_2028_on_its_29th(client_for, team, staff):
    with frozen(local(2028, 2, 29, 23, 30)):
        leap_day = log_act(staff, cost="25")
        assert leap_day.date == D(2028, 2, 29)
        api = client_for(staff)
        expected = {
            "month": "2028-02",
            "budget": "1000.00",
            "committed": "25.00",
            "remaining": "975.00",
            "over_approved": "0.00",
        }
        assert api.get("/api/budget?month=2028-02").json() == expected
        assert api.get("/api/budget").json() == expected
    with frozen(local(2028, 3, 1, 0, 0)):
        assert client_for(staff).get("/api/budget").json() == {
            "month": "2028-03",
            "budget": "1000.00",
            "committed": "0.00",
            "remaining": "1000.00",
            "over_approved": "0.00",
        }


# --- The survey's quiet period and its link's expiry -------------------------------------


def _delivered(staff, customer, moment):
    with frozen(moment):
        act = log_act(staff, customer=customer)
        return act_services.act_deliver(user=staff, act=act, actual_cost="0")


def test_the_quiet_period_refuses_day_89_and_allows_day_90(settings, staff, customer):
    """Asked at 23:50 local on 31 Dec 2026 (already 1 Jan in UTC): day 90 is 31 Mar 2027,
    counted in local days whatever the hour."""
    assert settings.SECONDMILE["SURVEY_QUIET_DAYS"] == 90
    asked_at = local(2026, 12, 31, 23, 50)
    act = _delivered(staff, customer, asked_at - datetime.timedelta(hours=1))
    with frozen(asked_at):
        survey_links.survey_link_create(user=staff, act=act)
        survey_links.survey_link_mark_sent(user=staff, act=act)  # sent: the customer is asked now
    refused = r"last asked on 31 Dec 2026; to keep it rare, ask again from 31 Mar\."
    with frozen(local(2027, 3, 30, 23, 59, 59)), pytest.raises(errors.Conflict, match=refused):
        survey_links.survey_link_create(user=staff, act=act)
    with frozen(local(2027, 3, 31, 0, 0, 0)):
        link, _token = survey_links.survey_link_create(user=staff, act=act)
    assert link.created_at == local(2027, 3, 31)
    assert SurveyLink.objects.count() == 2


def test_the_quiet_period_after_an_answer_on_29_feb_2028(staff, customer):
    """Answered on the leap day: 29 Feb + 90 days is 29 May."""
    act = _delivered(staff, customer, local(2028, 2, 28, 10, 0))
    with frozen(local(2028, 2, 28, 11, 0)):
        _link, token = survey_links.survey_link_create(user=staff, act=act)
    with frozen(local(2028, 2, 29, 22, 0)):  # 1 Mar in UTC
        response = survey_links.survey_submit(token=token, score=9)
    assert response.date == D(2028, 2, 29)
    with frozen(local(2028, 5, 28, 23, 59)):
        assert survey_links.survey_quiet_until(Customer.objects.get(pk=customer.pk)) == D(2028, 5, 29)
    with frozen(local(2028, 5, 29, 0, 0)):
        assert survey_links.survey_quiet_until(Customer.objects.get(pk=customer.pk)) is None


def test_a_survey_link_works_until_the_last_second_of_its_days(settings, team, staff):
    days = settings.SECONDMILE["SURVEY_LINK_DAYS"]
    made_at = local(2026, 12, 31, 23, 50)
    tokens = []
    for _ in range(2):
        act = _delivered(staff, CustomerFactory(team=team), made_at - datetime.timedelta(hours=1))
        with frozen(made_at):
            tokens.append(survey_links.survey_link_create(user=staff, act=act)[1])
    expires = made_at + datetime.timedelta(days=days)
    assert set(SurveyLink.objects.values_list("expires_at", flat=True)) == {expires}
    with frozen(expires - datetime.timedelta(seconds=1)):
        assert survey_links.survey_link_open(tokens[0]) is not None
        response = survey_links.survey_submit(token=tokens[0], score=9)
    assert (response.score, response.date) == (9, D(2027, 1, 30))
    with frozen(expires):
        assert survey_links.survey_link_open(tokens[1]) is None
        with pytest.raises(errors.Conflict, match=errors.MSG_SURVEY_LINK_GONE):
            survey_links.survey_submit(token=tokens[1], score=9)


# --- Day summaries ---------------------------------------------------------------------


def _summary_rows():
    return sorted(DaySummary.objects.values_list("team_id", "date", *summed_fields()))


@pytest.mark.parametrize(
    ("late", "early"),
    [
        (local(2027, 1, 31, 23, 59), local(2027, 2, 1, 0, 1)),
        (local(2026, 12, 31, 23, 59), local(2027, 1, 1, 0, 1)),
        (local(2028, 2, 28, 23, 59), local(2028, 2, 29, 0, 1)),
        (local(2028, 2, 29, 23, 59), local(2028, 3, 1, 0, 1)),
    ],
)
def test_acts_a_minute_before_and_after_midnight_land_in_their_own_days(team, staff, late, early):
    with frozen(late):
        log_act(staff, cost="10")
        log_act(staff, trigger="reactive", kind="call")
    with frozen(early):
        log_act(staff, cost="30")
    days = {
        day: (count, reactive, spend)
        for day, count, reactive, spend in DaySummary.objects.values_list(
            "date", "acts_count", "reactive_count", "spend_total"
        )
    }
    assert days == {late.date(): (2, 1, Decimal("10.00")), early.date(): (1, 0, Decimal("30.00"))}
    written = _summary_rows()
    assert rebuild() == 2
    assert _summary_rows() == written


# --- The demo's backdating ---------------------------------------------------------------


@pytest.mark.parametrize("today", [local(2027, 1, 1, 0, 30), local(2028, 2, 29, 23, 30)], ids=["new-year", "leap-day"])
def test_the_demo_is_dated_in_the_months_before_the_day_it_is_loaded(transactional_db, today):
    with time_machine.travel(today, tick=True):
        call_command("seed_demo", force=True, stdout=io.StringIO())
        loaded = timezone.now()
    dates = list(Act.objects.values_list("date", flat=True))
    earliest, latest = min(dates), max(dates)
    # Acts over the four months before, the latest on the day itself; none in the future.
    assert today.date() - datetime.timedelta(days=120) <= earliest <= today.date() - datetime.timedelta(days=90)
    assert latest == today.date()
    assert len({(d.year, d.month) for d in dates}) >= 4
    # Every stamp the services wrote is when it happened, none after the load (the survey
    # answer and the walk-in customers are from the moment of loading); the history was
    # written on the days of its acts, not all at once.
    stamps = {
        "act created": Act.objects.values_list("created_at", flat=True),
        "decided": Act.objects.exclude(decided_at=None).values_list("decided_at", flat=True),
        "delivered": Act.objects.exclude(delivered_at=None).values_list("delivered_at", flat=True),
        "history": ActEvent.objects.values_list("at", flat=True),
        "customer created": Customer.objects.values_list("created_at", flat=True),
    }
    for name, values in stamps.items():
        assert max(values) <= loaded, name
    assert min(ActEvent.objects.values_list("at", flat=True)) < today - datetime.timedelta(days=90)
    assert not ActEvent.objects.filter(
        act__date__lt=today.date() - datetime.timedelta(days=7), at__gte=today - datetime.timedelta(days=1)
    ).exists()
    assert max(PointsEntry.objects.values_list("earned_on", flat=True)) <= today.date()
    # Decisions waited between 6 minutes and 26 hours; three requests still wait 40 min, 3 h and 7 h.
    waits = list(ActEvent.objects.filter(action__in=["approved", "declined"]).values_list("waited", flat=True))
    assert waits
    assert all(datetime.timedelta(minutes=6) <= w <= datetime.timedelta(hours=26) for w in waits)
    waiting = sorted(
        today - at for at in Act.objects.filter(status="pending_approval").values_list("requested_at", flat=True)
    )
    assert {40, 180, 420} <= {round(w.total_seconds() / 60) for w in waiting}


# --- Weekly and monthly chart buckets -----------------------------------------------------


def _buckets(series):
    return [(row["start"], row["end"]) for row in series["rows"]]


def _check_partition(buckets, start, end):
    """The buckets follow each other from start to end, each day in exactly one."""
    assert buckets[0][0] == start
    assert buckets[-1][1] == end
    for (_first, last), (following, _end) in itertools.pairwise(buckets):
        assert following == last + datetime.timedelta(days=1)


def _three_months_from(start: datetime.date) -> datetime.date:
    """The last day of the three months from `start`: the day before the same day of month
    three months later, or that month's last day when it has no such day (31 Jan → 30 Apr)."""
    month = start.month + 3
    year, month = start.year + (month - 1) // 12, (month - 1) % 12 + 1
    try:
        return datetime.date(year, month, start.day) - datetime.timedelta(days=1)
    except ValueError:
        return (datetime.date(year, month, 1) + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)


def test_three_months_from_any_start_day_have_13_or_14_weekly_buckets(team):
    day = D(2026, 12, 1)
    counts = set()
    while day <= D(2028, 12, 31):
        end = _three_months_from(day)
        series = metrics.activity_series(Scope(start=day, end=end, team=team), daily={})
        buckets = _buckets(series)
        assert series["unit"] == "week"
        assert len(buckets) in (13, 14), (day, end)
        _check_partition(buckets, day, end)
        assert all((last - first).days == 6 for first, last in buckets[:-1])
        counts.add(len(buckets))
        day += datetime.timedelta(days=1)
    assert counts == {13, 14}


@pytest.mark.parametrize(
    ("now", "weeks"),
    [
        (local(2027, 3, 1, 12, 0), 9),  # 1 Jan .. 1 Mar: 60 days
        (local(2027, 3, 31, 12, 0), 13),  # 1 Jan .. 31 Mar: 90 days
        (local(2027, 1, 1, 12, 0), 9),  # 1 Nov .. 1 Jan: 62 days
        (local(2026, 12, 31, 12, 0), 14),  # 1 Oct .. 31 Dec: 92 days
        (local(2028, 2, 29, 12, 0), 13),  # 1 Dec .. 29 Feb: 91 days
    ],
)
def test_the_last_3_months_period_has_a_weekly_bucket_per_started_week(staff, now, weeks):
    with frozen(now):
        scope = dashboard_scope(user=staff, period="3m")
        series = metrics.activity_series(scope)
    assert len(series["rows"]) == weeks == math.ceil(scope.days / 7)
    _check_partition(_buckets(series), scope.start, scope.end)
    assert len(charts.activity_chart(series)["bars"]) == weeks


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2027, 1, 1), D(2027, 12, 31)),
        (D(2028, 1, 1), D(2028, 12, 31)),
        (D(2026, 7, 1), D(2027, 6, 30)),
    ],
)
def test_a_year_has_twelve_monthly_buckets_each_a_calendar_month(team, start, end):
    series = metrics.activity_series(Scope(start=start, end=end, team=team), daily={})
    buckets = _buckets(series)
    assert series["unit"] == "month"
    assert len(buckets) == 12
    _check_partition(buckets, start, end)
    assert all(first.day == 1 and (last + datetime.timedelta(days=1)).day == 1 for first, last in buckets)
    if start.year == 2028:
        assert buckets[1] == (D(2028, 2, 1), D(2028, 2, 29))


def test_this_year_on_new_year_s_eve_is_twelve_months_and_on_new_year_s_day_one_week(staff):
    with frozen(local(2026, 12, 31, 23, 59)):
        december = metrics.activity_series(dashboard_scope(user=staff, period="year"))
    with frozen(local(2027, 1, 1, 0, 0)):
        january = metrics.activity_series(dashboard_scope(user=staff, period="year"))
    assert (december["unit"], len(december["rows"])) == ("month", 12)
    assert (december["rows"][0]["start"], december["rows"][-1]["end"]) == (D(2026, 1, 1), D(2026, 12, 31))
    assert (january["unit"], _buckets(january)) == ("week", [(D(2027, 1, 1), D(2027, 1, 1))])


def test_a_week_across_the_year_end_is_one_bucket_with_both_years_acts(staff, year_end_acts):
    with frozen(local(2027, 3, 10, 12, 0)):
        scope = dashboard_scope(user=staff, start="2026-12-01", end="2027-01-31")
        series = metrics.activity_series(scope)
        months = metrics.activity_series(dashboard_scope(user=staff, start="2026-07-01", end="2027-06-30"))
    assert [(row["start"], row["end"], row["acts"]) for row in series["rows"]] == [
        (D(2026, 12, 1), D(2026, 12, 7), 1),
        (D(2026, 12, 8), D(2026, 12, 14), 0),
        (D(2026, 12, 15), D(2026, 12, 21), 1),
        (D(2026, 12, 22), D(2026, 12, 28), 0),
        # 31 Dec (one act going ahead, one declined) and 1 Jan in the same week, once.
        (D(2026, 12, 29), D(2027, 1, 4), 2),
        (D(2027, 1, 5), D(2027, 1, 11), 0),
        (D(2027, 1, 12), D(2027, 1, 18), 0),
        (D(2027, 1, 19), D(2027, 1, 25), 0),
        (D(2027, 1, 26), D(2027, 1, 31), 1),
    ]
    assert charts.activity_chart(series)["summary"] == (
        "5 acts and 0 stories over 9 weeks; the busiest week began 29 Dec with 2 acts."
    )
    by_month = {row["start"]: row["acts"] for row in months["rows"]}
    assert (by_month[D(2026, 11, 1)], by_month[D(2026, 12, 1)], by_month[D(2027, 1, 1)], by_month[D(2027, 2, 1)]) == (
        1,
        3,
        2,
        1,
    )
