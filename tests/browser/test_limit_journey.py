"""A staff member whose own limit has grown: the act form says so, a cost within it is
approved at once, and the profile leads to the limit's history with its reasons."""

import pytest
from playwright.sync_api import expect

from acts import policy, services
from core.models import Role
from tests.acts.test_empowerment import completed
from tests.browser.conftest import pick_customer
from tests.browser.test_act_journey import fill_act
from tests.factories import CustomerFactory, TeamFactory, UserFactory, log_act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_grown_limit_on_the_act_form_and_in_its_history(live_server, page, login, shot, width):
    team = TeamFactory(name="Harbour")
    staff = UserFactory(username="ana", first_name="Ana", last_name="Silva", team=team, role=Role.STAFF)
    manager = UserFactory(username="marcus", first_name="Marcus", team=team, role=Role.MANAGER)
    admin = UserFactory(username="priya", first_name="Priya", team=team, role=Role.ADMIN)
    policy.team_policy_update(user=admin, team=team, limit_growth_acts=2)
    customer = CustomerFactory(team=team, name="Elena Petrova")
    completed(staff, customer, 2)
    request = log_act(staff, customer=customer, cost="80.00")
    services.spend_decline(user=manager, act=request, note="The airline owes them this one: help them claim it.")
    completed(staff, customer, 2)

    page.set_viewport_size({"width": width, "height": 900})
    login(page, staff)
    page.goto(f"{live_server.url}/acts/new/")
    expect(page.get_by_text("You can approve up to $60.00 yourself; above that a manager decides.")).to_be_visible()
    pick_customer(page, "Elena Petrova")
    fill_act(page, problem="Her flight home was cancelled", solution="Dinner on us while she rebooked", cost="55")
    expect(page.locator("#three-questions")).to_be_hidden()  # within her own $60: no approver to answer
    page.get_by_label("Cost ($)").scroll_into_view_if_needed()
    shot(page, f"limit-act-form-{width}")
    # The playbook's and the warnings' answers (htmx) land first, so the page holds still for the click.
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Log act").click()
    expect(page.get_by_text("is within your own limit, so nobody has to approve it")).to_be_visible()

    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.get_by_role("heading", name="Your empowerment limit")).to_be_visible()
    page.get_by_role("link", name="Its history, with the reason of each change").click()
    expect(page.get_by_role("heading", name="Empowerment limit")).to_be_visible()
    expect(page.get_by_text("The airline owes them this one: help them claim it.")).to_be_visible()
    expect(page.get_by_text("$60.00 → $50.00")).to_be_visible()
    shot(page, f"limit-history-{width}")
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
