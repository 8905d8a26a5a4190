"""The dashboard's periods: the page opens on the last 30 days, the picker names the
usual periods, the API keeps its documented default, and an empty period says what to do."""

import datetime

import pytest
import time_machine

from secondmile.dashboard.scope import Period, period_bounds

from .builders import act

pytestmark = pytest.mark.django_db

FIRST_OF_DECEMBER = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC)
D = datetime.date


@pytest.fixture
def first_of_december():
    with time_machine.travel(FIRST_OF_DECEMBER, tick=False):
        yield


@pytest.mark.parametrize(
    ("period", "bounds"),
    [
        (Period.LAST_30, (D(2026, 11, 2), D(2026, 12, 1))),
        (Period.MONTH, (D(2026, 12, 1), D(2026, 12, 1))),
        (Period.LAST_MONTH, (D(2026, 11, 1), D(2026, 11, 30))),
        (Period.QUARTER, (D(2026, 10, 1), D(2026, 12, 1))),
        (Period.YEAR, (D(2026, 1, 1), D(2026, 12, 1))),
    ],
)
def test_named_periods_on_the_first_of_december(period, bounds):
    assert period_bounds(period, today=D(2026, 12, 1)) == bounds


def test_last_month_in_january_is_the_december_before():
    assert period_bounds(Period.LAST_MONTH, today=D(2027, 1, 15)) == (D(2026, 12, 1), D(2026, 12, 31))
    assert period_bounds(Period.LAST_30, today=D(2028, 3, 1)) == (
        D(2028, 2, 1),
        D(2028, 3, 1),
    )  # 29 days of February, leap year


def test_the_page_opens_on_the_last_30_days(client_for, staff, first_of_december):
    act(staff, days=29)  # 2 Nov: inside the last 30 days
    act(staff, days=30)  # 1 Nov: outside
    html = client_for(staff).get("/dashboard/").content.decode()
    assert "2 Nov – 1 Dec 2026" in html
    assert '<option value="30d" selected>Last 30 days</option>' in html
    for label in ("This month", "Last month", "Last 3 months", "This year", "Custom dates"):
        assert f">{label}</option>" in html
    assert '<p class="tile__value">1</p>' in html
    assert "Nothing logged" not in html


def test_last_month_is_november(client_for, staff, first_of_december):
    act(staff, days=1)  # 30 Nov
    act(staff, days=0)  # 1 Dec
    html = client_for(staff).get("/dashboard/?period=last-month").content.decode()
    assert "1 Nov – 30 Nov 2026" in html
    assert '<option value="last-month" selected>Last month</option>' in html
    body = client_for(staff).get("/api/dashboard", {"period": "last-month"}).json()
    assert (body["start"], body["end"], body["acts_count"]) == ("2026-11-01", "2026-11-30", 1)


def test_the_api_keeps_this_month_as_its_default(client_for, staff, first_of_december):
    act(staff, days=1)
    body = client_for(staff).get("/api/dashboard").json()
    assert (body["start"], body["end"], body["acts_count"]) == ("2026-12-01", "2026-12-01", 0)
    body = client_for(staff).get("/api/dashboard", {"start": "2026-11-02", "end": "2026-12-01"}).json()
    assert body["acts_count"] == 1


def test_an_empty_period_says_what_to_do_next(client_for, staff, first_of_december):
    html = client_for(staff).get("/dashboard/?period=month").content.decode()
    assert "Nothing logged in 1 Dec – 1 Dec 2026" in html
    assert 'href="/acts/new/"' in html
    assert '<a href="?period=3m">Last 3 months</a>' in html
    assert '<a href="?period=year">This year</a>' in html


def test_a_bad_date_falls_back_to_the_last_30_days(client_for, staff, first_of_december):
    response = client_for(staff).get("/dashboard/?period=custom&start=2026-02-30")
    assert response.status_code == 200
    html = response.content.decode()
    assert "start: give a date as YYYY-MM-DD. Showing the last 30 days instead." in html
    assert "2 Nov – 1 Dec 2026" in html
