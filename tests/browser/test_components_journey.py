"""One component set on the demo data, at 1366 and 390 px: buttons by role, tags that differ,
home not swamped by follow-ups, the phone layouts of the customer list, a customer's page,
the approval cards and the survey, date pickers in the app's words, and /api/docs' way back."""

import datetime as dt
import re

import pytest
import time_machine
from django.db.models import Count
from django.utils import timezone
from playwright.sync_api import expect

from acts.models import Act, FollowUp, Status
from core import errors
from customers.models import Customer
from stories import survey
from tests.browser.conftest import demo_people

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
DEMO_TODAY = dt.datetime(2026, 6, 17, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def demo(transactional_db):
    with time_machine.travel(DEMO_TODAY, tick=True):
        people = demo_people()
        # Every thank-you note of the team falls due today: the swamp home must not become.
        FollowUp.objects.filter(team=people["staff"].team, kind="thank_you", done_at__isnull=True).update(
            due_on=timezone.localdate()
        )
        yield people


def _width(page):
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def _both_widths(page, shot, name):
    page.set_viewport_size(PHONE)
    scroll_width, inner_width = _width(page)
    assert scroll_width <= inner_width, f"{name} is {scroll_width} px wide on a {inner_width} px phone"
    shot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, f"{name}-desktop")


def _background(locator):
    return locator.evaluate("e => getComputedStyle(e).backgroundColor")


def _survey_token(staff) -> str:
    """A survey link for the first delivered act whose customer is not in their quiet period."""
    for act in Act.objects.filter(team=staff.team, status=Status.DELIVERED).order_by("-id"):
        try:
            _link, token = survey.survey_link_create(user=staff, act=act)
        except errors.DomainError:
            continue
        return token
    raise AssertionError("no delivered act whose customer can be asked")


@pytest.mark.browser
def test_one_component_set_at_desktop_and_phone(live_server, page, login, shot, demo):
    page.set_viewport_size(DESKTOP)
    login(page, demo["staff"])

    # Home: a few follow-ups with outlined Done, the rest behind a link; Log an act the one solid button.
    followups = page.locator("#followups .followup")
    assert 1 <= followups.count() <= 3
    due = FollowUp.objects.filter(team=demo["staff"].team, done_at__isnull=True, due_on__lte=timezone.localdate())
    assert due.count() > 3
    names = [followups.nth(i).locator(".card__title a").inner_text() for i in range(followups.count())]
    assert len(names) == len(set(names)), f"one customer twice on one day: {names}"
    done = followups.first.get_by_role("button", name=re.compile(r"^Done"))
    assert _background(done) == "rgb(255, 255, 255)"  # outlined, not solid green
    log_an_act = page.locator(".page-header").get_by_role("link", name="Log an act")
    assert _background(log_an_act) == "rgb(180, 83, 42)"  # the accent: the page's primary action
    more = page.locator("#followups").get_by_role("link", name=re.compile(r"^…and \d+ more$"))
    expect(more).to_have_attribute("href", "/followups/")
    _both_widths(page, shot, "components-home-staff")

    # The feed: quadrant, trigger and kind look different, and say what they are.
    page.goto(f"{live_server.url}/acts/")
    tags = page.locator(".act-card").first.locator(".tags")
    quadrant, trigger, kind = (tags.locator(f".tag--{name}") for name in ("quadrant", "trigger", "kind"))
    looks = {
        _background(tag) + tag.evaluate("e => getComputedStyle(e).borderStyle + getComputedStyle(e).borderRadius")
        for tag in (quadrant, trigger, kind)
    }
    assert len(looks) == 3, looks
    expect(quadrant).to_contain_text("Expectation:")
    expect(trigger).to_contain_text("Trigger:")
    expect(kind).to_contain_text("Kind:")
    _both_widths(page, shot, "components-feed")

    # The customer list fits a phone: name and acts, the rest under the name.
    page.goto(f"{live_server.url}/customers/")
    page.set_viewport_size(PHONE)
    table = page.locator(".customers-table")
    assert table.bounding_box()["width"] <= PHONE["width"]
    expect(table.locator(".narrow-only").first).to_be_visible()
    expect(table.locator("th", has_text="Email")).to_be_hidden()
    _both_widths(page, shot, "components-customers")

    # A customer's page: on a phone the referrals and NPS are one tap from the top.
    advocate = Customer.objects.annotate(n=Count("referrals")).order_by("-n", "id").first()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/customers/{advocate.pk}/")
    jump = page.get_by_role("navigation", name="On this page")
    expect(jump).to_be_in_viewport()
    jump.get_by_role("link", name=re.compile(r"^Referrals")).click()
    expect(page.get_by_role("heading", name="Referrals", exact=True)).to_be_in_viewport()
    jump.get_by_role("link", name=re.compile(r"^NPS")).click()
    expect(page.get_by_role("heading", name="NPS", exact=True)).to_be_in_viewport()
    page.evaluate("window.scrollTo(0, 0)")
    _both_widths(page, shot, "components-customer")

    # The act form's date: the browser's picker, with the chosen day in the app's words beside it.
    page.goto(f"{live_server.url}/acts/new/")
    date = page.get_by_label("Date", exact=True)
    expect(page.locator("[data-day-echo='id_date']")).to_have_text("Wed 17 Jun 2026")
    date.fill("2026-06-03")
    expect(page.locator("[data-day-echo='id_date']")).to_have_text("Wed 3 Jun 2026")
    expect(page.get_by_text("Day, e.g. 1 Dec 2026: pick it from the calendar.")).to_be_visible()

    # The survey on a phone: the scores, the consent and Send without scrolling far.
    token = _survey_token(demo["staff"])
    survey_page = page.context.browser.new_page(viewport=PHONE)
    try:
        survey_page.goto(f"{live_server.url}/s/{token}")
        send = survey_page.get_by_role("button", name="Send")
        consent = survey_page.get_by_role("checkbox")
        send_bottom = send.bounding_box()["y"] + send.bounding_box()["height"]
        assert send_bottom <= PHONE["height"] * 1.35, f"Send ends at {send_bottom} px"
        assert consent.bounding_box()["y"] < send.bounding_box()["y"]
        shot(survey_page, "components-survey-phone")
        survey_page.set_viewport_size(DESKTOP)
        shot(survey_page, "components-survey-desktop")
    finally:
        survey_page.close()

    # /api/docs has a way back to the app.
    page.set_viewport_size(DESKTOP)
    # Swagger UI's bundle is large: a busy machine takes a while to draw it.
    page.goto(f"{live_server.url}/api/docs", wait_until="domcontentloaded", timeout=30000)
    back = page.get_by_role("link", name="← Back to Second Mile")
    expect(back).to_be_visible(timeout=30000)
    expect(back).to_have_attribute("href", "/")  # Swagger UI opens it in a new tab
    shot(page, "components-api-docs")
    with page.context.expect_page() as home_tab:
        back.click()
    expect(home_tab.value).to_have_url(f"{live_server.url}/")
    home_tab.value.close()


@pytest.mark.browser
def test_approval_cards_are_short_on_a_phone_and_decline_opens_by_keyboard(live_server, page, login, shot, demo):
    page.set_viewport_size(PHONE)
    login(page, demo["manager"])
    page.goto(f"{live_server.url}/approvals/")
    cards = page.locator("#queue > li")
    assert cards.count() >= 1
    first = cards.first
    height = first.bounding_box()["height"]
    reason = first.get_by_label("Reason to decline")
    expect(reason).to_be_hidden()
    expect(first.get_by_role("button", name="Approve")).to_be_visible()
    shot(page, "components-approvals-phone")
    summary = first.locator("summary", has_text="Decline…")
    summary.focus()
    page.keyboard.press("Enter")
    expect(reason).to_be_visible()
    assert first.bounding_box()["height"] > height
    shot(page, "components-approvals-decline-open-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "components-approvals-desktop")
    print(f"approval card at 390 px: {height:.0f} px closed")
    assert height < 700, f"an approval card is {height} px tall on a phone"
