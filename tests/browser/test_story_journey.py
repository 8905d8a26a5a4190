"""A story's journey in a real browser: staff delivers an act and makes the customer's
personal link; the customer, with no login, scores and tells their story; an admin
approves it; it shows on the wall and on the act. Hostile words go the same way and
never run a script."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from acts import services as act_services
from core.models import Role
from customers import services
from stories import services as story_services
from stories import survey as survey_links
from stories.models import Story
from tests.factories import CustomerFactory, TeamFactory, UserFactory, log_act

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    # Links a stranger may type, hoping they become clickable.
    '<a href="javascript:alert(1)">see my review</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">photos</a>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="10" y="20">tap here</text></a></svg>',
]
# Story links that are not http(s). The service refuses them; these are written straight
# into the database, as an old import might have, to prove the page never makes them hrefs.
HOSTILE_LINKS = [
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    " JaVaScRiPt:alert(1)",
]
# Any element whose href (or SVG xlink:href) would run script or load a data: document.
FIND_HOSTILE_HREFS = """() => [...document.querySelectorAll("*")].flatMap(el =>
  [el.getAttribute("href"), el.getAttributeNS("http://www.w3.org/1999/xlink", "href")]
    .filter(v => v && /^\\s*(javascript|data|vbscript):/i.test(v.replace(/[\\t\\n\\r]/g, ""))))"""


def _assert_no_hostile_href(page):
    assert page.evaluate(FIND_HOSTILE_HREFS) == []
    assert page.locator('a[href^="javascript:"], a[href^="data:"]').count() == 0


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
        (
            "James Whitfield",
            "They upgraded us to the harbour suite for our anniversary. We cried. We have told everyone at work.",
            "feature",
        ),
        ("Mariam Chen", "Lost my luggage on the way; by the evening the staff had bought me essentials.", "approve"),
    ):
        customer = CustomerFactory(team=team, name=name)
        act = _delivered(staff, customer, solution="A surprise for the guest", problem="Something went wrong", cost="0")
        story = story_services.story_record(
            user=staff,
            customer=customer,
            channel="review",
            text=text,
            acts=[act],
            consent=True,
            url="https://www.tripadvisor.com/r/1",
        )
        story_services.story_moderate(user=admin, story=story, decision=decision)
    waiting = story_services.story_record(
        user=staff,
        customer=CustomerFactory(team=team, name="Tom Becker"),
        channel="word_of_mouth",
        text="Told his brother about the birthday cake.",
        consent=False,
    )

    dialogs: list[str] = []
    _watch(page, dialogs)
    page.set_viewport_size(DESKTOP)

    # Staff logged an act ($38: within the empowerment limit, so approved at once); in the
    # browser, on its page, she marks it delivered, then makes and copies the customer's link.
    act = log_act(
        staff,
        cost="38.00",
        customer=elena,
        solution="Had a steak waiting at the arrival gate",
        problem="Arriving hungry on a late flight",
    )
    assert act.status == "approved"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    login(page, staff)
    page.goto(f"{live_server.url}/acts/{act.pk}/")
    expect(page.get_by_role("button", name="Create a survey link")).to_have_count(0)
    expect(page.locator(".page-header .badge")).to_have_text("Logged")  # empowered: nobody approved it
    page.get_by_text("It cost something else?").click()  # not the one-tap Done at $38.00
    page.get_by_label("What it actually cost").fill("36.50")
    page.get_by_role("button", name="Mark delivered").click()
    expect(page.get_by_text("Make sure they know.")).to_be_visible()
    act.refresh_from_db()
    assert (act.status, act.actual_cost) == ("delivered", Decimal("36.50"))
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
    _answer(
        customer_page,
        survey_url,
        score=10,
        text="The steak at the gate! After fourteen hours of travel it felt like coming home.",
    )
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
    hostile_acts = []
    for index, text in enumerate(XSS_CORPUS):
        customer = CustomerFactory(team=team, name=f"Guest {index}")
        hostile_act = _delivered(staff, customer, solution=f"Gesture {index} {text}", problem="Test", cost="0")
        hostile_acts.append(hostile_act)
        _link, token = survey_links.survey_link_create(user=staff, act=hostile_act)
        _answer(hostile_page, f"{live_server.url}/s/{token}", score=index, text=text)
    hostile_page.context.close()
    # Hostile links the service would refuse, as if an old import had stored them.
    hostile_stories = list(Story.objects.filter(status="submitted", channel="survey").order_by("pk"))
    for hostile, link in zip(hostile_stories, HOSTILE_LINKS, strict=False):
        Story.objects.filter(pk=hostile.pk).update(url=link)
    admin_page.goto(f"{live_server.url}/stories/review/")
    _assert_no_hostile_href(admin_page)
    for hostile in hostile_stories:
        admin_page.locator(f"#review-{hostile.pk}").get_by_role("button", name="Feature").click()
        expect(admin_page.locator(f"#review-{hostile.pk}")).to_contain_text("Featured")
    urls = ["/stories/", f"/customers/{elena.pk}/", "/stories/review/", f"/acts/{act.pk}/"]
    urls += [f"/acts/{hostile_act.pk}/" for hostile_act in hostile_acts]
    urls += [f"/customers/{hostile.customer_id}/" for hostile in hostile_stories[: len(HOSTILE_LINKS)]]
    for url in urls:
        admin_page.goto(f"{live_server.url}{url}")
        expect(admin_page.locator("main")).to_be_visible()
        _assert_no_hostile_href(admin_page)
        assert admin_page.locator("main script, main img, main svg, main iframe, main object").count() == 0, url
    admin_page.goto(f"{live_server.url}/stories/")
    for text in XSS_CORPUS:
        expect(admin_page.get_by_text(text, exact=True).first).to_be_visible()  # shown as words
    # Every link on a story card goes somewhere of ours, or to a plain http(s) site.
    for href in admin_page.locator("main .story a").evaluate_all("links => links.map(a => a.href)"):
        assert href.startswith((live_server.url, "https://", "http://")), href
    shot(admin_page, "story-wall-hostile")
    # Clicking the words that look like links runs nothing either.
    admin_page.get_by_text(XSS_CORPUS[5], exact=True).first.click()
    admin_page.get_by_text(XSS_CORPUS[7], exact=True).first.click()
    assert admin_page.evaluate("window.__csp") == []
    assert dialogs == []
    admin_context.close()


@pytest.mark.browser
def test_a_long_referral_chain_on_a_phone(live_server, page, login, shot, transactional_db):
    team = TeamFactory(name="Harbour Hotel")
    staff = UserFactory(username="ana", first_name="Ana", last_name="Silva", team=team, role=Role.STAFF)
    root = services.customer_create(user=staff, name="Lucia Ferrante")
    parent = root
    for generation in range(1, 24):
        parent = services.customer_create(user=staff, name=f"Guest of gen {generation}", referred_by=parent)
    page.set_viewport_size(PHONE)
    login(page, staff)
    page.goto(f"{live_server.url}/customers/{root.pk}/")
    expect(page.get_by_text("Lucia Ferrante created 23 customers:")).to_be_visible()
    expect(page.locator(".tree li")).to_have_count(20)
    expect(page.get_by_text("and 3 more customers in deeper generations")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_text("and 3 more customers").scroll_into_view_if_needed()
    shot(page, "customer-referral-chain-phone")
