"""Foundation journey: each demo login (from seed_demo) goes through the real form and
sees its role's navigation; the demo admin manages people in the Django admin."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from core.models import Role, User
from secondmile.demo.data import PASSWORD as DEMO_PASSWORD
from tests.factories import PASSWORD, UserFactory

EVERYONE = ["Acts", "Customers", "Stories", "Dashboard"]
MANAGERS = ["Approvals"]
ADMINS = ["Review", "Policy", "Admin"]

NAVIGATION = {
    Role.STAFF: (EVERYONE, MANAGERS + ADMINS),
    Role.MANAGER: (EVERYONE + MANAGERS, ADMINS),
    Role.ADMIN: (EVERYONE + MANAGERS + ADMINS, []),
}


HREFS = {
    "Acts": "/acts/",
    "Customers": "/customers/",
    "Stories": "/stories/",
    "Dashboard": "/dashboard/",
    "Approvals": "/approvals/",
    "Review": "/stories/review/",
    "Policy": "/team/policy/",
    "Admin": "/admin/",
}


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def demo_login(page, live_server, username):
    """Log in through the real form with a login `seed_demo` printed."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.browser
def test_each_demo_login_sees_its_navigation_and_can_log_out(live_server, page, transactional_db, shot):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    logins = {Role.STAFF: "staff", Role.MANAGER: "manager", Role.ADMIN: "admin"}

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(main_nav(page)).to_have_count(0)
    shot(page, "login")

    for role, username in logins.items():
        demo_login(page, live_server, username)
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
def test_the_demo_admin_manages_people_in_the_django_admin(live_server, page, transactional_db, shot):
    """The demo admin is no superuser: the admin role alone lets them change a member's role."""
    call_command("seed_demo", force=True, stdout=io.StringIO())
    demo_login(page, live_server, "admin")
    main_nav(page).get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("link", name="Teams")).to_be_visible()
    page.get_by_role("link", name="Users").first.click()
    expect(page).to_have_url(re.compile(r"/admin/secondmile/user/$"))
    page.get_by_role("link", name="sam", exact=True).click()
    expect(page.get_by_label("Team:")).to_be_visible()
    expect(page.get_by_label("Superuser status")).to_have_count(0)
    page.get_by_label("Manager").check()
    shot(page, "admin-change-role")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert User.objects.get(username="sam").role == Role.MANAGER


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
