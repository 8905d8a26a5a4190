"""Login throttling: a username from one address is locked out after LOGIN_FAILURE_LIMIT
failures, on our own login page, for LOGIN_COOLOFF_MINUTES, and an admin can lift it."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory

from core import errors
from core.security import client_ip
from tests.factories import PASSWORD

LOCKED = errors.MSG_LOGIN_LOCKED_OUT.format(minutes=15)
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def log_in(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_ten_failures_lock_out_even_the_right_password_for_fifteen_minutes(client, staff):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(9):
            response = log_in(client, "ana", "wrong")
            assert response.status_code == 200
            assert "That username and password do not match" in response.content.decode()
        tenth = log_in(client, "ana", "wrong")
        assert tenth.status_code == 429
        assert LOCKED in tenth.content.decode()

        # The 11th attempt has the right password and is refused all the same, on our page.
        eleventh = log_in(client, "ana", PASSWORD)
        assert eleventh.status_code == 429
        page = eleventh.content.decode()
        assert LOCKED in page
        assert 'class="card auth-card"' in page
        assert "<h1>Log in</h1>" in page
        assert not logged_in(client)

        # Attempts during the lock-out do not prolong it: it ends 15 minutes after the 10th.
        clock.shift(datetime.timedelta(minutes=14, seconds=50))
        assert log_in(client, "ana", PASSWORD).status_code == 429
        clock.shift(datetime.timedelta(seconds=11))
        assert log_in(client, "ana", PASSWORD).status_code == 302
        assert logged_in(client)


def test_the_limit_and_cool_off_come_from_settings(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    with time_machine.travel(START, tick=False):
        assert log_in(client, "ana", "wrong").status_code == 200
        assert log_in(client, "ana", "wrong").status_code == 200
        assert log_in(client, "ana", "wrong").status_code == 429


def test_a_stranger_elsewhere_cannot_lock_someone_out(client, staff):
    for _ in range(12):
        log_in(client, "ana", "wrong", REMOTE_ADDR="203.0.113.66")
    assert log_in(client, "ana", "wrong", REMOTE_ADDR="203.0.113.66").status_code == 429
    # Ana, from her own address, logs in.
    assert log_in(client, "ana", PASSWORD, REMOTE_ADDR="198.51.100.10").status_code == 302


def test_attempts_are_kept_in_the_database_for_every_server(client, staff):
    log_in(client, "ana", "wrong")
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("ana", "127.0.0.1", 1)
    assert "wrong" not in attempt.post_data


def test_an_admin_sees_lockouts_and_lifts_one(client, client_for, staff, admin_user):
    for _ in range(10):
        log_in(client, "ana", "wrong")
    admin = client_for(admin_user)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "ana" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="ana")
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert log_in(client, "ana", PASSWORD).status_code == 302


def test_axes_reset_username_lifts_a_lockout(client, staff):
    for _ in range(10):
        log_in(client, "ana", "wrong")
    assert log_in(client, "ana", PASSWORD).status_code == 429
    call_command("axes_reset_username", "ana")
    assert log_in(client, "ana", PASSWORD).status_code == 302


def test_staff_and_managers_cannot_see_lockouts(client_for, staff):
    assert client_for(staff).get("/admin/axes/accessattempt/").status_code == 302


# --- The client's address --------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.1"),
        (0, "203.0.113.7", "10.0.0.1"),  # nobody vouches for the header: ignored
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's own entry is to the left
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # did not pass both proxies: not trusted
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_the_lockout_counts_the_forwarded_client(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(10):
        log_in(client, "ana", "wrong", HTTP_X_FORWARDED_FOR=f"6.6.6.{attempt}, 203.0.113.7")
    assert log_in(client, "ana", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert log_in(client, "ana", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302
