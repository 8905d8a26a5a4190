"""Two-factor sign-in: turning it on from the profile, the second step after the
password, recovery codes, the throttle on wrong codes, roles that require it, the API."""

import datetime
import re

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from core import errors, services
from core.tokens import api_token_create
from tests.factories import PASSWORD

START = datetime.datetime(2026, 3, 2, 9, 0, 10, tzinfo=datetime.UTC)
STEP = datetime.timedelta(seconds=30)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_for(key_hex: str) -> str:
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def turn_on(user) -> tuple[str, list[str]]:
    """Two-factor sign-in for `user` through the service; the hex key and recovery codes."""
    key = random_hex(20)
    _device, codes = services.mfa_enable(user=user, key=key, code=code_for(key))
    return key, codes


def log_in(client, user, **extra):
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, **extra)


def text(response) -> str:
    return response.content.decode()


def test_turning_it_on_from_the_profile(client_for, staff, clock):
    client = client_for(staff)
    profile = text(client.get("/accounts/profile/"))
    assert "Two-factor sign-in" in profile
    assert "Turn on two-factor sign-in" in profile

    page = client.get("/accounts/profile/two-factor/")
    assert page.status_code == 200
    html = text(page)
    # The QR code is inline SVG markup (the CSP allows no inline style, no data: needed).
    assert "<svg" in html
    assert "data:image" not in html
    secret = re.search(r'data-secret="([A-Z2-7]+)"', html).group(1)
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert '<label for="id_code">' in html

    key = client.session["mfa_setup_key"]
    refused = client.post("/accounts/profile/two-factor/", {"code": "000000"})
    assert errors.MSG_MFA_WRONG_CODE in text(refused)
    assert not TOTPDevice.objects.exists()

    from base64 import b32decode

    assert b32decode(secret).hex() == key  # the secret shown is the key the app needs
    done = client.post("/accounts/profile/two-factor/", {"code": code_for(key)})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/profile/two-factor/recovery-codes/"
    codes_page = text(client.get(done["Location"]))
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    # Shown once.
    assert client.get(done["Location"]).status_code == 302
    assert "10 recovery codes left" in text(client.get("/accounts/profile/"))
    # The session that set it up stays signed in.
    assert client.get("/acts/").status_code == 200


def test_after_the_password_a_code_is_needed_before_any_page(client, staff, clock):
    key, _codes = turn_on(staff)
    clock.shift(STEP)
    response = log_in(client, staff)
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == "/accounts/login/code/"
    blocked = client.get("/acts/")
    assert blocked.status_code == 302
    assert blocked["Location"] == "/accounts/login/code/?next=%2Facts%2F"
    assert client.get("/accounts/profile/").status_code == 302

    page = text(client.get("/accounts/login/code/"))
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page

    wrong = client.post("/accounts/login/code/", {"code": "123456", "next": "/acts/"})
    assert wrong.status_code == 200
    assert errors.MSG_MFA_WRONG_CODE in text(wrong)
    assert client.get("/acts/").status_code == 302

    right = client.post("/accounts/login/code/", {"code": code_for(key), "next": "/acts/"})
    assert right.status_code == 302
    assert right["Location"] == "/acts/"
    assert client.get("/acts/").status_code == 200


def test_a_code_is_accepted_once(client, staff, clock):
    key, _codes = turn_on(staff)
    # The code that confirmed the set-up cannot be replayed at the next login.
    log_in(client, staff)
    assert client.post("/accounts/login/code/", {"code": code_for(key)}).status_code == 200
    clock.shift(STEP)
    assert client.post("/accounts/login/code/", {"code": code_for(key)}).status_code == 302


def test_a_recovery_code_works_once(client, staff, clock):
    _key, codes = turn_on(staff)
    log_in(client, staff)
    response = client.post("/accounts/login/code/", {"code": codes[0].upper()}, follow=True)
    assert "You used a recovery code: 9 left." in text(response)
    assert client.get("/acts/").status_code == 200
    client.logout()
    log_in(client, staff)
    assert errors.MSG_MFA_WRONG_CODE in text(client.post("/accounts/login/code/", {"code": codes[0]}))


def test_five_wrong_codes_log_the_session_out(client, staff, clock):
    key, _codes = turn_on(staff)
    clock.shift(STEP)
    log_in(client, staff)
    for _ in range(4):
        assert client.post("/accounts/login/code/", {"code": "111111"}).status_code == 200
    fifth = client.post("/accounts/login/code/", {"code": "111111"}, follow=True)
    assert errors.MSG_MFA_TOO_MANY in text(fifth)
    assert "_auth_user_id" not in client.session
    assert client.post("/accounts/login/code/", {"code": code_for(key)})["Location"].startswith("/accounts/login/")


def test_an_empty_or_overlong_code_is_one_more_wrong_code_said_once(client, staff, clock):
    key, _codes = turn_on(staff)
    clock.shift(STEP)
    log_in(client, staff)
    for sent in ({}, {"code": ""}, {"code": "1" * 300}):
        page = text(client.post("/accounts/login/code/", sent))
        assert page.count(errors.MSG_MFA_WRONG_CODE) == 2  # beside the field, and the alert read out
        assert "This field is required" not in page
        assert 'aria-invalid="true"' in page
    assert client.session["mfa_failures"] == 3
    assert client.post("/accounts/login/code/", {"code": code_for(key)}).status_code == 302


def test_wrong_codes_count_towards_the_login_lockout(client, staff, clock):
    turn_on(staff)
    for _ in range(2):
        log_in(client, staff)
        for _ in range(5):
            last = client.post("/accounts/login/code/", {"code": "111111"})
    # Ten failures from this address: locked out, even with the right password.
    assert last.status_code == 429
    assert log_in(client, staff).status_code == 429


def test_turning_it_off_needs_a_current_code(client, staff, clock):
    key, _codes = turn_on(staff)
    clock.shift(STEP)
    log_in(client, staff)
    client.post("/accounts/login/code/", {"code": code_for(key)})
    refused = client.post("/accounts/profile/two-factor/off/", {"mfa_code": "000000"}, follow=True)
    assert errors.MSG_MFA_WRONG_CODE in text(refused)
    assert TOTPDevice.objects.filter(user=staff).exists()
    clock.shift(STEP)
    done = client.post("/accounts/profile/two-factor/off/", {"mfa_code": code_for(key)}, follow=True)
    assert "Two-factor sign-in is off." in text(done)
    assert not TOTPDevice.objects.exists()
    assert not StaticToken.objects.exists()
    client.logout()
    assert log_in(client, staff)["Location"] == "/"
    assert client.get("/").status_code == 200


# --- Roles that require it ----------------------------------------------------------


@pytest.fixture
def admins_require_mfa(settings):
    settings.MFA_REQUIRED_ROLES = ["admin"]


def test_a_required_role_without_a_device_must_set_it_up_first(client, admin_user, staff, admins_require_mfa, clock):
    response = log_in(client, admin_user)
    assert client.get(response["Location"])["Location"] == "/accounts/profile/two-factor/"
    for url in ("/acts/", "/admin/", "/team/policy/", "/accounts/login/code/"):
        assert client.get(url)["Location"].startswith("/accounts/profile/two-factor/"), url
    page = text(client.get("/accounts/profile/two-factor/"))
    assert "Your role needs two-factor sign-in" in page
    key = client.session["mfa_setup_key"]
    client.post("/accounts/profile/two-factor/", {"code": code_for(key)})
    assert client.get("/team/policy/").status_code == 200
    # It cannot be turned off while the role requires it.
    clock.shift(STEP)
    client.post("/accounts/profile/two-factor/off/", {"mfa_code": code_for(key)})
    assert TOTPDevice.objects.filter(user=admin_user).exists()
    # Other roles are not asked.
    other = client.__class__()
    assert other.get(log_in(other, staff)["Location"]).status_code == 200


def test_the_logout_works_before_the_set_up(client, admin_user, admins_require_mfa):
    log_in(client, admin_user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_the_api_refuses_a_session_before_its_second_step_but_not_a_token(client, admin_user, admins_require_mfa):
    _row, token = api_token_create(user=admin_user)
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()["username"] == "priya"
    log_in(client, admin_user)
    response = client.get("/api/me")
    assert response.status_code == 403
    assert response.json() == {"detail": errors.MSG_MFA_API_PENDING}


def test_the_api_serves_a_session_that_passed_its_second_step(client, staff, clock):
    key, _codes = turn_on(staff)
    clock.shift(STEP)
    log_in(client, staff)
    assert client.get("/api/me").status_code == 403
    client.post("/accounts/login/code/", {"code": code_for(key)})
    assert client.get("/api/me").json()["username"] == "ana"
