"""The return table and an act's chain in a real browser, on the demo data: sorted by a
click, at desktop width and at 390 px, where the wide table scrolls inside its own box
and the page itself never scrolls sideways."""

import pytest
import time_machine
from playwright.sync_api import expect

from acts.models import ActChain
from tests.browser.test_dashboard_journey import DEMO_TODAY, DESKTOP, PHONE, _seed_demo


@pytest.fixture
def demo(transactional_db):
    with time_machine.travel(DEMO_TODAY, tick=True):
        yield _seed_demo()


def test_the_return_table_and_an_acts_chain(page, live_server, login, shot, screenshot_dir, demo):
    page.set_viewport_size(DESKTOP)
    login(page, demo["admin"])
    page.goto(f"{live_server.url}/dashboard/?period=year")
    table = page.locator("#roi")
    expect(table.get_by_role("heading", name="Return by person, kind and quadrant")).to_be_visible()
    table.get_by_role("link", name="Referral revenue").click()
    assert "sort=-revenue" in page.url
    expect(page.locator("#roi th[aria-sort='descending']")).to_contain_text("Referral revenue")
    table.get_by_role("link", name="Person", exact=True).first.click()
    assert "roi_by=person" in page.url
    table.scroll_into_view_if_needed()
    table.screenshot(path=str(screenshot_dir / "roi-table-desktop.png"))
    shot(page, "roi-dashboard-desktop")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/dashboard/?period=year")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator("#roi .roi-table")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls in its box
    box.scroll_into_view_if_needed()
    page.locator("#roi").screenshot(path=str(screenshot_dir / "roi-table-phone.png"))

    chained = ActChain.objects.filter(referred_customers_count__gt=0).order_by("-referred_customers_count").first()
    assert chained is not None, "the demo has referral chains"
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/acts/{chained.act_id}/")
        chain = page.locator("#chain")
        expect(chain).to_contain_text("Generation 1")
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        chain.scroll_into_view_if_needed()
        chain.screenshot(path=str(screenshot_dir / f"act-chain-{name}.png"))
