"""A story's journey in a real browser: staff delivers an act and makes the customer's
personal link; the customer, with no login, scores and tells their story; an admin
approves it; it shows on the wall and on the act. Hostile words go the same way and
never run a script."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from acts import services as act_services
from customers import services
from customers.models import Story
from secondmile.models import Role
from tests.factories import CustomerFactory, TeamFactory, UserFactory, log_act

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]
# Playwright's init scripts run outside the page's CSP: this one only listens for violations.
LISTEN_FOR_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def _delivered(author, customer, *, solution, problem, cost="38.00"):
    act = log_act(author, cost=cost, customer=customer, solution=solution, problem=problem)
    return act_services.act_deliver(user=author, act=act, actual_cost=Decimal(cost))


def _watch(page, dialogs):
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(LISTEN_FOR_CSP)


def _answer(page, url, *, score, text, consent=True):
    page.goto(url)
    page.get_by_label(str(score), exact=True).check()
    page.get_by_label("Would you tell us about it").fill(text)
    if consent:
        page.get_by_label("You may share what I wrote").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()


@pytest.mark.browser
def test_story_journey(live_server, page, browser, login, shot, transactional_db):
    team = TeamFactory(name="Harbour Hotel")
    staff = UserFactory(username="ana", first_name="Ana", last_name="Silva", team=team, role=Role.STAFF)
    admin = UserFactory(username="priya", first_name="Priya", last_name="Nair", team=team, role=Role.ADMIN)
    elena = CustomerFactory(team=team, name="Elena Petrova")
    # A wall with something on it already: one featured story, one approved.
    for name, text, decision in (
        ("James Whitfield", "They upgraded us to the harbour suite for our anniversary. We cried. "
         "We have told everyone at work.", "feature"),
        ("Mariam Chen", "Lost my luggage on the way; by the evening the staff had bought me essentials.",
         "approve"),
    ):
        customer = CustomerFactory(team=team, name=name)
        act = _delivered(staff, customer, solution="A surprise for the guest", problem="Something went wrong",
                         cost="0")
        story = services.story_record(user=staff, customer=customer, channel="review", text=text,
                                      acts=[act], consent=True, url="https://www.tripadvisor.com/r/1")
        services.story_moderate(user=admin, story=story, decision=decision)
    waiting = services.story_record(user=staff, customer=CustomerFactory(team=team, name="Tom Becker"),
                                    channel="word_of_mouth", text="Told his brother about the birthday cake.",
                                    consent=False)

    dialogs: list[str] = []
    _watch(page, dialogs)
    page.set_viewport_size(DESKTOP)

    # Staff delivers an act (logged and delivered through the services: $38 is within the
    # empowerment limit) and, on its page, makes and copies the customer's link.
    act = _delivered(staff, elena, solution="Had a steak waiting at the arrival gate",
                     problem="Arriving hungry on a late flight")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    login(page, staff)
    page.goto(f"{live_server.url}/acts/{act.pk}/")
    page.get_by_role("button", name="Create a survey link").click()
    expect(page.get_by_text("Copy it now: it is shown only once.")).to_be_visible()
    link_box = page.locator(f"#survey-url-{act.pk}")
    expect(link_box).to_have_attribute("readonly", "")
    survey_url = link_box.input_value()
    assert survey_url.startswith(f"{live_server.url}/s/")
    page.get_by_role("button", name="Copy").click()
    copy = page.locator(f'[data-copy="survey-url-{act.pk}"]')
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == survey_url
    shot(page, "story-act-survey-link")

    # The customer, in a fresh browser with no login, answers on a phone.
    customer_context = browser.new_context(viewport=PHONE)
    customer_page = customer_context.new_page()
    customer_page.set_default_timeout(5000)
    _watch(customer_page, dialogs)
    customer_page.goto(survey_url)
    expect(customer_page.get_by_role("heading", name="Hello Elena,")).to_be_visible()
    expect(customer_page.get_by_text("Had a steak waiting at the arrival gate")).to_be_visible()
    expect(customer_page.locator(".site-header")).to_have_count(0)
    expect(customer_page.locator(".scores input[type=radio]")).to_have_count(11)
    for score in range(11):
        box = customer_page.locator(".scores label").nth(score).bounding_box()
        assert min(box["height"], box["width"]) >= 44, box  # tap targets
    assert customer_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(customer_page, "survey-phone")
    customer_page.set_viewport_size(DESKTOP)
    shot(customer_page, "survey-desktop")
    customer_page.set_viewport_size(PHONE)
    _answer(customer_page, survey_url, score=10,
            text="The steak at the gate! After fourteen hours of travel it felt like coming home.")
    shot(customer_page, "survey-thanks-phone")
    assert customer_page.evaluate("window.__csp") == []
    # A reload shows the thanks again; anyone else finds a used link like any wrong link.
    customer_page.reload()
    expect(customer_page.get_by_role("heading", name="Thank you!")).to_be_visible()
    customer_context.close()
    someone_else = browser.new_context().new_page()
    someone_else.goto(survey_url)
    expect(someone_else.get_by_role("heading", name="This link is not valid any more")).to_be_visible()
    someone_else.context.close()

    # The admin approves it inline in the review queue.
    story = Story.objects.get(customer=elena)
    admin_context = browser.new_context(viewport=DESKTOP)
    admin_page = admin_context.new_page()
    admin_page.set_default_timeout(5000)
    _watch(admin_page, dialogs)
    login(admin_page, admin)
    admin_page.goto(f"{live_server.url}/stories/review/")
    expect(admin_page.locator(".review-card")).to_have_count(3)  # two waiting, one to feature
    expect(admin_page.get_by_text("2", exact=True).first).to_be_visible()
    shot(admin_page, "story-review")
    card = admin_page.locator(f"#review-{story.pk}")
    card.get_by_role("button", name="Approve").click()
    expect(card).to_contain_text("Approved Elena Petrova's story. It is on the wall.")
    expect(admin_page.locator("#queue-count")).to_contain_text("1 waiting")
    expect(admin_page.locator(f"#review-{waiting.pk}")).to_be_visible()
    story.refresh_from_db()
    assert story.status == "approved"
    assert story.moderated_by == admin

    # It shows on the wall, crediting Ana, and on the act's page.
    page.goto(f"{live_server.url}/stories/")
    elena_card = page.locator(f"#story-{story.pk}")
    expect(elena_card).to_contain_text("After fourteen hours of travel")
    expect(elena_card).to_contain_text("Thanks to Ana Silva")
    expect(page.locator(".story--featured")).to_have_count(1)
    shot(page, "story-wall")
    elena_card.get_by_role("link", name="Had a steak waiting at the arrival gate").click()
    expect(page).to_have_url(f"{live_server.url}/acts/{act.pk}/")
    expect(page.get_by_text("After fourteen hours of travel")).to_be_visible()

    # Her page shows her score and story; a staff member records another score there.
    page.goto(f"{live_server.url}/customers/{elena.pk}/")
    expect(page.locator(".nps-list")).to_contain_text("promoter")
    page.get_by_text("Record a score they gave").click()
    page.locator(".nps-new").get_by_label("6", exact=True).check()
    page.get_by_label("What they said").fill("The second night was noisy.")
    shot(page, "story-customer-nps-form")
    page.get_by_role("button", name="Record score").click()
    expect(page.get_by_text("A detractor: a follow-up is due today")).to_be_visible()
    expect(page.get_by_role("heading", name="To do for Elena Petrova")).to_be_visible()
    shot(page, "story-customer")

    # A story Ana hears herself, recorded from the act's page.
    page.goto(f"{live_server.url}/acts/{act.pk}/")
    page.get_by_role("link", name="Record a story").click()
    expect(page.get_by_role("heading", name="Record Elena Petrova's story")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Had a steak waiting at the arrival gate", exact=False)).to_be_checked()
    page.get_by_label("The story, in their words").fill("She told the whole conference about the steak.")
    page.get_by_label("Link to it").fill("javascript:alert(1)")
    page.get_by_role("button", name="Record story").click()
    expect(page.get_by_text("must be a web address starting with https://")).to_be_visible()
    page.get_by_label("Link to it").fill("https://www.linkedin.com/posts/elena-steak")
    shot(page, "story-new")
    page.get_by_role("button", name="Record story").click()
    expect(page.get_by_text("It reaches the wall once an admin approves it.")).to_be_visible()
    expect(page.get_by_text("She told the whole conference about the steak.")).to_be_visible()

    # The hostile corpus through the survey, moderation and the wall: no script runs.
    hostile_page = browser.new_context().new_page()
    hostile_page.set_default_timeout(5000)
    _watch(hostile_page, dialogs)
    for index, text in enumerate(XSS_CORPUS):
        customer = CustomerFactory(team=team, name=f"Guest {index}")
        hostile_act = _delivered(staff, customer, solution=f"Gesture {index} {text}", problem="Test", cost="0")
        _link, token = services.survey_link_create(user=staff, act=hostile_act)
        _answer(hostile_page, f"{live_server.url}/s/{token}", score=index, text=text)
    hostile_page.context.close()
    admin_page.goto(f"{live_server.url}/stories/review/")
    for hostile in Story.objects.filter(status="submitted", channel="survey"):
        admin_page.locator(f"#review-{hostile.pk}").get_by_role("button", name="Feature").click()
        expect(admin_page.locator(f"#review-{hostile.pk}")).to_contain_text("Featured")
    for url in ("/stories/", f"/customers/{elena.pk}/", "/stories/review/"):
        admin_page.goto(f"{live_server.url}{url}")
        expect(admin_page.locator("main")).to_be_visible()
    admin_page.goto(f"{live_server.url}/stories/")
    for text in XSS_CORPUS:
        expect(admin_page.get_by_text(text, exact=True).first).to_be_visible()  # shown as words
    assert admin_page.locator("main script, main img, main svg").count() == 0
    assert dialogs == []
    admin_context.close()
