"""Figures that read plainly (issue 16, item 10): the NPS bar on the dashboard and the
customer page, every tile with its change in words, the budget counted from the team's
first month in use, honest captions, and an empty period that offers the nearest one
with acts. The clock is pinned at 1 December 2026, 15:00 UTC."""

import datetime
import re

import pytest
import time_machine

from acts import budgets
from core.formatting import money
from secondmile.dashboard.captions import kinds_caption, quadrant_caption
from stories.nps_bar import nps_bar
from tests.factories import CustomerFactory

from .builders import act, nps

pytestmark = pytest.mark.django_db

FIRST_OF_DECEMBER = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def december():
    with time_machine.travel(FIRST_OF_DECEMBER, tick=False):
        yield


def tile(html: str, key: str) -> str:
    match = re.search(rf'<div class="tile" id="tile-{key}">(.*?)</div>', html, re.S)
    assert match, f"no tile {key}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def text_of(html: str, element_id: str, until: str = "p") -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</{until}>', html, re.S)
    assert match, f"no #{element_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


# --- Captions: "most" only for a majority, ties named as ties ---------------------------------


def quadrants(reception, delivery, reliability, response):
    counts = {"Reception": reception, "Delivery": delivery, "Reliability": reliability, "Response": response}
    return [{"value": label.lower(), "label": label, "count": count} for label, count in counts.items()]


@pytest.mark.parametrize(
    ("counts", "caption"),
    [
        ((3, 1, 1, 0), "Most acts went beyond reception expectations (3 of 5)."),
        (
            (7, 6, 8, 10),
            "More acts went beyond response expectations than any other, though not most of them (10 of 31).",
        ),
        ((4, 4, 1, 0), "A tie: as many acts went beyond reception and delivery expectations (4 each of 9)."),
        (
            (2, 0, 2, 2),
            "A tie: as many acts went beyond reception, reliability and response expectations (2 each of 6).",
        ),
        ((5, 5, 5, 5), "Acts were spread evenly over the 4 expectations (5 each, 20 in all)."),
        ((0, 0, 1, 0), "The one act went beyond reliability expectations."),
        ((0, 0, 0, 0), "No act in this period yet."),
    ],
)
def test_the_quadrant_caption_claims_only_what_the_counts_show(counts, caption):
    assert quadrant_caption(quadrants=quadrants(*counts)) == caption


def test_the_kinds_caption_names_a_tie():
    kinds = [{"label": "Gift", "count": 4}, {"label": "Note", "count": 4}, {"label": "Call", "count": 1}]
    assert kinds_caption(kinds=kinds) == "Gift and note are tied as the most frequent kinds of gesture (4 each)."
    assert kinds_caption(kinds=kinds[1:]) == "Note is the most frequent kind of gesture (4)."


def test_a_four_way_tie_on_the_page_is_not_named_as_one_quadrant(client_for, staff, december):
    for quadrant in ("reception", "delivery", "reliability", "response"):
        act(staff, days=2, quadrant=quadrant)
    html = client_for(staff).get("/dashboard/").content.decode()
    assert "Acts were spread evenly over the 4 expectations (1 each, 4 in all)." in html
    assert "Most acts went beyond" not in html


# --- The NPS bar ------------------------------------------------------------------------------


def test_nps_bar_shares_are_whole_percents_that_add_up_to_100():
    bar = nps_bar(promoters=1, passives=1, detractors=1)
    assert [(b["label"], b["count"], b["share"]) for b in bar["bands"]] == [
        ("Promoters", 1, 34),
        ("Passives", 1, 33),
        ("Detractors", 1, 33),
    ]
    assert bar["cells"] == ["promoters"] * 34 + ["passives"] * 33 + ["detractors"] * 33
    assert bar["summary"] == "3 answers: 1 promoters (34%), 1 passives (33%), 1 detractors (33%)."
    assert nps_bar(promoters=0, passives=0, detractors=0)["bands"] == []


def test_the_dashboard_shows_the_periods_answers_as_a_bar_with_counts_and_shares(client_for, staff, december):
    customers = [CustomerFactory(team=staff.team) for _ in range(4)]
    act(staff, days=3, customer=customers[0])
    for customer, score in zip(customers, (10, 9, 7, 3), strict=True):
        nps(customer, score, days=2)
    nps(CustomerFactory(team=staff.team), 0, days=40)  # before the last 30 days: not counted
    html = client_for(staff).get("/dashboard/").content.decode()
    bar = text_of(html, "nps-answers", until="section")
    assert "How customers answered the survey" in bar
    assert "NPS +25.0" in bar
    assert "Promoters (9–10) 2 · 50%" in bar
    assert "Passives (7–8) 1 · 25%" in bar
    assert "Detractors (0–6) 1 · 25%" in bar
    assert "4 answers: 2 promoters (50%), 1 passives (25%), 1 detractors (25%)." in bar  # for a screen reader


def test_the_customer_page_shows_that_customers_answers_as_a_bar(client_for, staff, customer, december):
    nps(customer, 10, days=5)
    nps(customer, 4, days=1)
    nps(CustomerFactory(team=staff.team), 8, days=1)  # someone else's
    html = client_for(staff).get(f"/customers/{customer.pk}/").content.decode()
    bar = text_of(html, "customer-nps-bar", until="ul")
    assert "Promoters (9–10) 1 · 50%" in bar
    assert "Passives (7–8) 0 · 0%" in bar
    assert "Detractors (0–6) 1 · 50%" in bar


def test_a_customer_without_answers_has_no_bar(client_for, staff, customer, december):
    html = client_for(staff).get(f"/customers/{customer.pk}/").content.decode()
    assert "customer-nps-bar" not in html
    assert "No score yet." in html


# --- Every tile with its change, in plain words -----------------------------------------------


def test_every_tile_shows_its_change_and_what_it_was(client_for, staff, december):
    act(staff, days=40, cost="10")  # the 30 days before: 2 Oct – 1 Nov
    act(staff, days=3, cost="25")
    act(staff, days=2)
    html = client_for(staff).get("/dashboard/").content.decode()
    assert html.count('class="tile__change') == 12
    assert "no figure before" not in html
    assert tile(html, "acts").startswith("Acts 2 ▲ 1 from 1 in the 30 days before.")
    assert "▲ $15.00 from $10.00 in the 30 days before." in tile(html, "spend")
    assert "= same as before 100% in the 30 days before too." in tile(html, "empowerment")


def test_a_figure_missing_before_says_what_that_means(client_for, staff, customer, december):
    act(staff, days=3, customer=customer)
    nps(customer, 10, days=1)
    html = client_for(staff).get("/dashboard/").content.decode()
    assert "New this period No customer who had an act answered the survey in the 30 days before." in tile(html, "nps")
    assert "Nothing to compare Nobody was referred in this period or in the 30 days before." in tile(
        html, "cost_per_referred"
    )
    assert "Nothing to compare No request was decided in this period or in the 30 days before." in tile(
        html, "approval_time"
    )


def test_tile_numbers_share_one_row_of_the_grid_whatever_their_labels(client_for, staff, december):
    html = client_for(staff).get("/dashboard/").content.decode()
    # Five rows per tile (label, figure, sub-line, change, note), laid out on the grid's
    # shared rows by the stylesheet: every tile has all five, the sub-line even when empty.
    for key in ("acts", "proactive", "spend", "nps", "cost_per_referred", "approval_time", "decline_rate"):
        block = re.search(rf'<div class="tile" id="tile-{key}">(.*?)</div>', html, re.S).group(1)
        classes = re.findall(r'<p class="(tile__\w+)', block)
        assert classes == ["tile__label", "tile__value", "tile__sub", "tile__change", "tile__note"], key


# --- Budget counted from the team's first month in use ----------------------------------------


def test_this_year_counts_the_budget_from_the_teams_first_act(client_for, staff, team, december):
    act(staff, days=48, cost="30")  # 14 Oct 2026: the team's first act
    html = client_for(staff).get("/dashboard/?period=year").content.decode()
    three_months = money(3 * team.monthly_budget)
    assert f"of {three_months}" in tile(html, "spend")
    assert f"Spent $30.00 of {three_months} budgeted for 3 months." in html
    assert "Budgets count from October 2026, the first month in use (the first act or budget)" in html
    assert "January:" not in html
    body = client_for(staff).get("/api/dashboard", {"period": "year"}).json()
    assert body["budget_total"] == str(3 * team.monthly_budget)


def test_a_budget_set_before_the_first_act_counts_from_its_month(client_for, staff, team, admin_user, december):
    budgets.budget_set(user=admin_user, team=team, month=datetime.date(2026, 9, 1), amount=500)
    act(staff, days=20, cost="30")  # November
    html = client_for(staff).get("/dashboard/?period=year").content.decode()
    assert f"of {money(500 + 3 * team.monthly_budget)}" in tile(html, "spend")
    assert "Budgets count from September 2026" in html


def test_a_team_in_use_since_january_counts_every_month(client_for, staff, team, december):
    act(staff, days=320, cost="30")  # 14 Jan 2026
    html = client_for(staff).get("/dashboard/?period=year").content.decode()
    assert f"of {money(12 * team.monthly_budget)}" in tile(html, "spend")
    assert "Budgets count from" not in html


# --- An empty period offers the nearest period with acts --------------------------------------


def test_an_empty_period_links_to_the_latest_month_with_acts(client_for, staff, december):
    act(staff, days=48)  # 14 Oct 2026
    act(staff, days=70)  # 22 Sep 2026: further back
    html = client_for(staff).get("/dashboard/?period=last-month").content.decode()
    assert "Nothing logged in 1 Nov – 30 Nov 2026" in html
    nearest = text_of(html, "nearest-period")
    assert nearest == "The latest acts before this period are from 14 Oct: see October 2026 ."
    link = re.search(r'id="nearest-period">.*?href="([^"]+)"', html, re.S).group(1).replace("&amp;", "&")
    for part in ("period=custom", "start=2026-10-01", "end=2026-10-31"):
        assert part in link
    following = client_for(staff).get(f"/dashboard/{link}").content.decode()
    assert "1 Oct – 31 Oct 2026" in following
    assert '<p class="tile__value">1</p>' in following
    assert "Nothing logged" not in following


def test_an_empty_period_with_nothing_before_offers_no_nearest_period(client_for, staff, december):
    act(staff, days=0)  # today only, after the period asked
    html = client_for(staff).get("/dashboard/?period=last-month").content.decode()
    assert "Nothing logged in 1 Nov – 30 Nov 2026" in html
    assert "nearest-period" not in html
    assert '<a href="?period=3m">Last 3 months</a>' in html


def test_another_teams_acts_are_not_offered(client_for, staff, other_staff, december):
    act(other_staff, days=48)
    html = client_for(staff).get("/dashboard/?period=last-month").content.decode()
    assert "nearest-period" not in html
