"""Phone navigation: at 390 px every link of each role is on screen without scrolling
sideways, and no main page is wider than the phone."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from secondmile.demo.data import PASSWORD as DEMO_PASSWORD

PHONE = {"width": 390, "height": 844}

# Every link in the order the header shows it, with the roles that see it.
NAVIGATION = [
    ("Acts", "/acts/", {"staff", "manager", "admin"}),
    ("Approvals", "/approvals/", {"manager", "admin"}),
    ("Customers", "/customers/", {"staff", "manager", "admin"}),
    ("Stories", "/stories/", {"staff", "manager", "admin"}),
    ("Review", "/stories/review/", {"admin"}),
    ("Dashboard", "/dashboard/", {"staff", "manager", "admin"}),
    ("Rewards", "/rewards/", {"staff", "manager", "admin"}),
    ("Policy", "/team/policy/", {"admin"}),
    ("Audit", "/audit/", {"admin"}),
    ("Admin", "/admin/", {"admin"}),
]
LINKS = {
    role: {name: href for name, href, roles in NAVIGATION if role in roles} for role in ("staff", "manager", "admin")
}


def assert_links_on_screen(page, names):
    nav = page.get_by_role("navigation", name="Main")
    for name in names:
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0, f"{name} is cut off on the left: {box}"
        assert box["x"] + box["width"] <= PHONE["width"], f"{name} is cut off on the right: {box}"
        assert box["height"] >= 44, f"{name} is smaller than a thumb: {box}"


def page_width(page):
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.browser
@pytest.mark.parametrize("username", ["staff", "manager", "admin"])
def test_every_link_of_the_role_fits_a_phone_and_no_page_scrolls_sideways(
    live_server, page, transactional_db, shot, username
):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    links = LINKS[username]
    assert_links_on_screen(page, links)
    shot(page, f"phone-nav-{username}")

    # The links are plain links: a keyboard reaches each in order without a script.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Acts", exact=True).focus()
    for name in list(links)[1:]:
        page.keyboard.press("Tab")
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_focused()

    for path in ["/", *(href for href in links.values() if href != "/admin/")]:
        page.goto(f"{live_server.url}{path}")
        scroll_width, inner_width = page_width(page)
        assert scroll_width <= inner_width, f"{path} is {scroll_width} px wide on a {inner_width} px phone"
        assert_links_on_screen(page, links)
    shot(page, f"phone-nav-{username}-last-page")
