"""Issue 4 journey: a manager clears the approval queue in place; the requester sees the outcome."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from acts.models import Act
from core.models import Role
from tests.browser.conftest import pick_customer
from tests.factories import CustomerFactory, TeamFactory, UserFactory, log_act

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The strict CSP must not refuse anything htmx does (an inline style, an eval).
CSP_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
"""


def request_for(staff, *, cost, customer, solution, problem, **fields):
    return log_act(
        staff,
        cost=cost,
        customer=customer,
        solution=solution,
        problem=problem,
        **fields,
        right_thing="She has been a customer for twelve years.",
        great_experience="She can stay close to her mother tonight.",
        how_they_know="I hand her the booking at the desk.",
    )


ANSWERS = {
    "Is it the right thing to do? Why?": "She has been a customer for twelve years.",
    "Will it make a great experience? How?": "She can stay close to her mother tonight.",
    "How will the customer know what we did?": "I hand her the booking at the desk.",
}


def log_in_the_browser(page, live_server, *, customer, problem, solution, cost):
    """Staff log an act through the real form at /acts/new/, as a person would."""
    page.goto(f"{live_server.url}/acts/new/")
    pick_customer(page, customer)
    page.get_by_label("What did they expect or need?").fill(problem)
    page.get_by_role("radio", name=re.compile(r"^Response —")).check()
    page.get_by_role("radio", name=re.compile(r"^Reactive")).check()
    page.get_by_label("What did you do?").fill(solution)
    page.get_by_label("Kind of gesture").select_option("gift")
    page.get_by_label("Cost ($)").fill(cost)
    for label, answer in ANSWERS.items():
        page.get_by_label(label).fill(answer)
    page.get_by_role("button", name="Log act").click()
    expect(page).to_have_url(re.compile(r"/acts/\d+/$"))
    return int(re.search(r"/acts/(\d+)/$", page.url).group(1))


@pytest.mark.browser
def test_manager_decides_in_place_and_the_requester_sees_it(live_server, page, browser, transactional_db, login, shot):
    team = TeamFactory(name="Harbour")
    staff = UserFactory(username="ana", first_name="Ana", team=team, role=Role.STAFF)
    colleague = UserFactory(username="sam", first_name="Sam", team=team, role=Role.STAFF)
    manager = UserFactory(username="marcus", first_name="Marcus", team=team, role=Role.MANAGER)
    CustomerFactory(team=team, name="Elena Petrova")
    walter = CustomerFactory(team=team, name="Walter Hughes")

    # The staff member logs the $75 act in her own browser, through the form.
    staff_context = browser.new_context(viewport=PHONE)
    try:
        staff_page = staff_context.new_page()
        staff_page.set_default_timeout(5000)
        login(staff_page, staff)
        act_id = log_in_the_browser(
            staff_page,
            live_server,
            customer="Elena Petrova",
            problem="Her flight home was cancelled after her mother's surgery.",
            solution="Booked a taxi and a hotel night near the hospital.",
            cost="75",
        )
        expect(staff_page.locator(".page-header .badge")).to_have_text("Waiting for a manager")
        expect(staff_page.get_by_role("status").first).to_contain_text(
            "$75.00 for Elena Petrova is waiting for a manager"
        )
        shot(staff_page, "approval-requested-phone")
        approve_me = Act.objects.get(pk=act_id)
        assert (approve_me.author, approve_me.cost, approve_me.status, approve_me.approval_level) == (
            staff,
            Decimal("75.00"),
            "pending_approval",
            "manager",
        )
        assert approve_me.how_they_know == "I hand her the booking at the desk."

        decline_me = request_for(
            colleague,
            cost="90",
            customer=walter,
            problem="His anniversary dinner was on the night we were fully booked.",
            solution="A bottle of champagne delivered to his home.",
        )
        stays = request_for(
            staff,
            cost="60",
            customer=walter,
            problem="The delivery of his new sofa came a week late.",
            solution="A cleaning of the old sofa before it is collected.",
        )
        assert {a.status for a in (decline_me, stays)} == {"pending_approval"}
        _manager_clears_the_queue(
            page, live_server, login, shot, manager=manager, approve_me=approve_me, decline_me=decline_me, stays=stays
        )

        # The requester sees the approval and the note on the timeline.
        staff_page.goto(f"{live_server.url}/acts/{approve_me.pk}/")
        expect(staff_page.locator(".page-header .badge")).to_have_text("Approved")
        approved = staff_page.locator(".timeline > li").filter(
            has=staff_page.locator("strong", has_text=re.compile(r"^Approved$"))
        )
        expect(approved).to_contain_text("Marcus")
        expect(approved).to_contain_text("$75.00")
        expect(approved.locator("blockquote")).to_have_text("Good call, Ana. Keep the receipt.")
        next_step = staff_page.get_by_role("region", name="Next step")
        expect(next_step).to_contain_text("Approved for $75.00 by Marcus.")
        expect(next_step).to_contain_text("Good call, Ana. Keep the receipt.")
        expect(next_step.get_by_role("button", name="Mark delivered")).to_be_visible()
        shot(staff_page, "act-approved-phone")
    finally:
        staff_context.close()


def _manager_clears_the_queue(page, live_server, login, shot, *, manager, approve_me, decline_me, stays):
    # The manager's queue, oldest first, with the budget on top.
    page.set_viewport_size(DESKTOP)
    page.add_init_script(CSP_VIOLATIONS)
    login(page, manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    expect(page).to_have_url(re.compile(r"/approvals/$"))
    cards = page.locator("#queue > li")
    expect(cards).to_have_count(3)
    expect(cards.nth(0)).to_contain_text("$75.00")
    expect(cards.nth(1)).to_contain_text("$90.00")
    budget = page.locator("#budget-remaining")
    expect(budget).to_have_text("$1,000.00")
    first = page.locator(f"#request-{approve_me.pk}")
    expect(first).to_contain_text("She can stay close to her mother tonight.")
    expect(first).to_contain_text("after approval $925.00 left")
    expect(first.locator(".badge")).to_have_text("Waiting for a manager")
    shot(page, "approvals-queue")
    page.set_viewport_size(PHONE)
    shot(page, "approvals-queue-phone")
    page.set_viewport_size(DESKTOP)

    # Approve with a note: the card becomes the confirmation and the budget updates, no reload.
    page.evaluate("window.__marker = 1")
    first.get_by_label("Note").fill("Good call, Ana. Keep the receipt.")
    first.get_by_role("button", name="Approve").click()
    expect(first).to_contain_text("Approved $75.00 for Elena Petrova — $925.00 left in")
    expect(first.get_by_role("button")).to_have_count(0)
    expect(first.get_by_role("link", name="Open the act")).to_be_visible()
    expect(budget).to_have_text("$925.00")
    expect(page.locator("#queue-count")).to_have_text("2")
    # The other cards' "after approval" figures follow the budget.
    expect(page.locator(f"#request-{decline_me.pk}")).to_contain_text("after approval $835.00 left")
    assert page.evaluate("window.__marker") == 1
    expect(page).to_have_url(re.compile(r"/approvals/$"))
    shot(page, "approvals-approved")

    # Decline the next one inline, with a reason, on a phone.
    page.set_viewport_size(PHONE)
    second = page.locator(f"#request-{decline_me.pk}")
    # The reason waits behind "Decline…", which opens from the keyboard.
    expect(second.get_by_label("Reason to decline")).to_be_hidden()
    second.locator("summary", has_text="Decline…").focus()
    page.keyboard.press("Enter")
    second.get_by_label("Reason to decline").fill("We gave Walter a voucher last week; a note this time.")
    second.get_by_role("button", name=re.compile(r"^Decline \$90\.00 for Walter Hughes$")).click()
    expect(second).to_contain_text("Declined $90.00 for Walter Hughes. The requester sees your reason.")
    expect(budget).to_have_text("$925.00")
    expect(page.locator("#queue-count")).to_have_text("1")
    assert page.evaluate("window.__marker") == 1
    expect(page.locator(f"#request-{stays.pk}").get_by_role("button", name="Approve")).to_be_visible()
    assert page.evaluate("window.__csp") == []
    shot(page, "approvals-declined-phone")

    # A reload shows only what still waits.
    page.reload()
    expect(page.locator("#queue > li")).to_have_count(1)
    shot(page, "approvals-after-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "approvals-after")

    approve_me.refresh_from_db()
    decline_me.refresh_from_db()
    assert approve_me.status == "approved"
    assert approve_me.decided_by == manager
    assert decline_me.status == "declined"
    assert decline_me.decision_note == "We gave Walter a voucher last week; a note this time."
    assert Act.objects.get(pk=stays.pk).status == "pending_approval"


@pytest.mark.browser
def test_queue_refuses_an_approval_beyond_the_budget_in_place(live_server, page, transactional_db, login):
    team = TeamFactory(name="Harbour", monthly_budget="100.00")
    staff = UserFactory(username="ana", team=team, role=Role.STAFF)
    manager = UserFactory(username="marcus", team=team, role=Role.MANAGER)
    first = log_act(staff, cost="70")
    second = log_act(staff, cost="80")

    login(page, manager)
    page.goto(f"{live_server.url}/approvals/")
    page.locator(f"#request-{first.pk}").get_by_role("button", name="Approve").click()
    expect(page.locator("#budget-remaining")).to_have_text("$30.00")

    page.evaluate("window.__marker = 1")
    card = page.locator(f"#request-{second.pk}")
    card.get_by_role("button", name="Approve").click()
    # Refused: the card stays with the reason on top, its buttons still there.
    expect(card.get_by_role("alert")).to_contain_text("Only $30.00 is left of this month's budget")
    expect(card.get_by_role("button", name="Approve")).to_be_visible()
    expect(page.locator("#budget-remaining")).to_have_text("$30.00")
    assert page.evaluate("window.__marker") == 1
    assert Act.objects.get(pk=second.pk).status == "pending_approval"


@pytest.mark.browser
def test_admin_reads_each_request_against_its_own_budget(live_server, page, transactional_db, login, shot):
    harbour = TeamFactory(name="Harbour")
    riverside = TeamFactory(name="Riverside", monthly_budget="500.00")
    admin = UserFactory(username="priya", first_name="Priya", team=harbour, role=Role.ADMIN)
    ana = UserFactory(username="ana", first_name="Ana", team=harbour, role=Role.STAFF)
    rita = UserFactory(username="rita", first_name="Rita", team=riverside, role=Role.STAFF)
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    backdated = request_for(
        ana,
        cost="75",
        customer=CustomerFactory(team=harbour, name="Elena Petrova"),
        problem="Her flight was cancelled last month.",
        solution="A taxi and a hotel night, paid at the time.",
        date=last_month,
    )
    other = request_for(
        rita,
        cost="150",
        customer=CustomerFactory(team=riverside, name="Walter Hughes"),
        problem="His clinic appointment was moved twice.",
        solution="A taxi both ways to the new appointment.",
    )

    page.set_viewport_size(DESKTOP)
    login(page, admin)
    page.goto(f"{live_server.url}/approvals/")
    expect(page.locator(f"#request-{other.pk}")).to_contain_text(
        f"after approval $350.00 left in Riverside's budget for {other.date:%B %Y}"
    )
    expect(page.locator(f"#request-{backdated.pk}")).to_contain_text(
        f"after approval $925.00 left in Harbour's budget for {last_month:%B %Y}"
    )
    shot(page, "approvals-admin-queue")
    page.set_viewport_size(PHONE)
    shot(page, "approvals-admin-queue-phone")
