"""Issue 16 in the browser: a refused page explains itself in the shell (desktop and
phone); a $0 act reads Logged and is done in one tap from the feed; a survey link left
unused is marked as sent from the customer page."""

import re

import pytest
from playwright.sync_api import expect

from acts import services as act_services
from acts.models import Act
from core.models import Role
from stories.models import SurveyLink
from tests.factories import CustomerFactory, TeamFactory, UserFactory, log_act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def harbour():
    team = TeamFactory(name="Harbour")
    return {
        "team": team,
        "staff": UserFactory(username="ana", first_name="Ana", team=team, role=Role.STAFF),
        "manager": UserFactory(username="marcus", first_name="Marcus", last_name="Lee", team=team, role=Role.MANAGER),
        "admin": UserFactory(username="priya", first_name="Priya", last_name="Shah", team=team, role=Role.ADMIN),
        "customer": CustomerFactory(team=team, name="Elena Petrova"),
    }


@pytest.mark.parametrize("width", [1366, 390])
def test_staff_refused_approvals_learn_whom_to_ask(live_server, page, login, shot, harbour, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, harbour["staff"])
    page.goto(f"{live_server.url}/approvals/")
    expect(page.get_by_text("Not for your role")).to_be_visible()
    expect(page.get_by_text("Approvals are for managers.")).to_be_visible()
    expect(page.get_by_text("Your manager is Marcus Lee.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_attached()
    shot(page, f"refused-approvals-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"{live_server.url}/team/policy/")
    expect(page.get_by_text("The spend policy and budgets are set by admins.")).to_be_visible()
    expect(page.get_by_text("Ask your admin, Priya Shah.")).to_be_visible()
    shot(page, f"refused-policy-{width}")
    page.get_by_role("link", name="Go to the start page").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_a_free_act_reads_logged_and_is_done_in_one_tap(live_server, page, login, shot, harbour):
    staff = harbour["staff"]
    act = log_act(staff, cost="0", customer=harbour["customer"], solution="Walked her to the taxi with an umbrella")
    login(page, staff)
    page.goto(f"{live_server.url}/acts/")
    card = page.locator(".act-card").filter(has_text="Walked her to the taxi")
    expect(card.locator(".badge")).to_have_text("Logged")
    shot(page, "feed-logged-done")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "feed-logged-done-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card.get_by_role("button", name=re.compile(r"^Done")).click()
    expect(page).to_have_url(f"{live_server.url}/acts/")
    expect(page.get_by_role("status").first).to_contain_text("Delivered for $0.00. Now make sure Elena Petrova knows.")
    expect(card.locator(".badge")).to_have_text("Delivered")
    assert Act.objects.get(pk=act.pk).status == "delivered"


def test_an_unsent_survey_link_is_marked_as_sent_from_the_customer_page(live_server, page, login, shot, harbour):
    staff, customer = harbour["staff"], harbour["customer"]
    act = log_act(staff, cost="0", customer=customer)
    act_services.act_deliver(user=staff, act=act, actual_cost=0)
    login(page, staff)
    page.goto(f"{live_server.url}/acts/{act.pk}/")
    page.get_by_role("button", name="Create a survey link").click()
    expect(page.get_by_text("Copy it now: it is shown only once.")).to_be_visible()
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    survey = page.locator("section").filter(has=page.get_by_role("heading", name="Survey link"))
    expect(survey).to_contain_text("cannot be shown again")
    expect(survey.get_by_role("button", name="Make a new link (the old one stops working)")).to_be_visible()
    shot(page, "customer-survey-unsent")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "customer-survey-unsent-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    survey.get_by_role("button", name="Mark as sent").click()
    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.get_by_role("status").first).to_contain_text("Marked as sent to Elena Petrova")
    expect(page.get_by_role("button", name="Mark as sent")).to_have_count(0)
    shot(page, "customer-survey-sent")
    assert SurveyLink.objects.get().sent_by == staff
