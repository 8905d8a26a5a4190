"""Journey: typing a problem on /acts/new/ brings up what worked before (htmx, after a
pause); the follow-ups page puts the detractor first and Done removes a card. Both at
desktop width and at 390 px (screenshots)."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from acts import playbook
from acts import services as act_services
from acts.models import FollowUp
from core.models import Role
from stories import nps
from stories import services as story_services
from tests.factories import CustomerFactory, TeamFactory, UserFactory, log_act

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def delivered(user, customer, problem, solution, cost):
    act = log_act(user, customer=customer, problem=problem, solution=solution, cost=cost)
    return act_services.act_deliver(user=user, act=act, actual_cost=Decimal(cost))


@pytest.mark.browser
def test_playbook_suggestions_and_the_follow_ups_page(live_server, page, transactional_db, login, shot, monkeypatch):
    monkeypatch.setattr(playbook, "_random", random.Random(4))
    team = TeamFactory(name="Harbour")
    staff = UserFactory(username="ana", first_name="Ana", team=team, role=Role.STAFF)
    admin = UserFactory(username="priya", team=team, role=Role.ADMIN)
    elena = CustomerFactory(team=team, name="Elena Petrova")
    flowers = delivered(
        staff, elena, "Her mother is sick in hospital during the stay", "Sent flowers to the ward with a card", "30"
    )
    story = story_services.story_record(
        user=staff, customer=elena, channel="review", text="They sent flowers!", acts=[flowers], consent=True
    )
    story_services.story_moderate(user=admin, story=story, decision="feature")
    delivered(staff, elena, "Mother sick at home, stay cut short", "A handwritten get-well card", "0")
    delivered(staff, elena, "Flight delayed, arrived hungry", "A steak waiting at the gate", "25")

    login(page, staff)
    page.goto(f"{live_server.url}/acts/new/")
    page.get_by_label("What did they expect or need?").fill("Guest's mother is sick")
    suggestions = page.locator("#playbook .playbook")
    expect(suggestions).to_contain_text("What worked before")
    expect(suggestions).to_contain_text("Sent flowers to the ward with a card")
    expect(suggestions).to_contain_text("Returned: 1 story on the wall")
    expect(suggestions).not_to_contain_text("A steak waiting at the gate")
    shot(page, "playbook-suggestions")
    page.set_viewport_size(PHONE)
    shot(page, "playbook-suggestions-390")
    page.set_viewport_size(DESKTOP)

    page.goto(f"{live_server.url}/playbook/")
    expect(page.get_by_role("heading", name="Playbook")).to_be_visible()
    shot(page, "playbook-page")

    # Follow-ups: an overdue thank-you, a check-in due today and a detractor case.
    today = timezone.localdate()
    ben = CustomerFactory(team=team, name="Ben Ortiz")
    FollowUp.objects.filter(team=team).update(due_on=today - datetime.timedelta(days=3))
    nps.nps_record(user=staff, customer=ben, score=2, comment="The room was cold and nobody came.")
    page.goto(f"{live_server.url}/followups/")
    cards = page.locator("#followup-list > li")
    expect(cards.first).to_contain_text("Detractor")
    expect(cards.first).to_contain_text("Ben Ortiz")
    count = cards.count()
    shot(page, "followups")
    page.set_viewport_size(PHONE)
    shot(page, "followups-390")
    page.set_viewport_size(DESKTOP)
    cards.first.get_by_role("button", name="Done").click()
    expect(page.get_by_role("status").first).to_contain_text("Done: detractor follow-up for Ben Ortiz.")
    expect(cards).to_have_count(count - 1)
    cards.first.get_by_role("button", name="Snooze").click()
    expect(page.get_by_role("status").first).to_contain_text("Snoozed:")
    expect(cards).to_have_count(count - 2)
