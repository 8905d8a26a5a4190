"""Foundation journey: each role logs in through the real form and sees its own navigation."""

import re

import pytest
from playwright.sync_api import expect

from secondmile.models import Role
from tests.factories import PASSWORD, TeamFactory, UserFactory

EVERYONE = ["Acts", "Customers", "Stories", "Dashboard"]
MANAGERS = ["Approvals"]
ADMINS = ["Review", "Policy", "Admin"]

NAVIGATION = {
    Role.STAFF: (EVERYONE, MANAGERS + ADMINS),
    Role.MANAGER: (EVERYONE + MANAGERS, ADMINS),
    Role.ADMIN: (EVERYONE + MANAGERS + ADMINS, []),
}


HREFS = {
    "Acts": "/acts/", "Customers": "/customers/", "Stories": "/stories/", "Dashboard": "/dashboard/",
    "Approvals": "/approvals/", "Review": "/stories/review/", "Policy": "/team/policy/", "Admin": "/admin/",
}


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


@pytest.mark.browser
def test_each_role_sees_its_navigation_and_can_log_out(live_server, page, transactional_db, login, shot):
    team = TeamFactory(name="Harbour")
    users = {
        Role.STAFF: UserFactory(username="ana", first_name="Ana", team=team, role=Role.STAFF),
        Role.MANAGER: UserFactory(username="marcus", first_name="Marcus", team=team, role=Role.MANAGER),
        Role.ADMIN: UserFactory(username="priya", first_name="Priya", team=team, role=Role.ADMIN),
    }

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(main_nav(page)).to_have_count(0)
    shot(page, "login")

    for role, user in users.items():
        login(page, user)
        expect(page.locator(".site-user")).to_contain_text(role)
        shown, hidden = NAVIGATION[role]
        nav = main_nav(page)
        for name in shown:
            expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
        for name in hidden:
            expect(nav.get_by_role("link", name=name, exact=True)).to_have_count(0)
        shot(page, f"home-{role}")

        # Each link leads where its name says (the pages themselves are other journeys' business).
        for name in shown:
            expect(nav.get_by_role("link", name=name, exact=True)).to_have_attribute("href", HREFS[name])

        page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_role("button", name="Log out")).to_have_count(0)
        page.goto(f"{live_server.url}/acts/")
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/acts/"))


@pytest.mark.browser
def test_wrong_password_shows_the_error(live_server, page, transactional_db):
    UserFactory(username="ana", role=Role.STAFF)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD + "-wrong")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert")).to_have_text("That username and password do not match. Try again.")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_label("Username")).to_have_value("ana")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
