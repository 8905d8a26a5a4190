"""Secure by default in production: the deploy check passes with only the required settings,
HTTPS is enforced, private answers are not stored, and idle sessions end."""

import datetime as dt
import os
import subprocess
import sys

import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from secondmile.middleware import MSG_SESSION_IDLE
from tests.factories import PASSWORD

# Django's deploy check wants 50 characters or more, with some variety.
STRONG_SECRET = "k8Jq2-vR7pX0-wZ4tL9m-Q3sN6yB1-cD5fH8jK2-mP7rT0vX3-zA6"
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": STRONG_SECRET,
    "ALLOWED_HOSTS": "secondmile.example.com",
    "EMAIL_URL": "smtp://mail.example.com:25",
}


def _manage(*args, **environment):
    # Only what the test gives counts: no .env file, none of the test run's own switches.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_"))
        and key not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"ENV_FILE": "/dev/null", **environment})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_only_the_required_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_when_https_is_switched_off():
    """A plain-HTTP trial is possible, and the deploy check then says what is missing."""
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr, check


def test_proxy_ssl_header_is_trusted_only_when_configured():
    show = (
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)",
    )
    result = _manage(*show, **PRODUCTION)
    assert result.stdout.split() == ["None", "__Host-sessionid", "__Host-csrftoken"], result.stderr
    result = _manage(
        *show,
        **PRODUCTION,
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    assert result.stdout.split() == ["('HTTP_X_FORWARDED_PROTO',", "'https')", "sessionid", "csrftoken"]


def test_plain_http_is_redirected_to_https(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_signed_in_page_headers_in_production(client, staff):
    client.force_login(staff)
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]


def test_api_answers_are_not_stored(client, staff):
    assert "no-store" in client.get("/api/me")["Cache-Control"]
    client.force_login(staff)
    assert "no-store" in client.get("/api/me")["Cache-Control"]


def test_login_sets_host_prefixed_secure_cookies(client, staff):
    client.get("/accounts/login/", secure=True)
    csrf = client.cookies["__Host-csrftoken"]
    assert csrf["secure"]
    assert csrf["path"] == "/"
    assert not csrf["domain"]
    response = client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session = client.cookies["__Host-sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert not session["domain"]


START = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_idle_session_ends_after_the_idle_timeout(client, staff, settings):
    settings.SESSION_IDLE_MINUTES = 480
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(staff)
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=479))
        assert client.get("/").status_code == 200  # activity moves the deadline on
        clock.shift(dt.timedelta(minutes=479))
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=481))
        response = client.get("/acts/", follow=True)
        assert response.redirect_chain[0] == ("/accounts/login/?next=/acts/", 302)
        assert MSG_SESSION_IDLE.format(minutes=480) in response.content.decode()
        # Signed out for good: the next request is anonymous too.
        assert client.get("/").status_code == 302


def test_idle_session_in_the_api_answers_401(client, staff, settings):
    settings.SESSION_IDLE_MINUTES = 30
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(staff)
        assert client.get("/api/me").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/api/me")
        assert response.status_code == 401
        assert "detail" in response.json()


def _session_writes(client, path="/"):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"] and q["sql"].startswith(("UPDATE", "INSERT"))]


def test_a_busy_user_does_not_write_the_session_on_every_click(client, staff):
    """The last-seen time is refreshed at most once a minute."""
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(staff)  # the login starts the idle clock
        assert _session_writes(client) == []
        clock.shift(dt.timedelta(seconds=30))
        assert _session_writes(client) == []
        clock.shift(dt.timedelta(seconds=31))
        assert len(_session_writes(client)) == 1
