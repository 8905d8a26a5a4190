"""The finance lead's view on the demo data: customers who create customers and the goodwill
ledger on the dashboard, on a desktop and a phone, drawn under the strict CSP; the ledger's
CSV link downloads."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from core.models import User
from tests.factories import PASSWORD

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DEMO_TODAY = dt.datetime(2026, 6, 17, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin(transactional_db):
    with time_machine.travel(DEMO_TODAY, tick=True):
        call_command("seed_demo", force=True, stdout=io.StringIO())
        person = User.objects.get(username="admin")
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
        yield person


@pytest.mark.browser
def test_top_advocates_and_the_goodwill_ledger_on_desktop_and_phone(live_server, page, admin, login, screenshot_dir):
    login(page, admin)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/dashboard/?period=year")
        advocates = page.locator("#advocates")
        expect(advocates.get_by_role("heading", name="Customers who create customers")).to_be_visible()
        assert advocates.locator("#referral-rate").inner_text().endswith("%")
        expect(advocates.locator(".leaderboard__row").first).to_be_visible()
        ledger = page.locator("#goodwill-ledger")
        expect(ledger.locator("svg.chart")).to_be_visible()
        expect(ledger.locator("tbody tr")).to_have_count(6)  # January to June
        assert (
            ledger.locator("rect.bar--revenue").first.evaluate("e => getComputedStyle(e).fill") == "rgb(109, 138, 163)"
        )
        # Nothing wider than the screen: the table scrolls inside its card.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        advocates.screenshot(path=str(screenshot_dir / f"top-advocates-{size}.png"))
        ledger.screenshot(path=str(screenshot_dir / f"goodwill-ledger-{size}.png"))
    with page.expect_download() as download:
        page.get_by_role("link", name="goodwill ledger (CSV)").click()
    assert download.value.suggested_filename.startswith("goodwill-ledger-harbour-hotel-")
