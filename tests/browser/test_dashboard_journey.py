"""Dashboard journey on the demo data: each role opens home and the dashboard on a desktop
and a phone; the SVG charts draw under the strict CSP; routine warnings come in while logging."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from acts.models import GOING_AHEAD, Act, FollowUp
from tests.browser.conftest import demo_people, pick_customer

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Playwright's init scripts run outside the page's CSP: they only listen for violations.
LISTEN_FOR_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


# A Wednesday in mid-June: "3 months" then spans thirteen weeks, whatever today is.
DEMO_TODAY = dt.datetime(2026, 6, 17, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def demo(transactional_db):
    with time_machine.travel(DEMO_TODAY, tick=True):
        yield _seed_demo()


def _seed_demo():
    people = demo_people()
    # Demo follow-ups fall due two days after delivery; bring three forward to show the list.
    due = FollowUp.objects.filter(team=people["staff"].team, kind="thank_you").order_by("id")[:3]
    FollowUp.objects.filter(pk__in=list(due.values_list("pk", flat=True))).update(due_on=timezone.localdate())
    return people


def _violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def _check_charts(page):
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(6)  # five charts and the goodwill ledger
    for index in range(6):
        chart = charts.nth(index)
        expect(chart.locator(":scope > title")).to_have_count(1)
        box = chart.bounding_box()
        assert box["width"] > 250, box
        assert box["height"] > 60, box
    bars = page.locator("#chart-activity rect.bar")
    assert bars.count() >= 10  # thirteen weeks in three months
    # The colours come from app.css classes (no style attributes): a drawn bar is terracotta.
    assert bars.first.evaluate("e => getComputedStyle(e).fill") == "rgb(180, 83, 42)"
    heights = [float(bars.nth(i).get_attribute("height")) for i in range(bars.count())]
    assert max(heights) > 50


@pytest.mark.browser
def test_dashboard_and_home_for_each_role(live_server, page, demo, login, shot):
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.add_init_script(LISTEN_FOR_CSP)

    for role, person in demo.items():
        page.set_viewport_size(DESKTOP)
        login(page, person)
        expect(page.get_by_role("heading", name="Today's surprise suggestions")).to_be_visible()
        expect(page.locator(".suggestion")).to_have_count(3)
        expect(page.get_by_role("heading", name=re.compile("Follow-ups due"))).to_be_visible()
        expect(page.locator(".leaderboard__row").first).to_be_visible()
        # My own points and kudos, on the board or not.
        expect(page.locator("#my-recognition")).to_contain_text("My points this month")
        if role == "manager":
            expect(page.get_by_text(re.compile(r"\d+ waiting for you"))).to_be_visible()
        shot(page, f"home-{role}-desktop")
        assert _violations(page) == []

        page.goto(f"{live_server.url}/dashboard/?period=3m")
        expect(page.get_by_role("heading", name="Dashboard · Harbour Hotel")).to_be_visible()
        expect(page.locator("#summary")).to_contain_text("acts")
        expect(page.locator(".tiles").first.locator(".tile")).to_have_count(5)
        _check_charts(page)
        export = page.get_by_role("link", name="acts (CSV)")
        expect(export).to_have_count(1 if role == "admin" else 0)
        shot(page, f"dashboard-{role}-desktop")
        assert _violations(page) == []

        page.set_viewport_size(PHONE)
        page.reload()
        _check_charts(page)
        # Nothing wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, f"dashboard-{role}-phone")
        page.goto(f"{live_server.url}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, f"home-{role}-phone")
        assert _violations(page) == []

        page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))

    csp_errors = [e for e in console_errors if "Content Security Policy" in e or "Refused to" in e]
    assert csp_errors == []


@pytest.mark.browser
def test_admin_picks_all_teams_and_staff_mark_a_follow_up_done(live_server, page, demo, login):
    page.add_init_script(LISTEN_FOR_CSP)
    login(page, demo["admin"])
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_label("Team", exact=True).select_option(label="All teams")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Dashboard · All teams")).to_be_visible()
    expect(page).to_have_url(re.compile(r"team=all"))
    page.get_by_label("Period", exact=True).select_option(label="This year")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#chart-activity h2")).to_have_text(re.compile("per (week|month)"))
    # Changing From is enough: the period becomes "Custom dates" (no script needed).
    first_day = timezone.localdate().replace(day=1).isoformat()
    page.get_by_label("From", exact=True).fill(first_day)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Period", exact=True)).to_have_value("custom")
    expect(page.get_by_label("From", exact=True)).to_have_value(first_day)
    assert _violations(page) == []
    page.get_by_role("button", name="Log out").click()

    login(page, demo["staff"])
    due = page.locator("#followups-title .count")
    before = int(due.inner_text())
    assert before >= 3  # the three brought forward, and any the demo's NPS answers opened
    first = page.locator("#followups .followup").first
    kind = first.locator(".card__title").inner_text().split(" · ")[0]
    first.get_by_role("button", name=re.compile("^Done")).click()
    expect(page.locator(".message--success")).to_contain_text(f"Done: {kind.lower()} for")
    expect(due).to_have_text(str(before - 1))


@pytest.mark.browser
def test_routine_warning_appears_while_logging(live_server, page, demo, login, shot):
    page.add_init_script(LISTEN_FOR_CSP)
    staff = demo["staff"]
    recent = (
        Act.objects.filter(
            team=staff.team, status__in=GOING_AHEAD, date__gte=timezone.localdate() - timezone.timedelta(days=20)
        )
        .select_related("customer")
        .order_by("-date")
        .first()
    )
    login(page, staff)
    page.goto(f"{live_server.url}/acts/new/")
    pick_customer(page, recent.customer.name)
    page.locator("#id_kind").select_option(recent.kind)
    warning = page.locator("#routine-warnings")
    expect(warning).to_contain_text(f"{recent.customer.name} already had this kind of gesture")
    page.locator("#id_kind").select_option("waiver" if recent.kind != "waiver" else "upgrade")
    expect(warning).not_to_contain_text("already had this kind of gesture")
    shot(page, "log-act-routine-warning")
    assert _violations(page) == []
