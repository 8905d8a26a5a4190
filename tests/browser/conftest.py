"""Browser journeys: Chromium drives the real pages served by live_server."""

import io
import os
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from core.models import User
from tests.factories import PASSWORD


@pytest.fixture
def page(page):
    # BROWSER_TIMEOUT_MS: longer on a machine busy with other work (5 s by default), for
    # the page's actions and for expect() alike.
    timeout = int(os.environ.get("BROWSER_TIMEOUT_MS", "5000"))
    page.set_default_timeout(timeout)
    expect.set_options(timeout=timeout)
    return page


@pytest.fixture
def login(live_server):
    """Log a page in through the real login form."""

    def do_login(page, user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do_login


@pytest.fixture
def shot(screenshot_dir):
    def take(page, name):
        page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)

    return take


def pick_customer(page, name, *, label="Customer"):
    """Choose a customer in the picker as a person would: type, then tick the match."""
    page.get_by_label(label, exact=True).fill(name)
    page.get_by_role("radio", name=re.compile(rf"^{re.escape(name)}\b")).first.check()


def demo_people() -> dict:
    """The demo loaded, and its staff, manager and admin with the tests' password, by username."""
    call_command("seed_demo", force=True, stdout=io.StringIO())
    people = {}
    for username in ("staff", "manager", "admin"):
        person = User.objects.get(username=username)
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
        people[username] = person
    return people
