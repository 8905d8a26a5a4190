"""The API's docs page (/api/docs) is a working one: a signed-in person opens an operation,
tries it out and reads the answer about themselves; with an operation tried out and
another's request body open, the page passes the walk's audit at 1366 and 390 px."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import audit_at_every_width, load_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_try_an_operation_out_and_the_page_still_passes_the_audit(page, live_server, login, staff, shot):
    load_axe(page.context)
    login(page, staff)
    # Swagger UI's bundle is large: a busy machine takes a while to draw it.
    page.goto(f"{live_server.url}/api/docs", wait_until="domcontentloaded", timeout=30000)
    me = page.locator("#operations-people-secondmile_api_me")
    me.get_by_role("button", name="GET /api/me Me").click(timeout=30000)
    # The documented answer's example is drawn by the highlighter: its tokens are audited too.
    expect(me.locator(".responses-table .response-col_description .microlight span").first).to_be_visible()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    answer = me.locator(".live-responses-table")
    expect(answer.locator("tr.response .response-col_status")).to_have_text("200")
    expect(answer).to_contain_text(f'"username": "{staff.username}"')

    create = page.locator("#operations-customers-customers_api_customer_create")
    create.get_by_role("button", name="POST /api/customers Customer Create").click()
    create.get_by_role("button", name="Try it out").click()
    expect(create.get_by_role("textbox", name="Request body")).to_contain_text('"name"')

    assert not audit_at_every_width(page, lambda width: shot(page, f"api-docs-tried-{width}"))
    # axe leaves out some one-character tokens (a number's "0") on some runs: every colour
    # the highlighter gives a token is checked here against its block's background.
    pairs = page.evaluate(
        """() => [...document.querySelectorAll('.microlight span')].map((token) =>
            [getComputedStyle(token).color, getComputedStyle(token.closest('pre')).backgroundColor])"""
    )
    assert pairs
    assert not {pair for pair in map(tuple, pairs) if contrast(*pair) < 4.5}


def contrast(color: str, background: str) -> float:
    """WCAG's contrast ratio of two opaque CSS colours as the browser computes them (rgb(…))."""

    def luminance(rgb: str) -> float:
        channels = [int(value) / 255 for value in re.findall(r"\d+", rgb)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted([luminance(color), luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
