"""The dashboard page through the test client: figures, empty states, who sees what, query counts."""

import datetime
import re

import pytest
from django.utils import timezone

from acts import services as act_services
from acts.models import FollowUp
from tests.factories import CustomerFactory
from tests.queries import page_queries

from .builders import act, at, delivered, nps, tell_story
from .conftest import PERIOD

pytestmark = pytest.mark.django_db

CUSTOM = f"?period=custom&start={PERIOD['start']}&end={PERIOD['end']}"


def tile(html: str, key: str) -> str:
    match = re.search(rf'<div class="tile" id="tile-{key}">(.*?)</div>', html, re.S)
    assert match, f"no tile {key}"
    return re.sub(r"\s+", " ", match.group(1))


def test_dashboard_shows_the_periods_figures(client_for, world, staff):
    html = client_for(staff).get(f"/dashboard/{CUSTOM}").content.decode()
    assert '<p class="tile__value">5</p>' in tile(html, "acts")
    assert "60%" in tile(html, "proactive")
    assert "$88.00" in tile(html, "spend")
    assert "+33.3" in tile(html, "nps")
    assert "vs −66.7 without" in tile(html, "nps")
    assert "$44.00" in tile(html, "cost_per_referred")
    assert "0.40 per act" in tile(html, "stories")
    assert "2.27× the spend" in tile(html, "revenue")
    assert "50%" in tile(html, "decline_rate")
    assert "1 of 2 reactive acts" in tile(html, "recovery")
    # Every tile says what it means, in one line.
    assert html.count('class="tile__note"') == 12
    assert "Harbour" in html
    assert "Riverside" not in html


def test_charts_are_inline_svg_with_text_alternatives_and_no_style_attributes(client_for, world, staff):
    html = client_for(staff).get(f"/dashboard/{CUSTOM}").content.decode()
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 6  # five charts and the goodwill ledger
    for svg in svgs:
        assert 'role="img"' in svg
        assert "<title" in svg
        assert "<desc" in svg
    assert "style=" not in html
    assert "<script>" not in html
    assert "Acts and stories per week" in html
    assert "For every 10 acts, 4 stories were told and 4 customers were referred." in html


def test_an_empty_period_shows_dashes_not_zero_percent(client_for, staff):
    html = client_for(staff).get("/dashboard/?period=custom&start=2001-01-01&end=2001-01-31").content.decode()
    for key in ("proactive", "cost_per_referred", "decline_rate", "empowerment", "recovery", "approval_time"):
        value = re.search(r'<p class="tile__value">(.*?)</p>', tile(html, key)).group(1)
        assert value == "—", (key, value)
    assert "vs — without" in tile(html, "nps")
    assert "No act in this period yet." in html


def test_a_bad_date_says_so_and_shows_this_month(client_for, staff):
    response = client_for(staff).get("/dashboard/?period=custom&start=2026-02-30")
    assert response.status_code == 200
    assert "start: give a date as YYYY-MM-DD. Showing the last 30 days instead." in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/dashboard/", "/dashboard/export/acts.csv", "/dashboard/export/stories.csv", "/api/dashboard"]
)
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_team_matrix(client_for, staff, manager, admin_user, team, other_team):
    own, other = f"?team={team.pk}", f"?team={other_team.pk}"
    expected = {
        staff: {own: 200, other: 404, "?team=all": 404},
        manager: {own: 200, other: 404, "?team=all": 404},
        admin_user: {own: 200, other: 200, "?team=all": 200, "?team=999999": 404, "?team=x": 404},
    }
    for user, cases in expected.items():
        client = client_for(user)
        for query, status in cases.items():
            assert client.get(f"/dashboard/{query}").status_code == status, (user.username, query)
            assert client.get(f"/api/dashboard{query}").status_code == status, (user.username, query)
    html = client_for(admin_user).get(f"/dashboard/{other}").content.decode()
    assert "Dashboard · Riverside" in html
    assert "Dashboard · All teams" in client_for(admin_user).get("/dashboard/?team=all").content.decode()


def test_only_admins_get_export_links(client_for, staff, manager, admin_user):
    assert "export/acts.csv" not in client_for(staff).get("/dashboard/").content.decode()
    assert "export/acts.csv" not in client_for(manager).get("/dashboard/").content.decode()
    html = client_for(admin_user).get("/dashboard/?period=year").content.decode()
    assert 'href="/dashboard/export/acts.csv?period=year"' in html


def _many_acts(user, manager, count):
    customers = [CustomerFactory(team=user.team) for _ in range(10)]
    for index in range(count):
        customer = customers[index % 10]
        kind = ["gift", "time", "note", "call"][index % 4]
        trigger = "reactive" if index % 5 == 0 else "proactive"
        cost = ["0", "2", "0", "80"][index % 4]
        logged = act(user, days=index % 20, customer=customer, cost=cost, kind=kind, trigger=trigger)
        if cost == "80" and index % 40 == 3:
            act_services.spend_approve(user=manager, act=logged)
        elif cost == "2" and index % 3 == 0:
            act_services.act_deliver(user=user, act=logged, actual_cost="1.50")
    for customer in customers:
        tell_story(customer, days=2, moderator=manager)
        nps(customer, 9, days=1)
    FollowUp.objects.update(due_on=PERIOD["end"])


@pytest.mark.parametrize("url", ["/dashboard/", f"/dashboard/{CUSTOM}", "/", "/api/dashboard", "/accounts/profile/"])
def test_query_counts_do_not_grow_with_the_acts(client_for, staff, manager, url):
    delivered(staff, cost="12")
    FollowUp.objects.update(due_on=PERIOD["end"])
    client = client_for(manager)
    client.get(url)
    one = page_queries(client, url)
    _many_acts(staff, manager, 200)
    many = page_queries(client, url)
    assert one == many, f"{url}: {one} queries with 1 act, {many} with 200"


def test_dashboard_query_budget(client_for, world, admin_user):
    client = client_for(admin_user)
    client.get("/dashboard/")
    assert page_queries(client, "/dashboard/?team=all") <= 25


def test_the_nps_tile_shows_its_change_like_every_tile(client_for, world, staff):
    # Previous 21 days (41..21 ago): c3's 10 on day 25, after a7 (day 30) → +100.0; now +33.3.
    html = client_for(staff).get(f"/dashboard/{CUSTOM}").content.decode()
    assert "▼ 66.7 pts" in tile(html, "nps")
    for key in ("acts", "proactive", "spend", "nps", "cost_per_referred"):
        assert 'class="tile__change' in tile(html, key), key


def _selected_period(html: str) -> str:
    return re.search(r'<option value="([^"]*)" selected>', html).group(1)


def test_dates_changed_by_hand_are_a_custom_period_without_picking_it(client_for, world, staff):
    today = timezone.localdate()
    month_start = today.replace(day=1).isoformat()
    client = client_for(staff)
    # The form sent "This month" with the From/To it showed, the person changed both dates.
    html = client.get(
        "/dashboard/",
        {
            "period": "month",
            "start": PERIOD["start"],
            "end": PERIOD["end"],
            "shown_start": month_start,
            "shown_end": today.isoformat(),
        },
    ).content.decode()
    assert '<p class="tile__value">5</p>' in tile(html, "acts")
    assert _selected_period(html) == "custom"
    assert f'value="{PERIOD["start"].isoformat()}"' in html
    # Only the period changed (the dates are still those shown): the named period wins.
    html = client.get(
        "/dashboard/",
        {
            "period": "year",
            "start": month_start,
            "end": today.isoformat(),
            "shown_start": month_start,
            "shown_end": today.isoformat(),
        },
    ).content.decode()
    assert _selected_period(html) == "year"
    assert f'value="{today.replace(month=1, day=1).isoformat()}"' in html
    # A link with a named period and other dates (no shown dates): the dates.
    html = client.get("/dashboard/", {"period": "month", **PERIOD}).content.decode()
    assert _selected_period(html) == "custom"
    assert '<p class="tile__value">5</p>' in tile(html, "acts")
    assert "Pick a period, or change From and To for your own dates." in html


def test_a_tile_whose_previous_period_had_no_figure_says_so(client_for, staff, customer):
    act(staff, customer=customer)
    nps(customer, 10)
    html = client_for(staff).get("/dashboard/?period=month").content.decode()
    assert "+100.0" in tile(html, "nps")
    # Said in plain words, not "no figure before".
    assert "New this period" in tile(html, "nps")
    assert "No customer who had an act answered the survey in the" in tile(html, "nps")


@pytest.mark.parametrize(
    ("wait", "value", "sub"),
    [
        (datetime.timedelta(seconds=45), "45 s", "90% within 45 s"),
        (datetime.timedelta(minutes=3, seconds=22), "3 min 22 s", "90% within 3 min 22 s"),
        (datetime.timedelta(hours=2, minutes=5), "2 h 5 min", "90% within 2 h 5 min"),
    ],
)
def test_approval_time_reads_to_the_second(client_for, staff, manager, afternoon, wait, value, sub):
    start = afternoon - datetime.timedelta(hours=3)
    with at(start):
        request = act(staff, cost="80")
    with at(start + wait):
        act_services.spend_approve(user=manager, act=request)
    today = timezone.localdate().isoformat()
    html = client_for(staff).get(f"/dashboard/?period=custom&start={today}&end={today}").content.decode()
    assert f'<p class="tile__value">{value}</p>' in tile(html, "approval_time")
    assert sub in tile(html, "approval_time")
