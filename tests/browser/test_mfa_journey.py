"""Two-factor journey: turn it on from the profile with a code computed from the secret
shown, log out, log in again with the password and a code. The recovery codes (shown
once) and the sign-in's second step, which the walk cannot open, pass its audit here."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.axe import audit_at_every_width, load_axe
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code(secret: str, *, drift: int = 0) -> str:
    return f"{totp(b32decode(secret), drift=drift):06d}"


def test_turn_on_two_factor_then_sign_in_with_a_code(page, live_server, login, staff, shot):
    load_axe(page.context)
    login(page, staff)
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_role("link", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Turn on two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#mfa-secret").get_attribute("data-secret")
    shot(page, "mfa-setup-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "mfa-setup-390")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_label("Enter the 6-digit code").fill(code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    assert not audit_at_every_width(page, lambda width: shot(page, f"mfa-recovery-codes-{width}"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="I have saved them").click()
    expect(page.locator("#two-factor")).to_contain_text("On")

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/code/**")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert not audit_at_every_width(page, lambda width: shot(page, f"mfa-code-{width}"))

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    assert not audit_at_every_width(page, lambda width: shot(page, f"mfa-code-refused-{width}"))
    # The code that confirmed the set-up cannot be used again: the next step's code can.
    page.get_by_label("Code").fill(code(secret, drift=1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Log an act").first).to_be_visible()
