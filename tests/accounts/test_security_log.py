"""The security log: JSON lines on stdout with event, user, address and request id,
and never a password, an API token or a survey link."""

import io
import json
import logging
from decimal import Decimal

import pytest
from django.test import Client

from core.models import ApiToken
from core.tokens import api_token_create
from stories import survey as survey_links
from tests.factories import log_act
from tests.stories.conftest import deliver


@pytest.fixture
def log_output():
    """Everything the configured log handlers write (the security log's stdout handler,
    the console, runserver's access log), at INFO and above, as text."""
    stream = io.StringIO()
    root = logging.getLogger()
    handlers = {
        *root.handlers,
        *logging.getLogger("secondmile.security").handlers,
        *logging.getLogger("django.server").handlers,
    }
    # The settings' own handlers, not pytest's capturing ones.
    handlers = {handler for handler in handlers if type(handler) is logging.StreamHandler}
    assert len(handlers) == 2  # the console (root and django.server) and the security log
    previous = {handler: handler.setStream(stream) for handler in handlers}
    level = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.setLevel(level)
    for handler, old in previous.items():
        handler.setStream(old)


def events(log_output) -> list[dict]:
    return [json.loads(line) for line in log_output.getvalue().splitlines() if line.startswith("{")]


def named(log_output, event) -> list[dict]:
    return [line for line in events(log_output) if line["event"] == event]


def test_a_failed_login_is_logged_without_the_password(client, staff, log_output):
    client.post("/accounts/login/", {"username": "ana", "password": "hunter2-secret"})
    (line,) = named(log_output, "login_failed")
    assert line["username"] == "ana"
    assert line["ip"] == "127.0.0.1"
    assert len(line["request_id"]) == 32
    assert line["level"] == "WARNING"
    assert "hunter2-secret" not in log_output.getvalue()


def test_survey_links_never_reach_the_log(client, staff, customer, log_output):
    _link, token = survey_links.survey_link_create(user=staff, act=deliver(staff, customer=customer))
    client.post("/accounts/login/", {"username": "ana", "password": "hunter2-secret"})
    client.get(f"/s/{token}")
    client.post(f"/s/{token}", {"score": "99"})
    client.get(f"/s/{token}-not-a-link")  # a 404, which Django logs with its path
    Client(enforce_csrf_checks=True).post(f"/s/{token}", {"score": "9"})  # a 403, in our log
    output = log_output.getvalue()
    assert "Not Found: /s/[redacted]" in output
    (forbidden,) = named(log_output, "forbidden")
    assert forbidden["path"] == "/s/[redacted]"
    assert token not in output
    assert "hunter2-secret" not in output


def test_throttled_logins_and_wrong_codes_are_logged(client, staff, log_output):
    for _ in range(11):
        client.post("/accounts/login/", {"username": "ana", "password": "wrong"})
    assert len(named(log_output, "login_failed")) == 10
    assert [line["username"] for line in named(log_output, "login_throttled")] == ["ana", "ana"]


def test_a_wrong_second_step_code_is_logged(client, staff, log_output):
    from tests.accounts.test_mfa import turn_on
    from tests.factories import PASSWORD

    turn_on(staff)
    client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    client.post("/accounts/login/code/", {"code": "424242"})
    (line,) = named(log_output, "mfa_failed")
    assert (line["user"], line["failures"]) == ("ana", 1)
    assert "424242" not in log_output.getvalue()


def test_a_refused_over_budget_approval_is_logged_once(client_for, staff, manager, team, log_output):
    team.monthly_budget = Decimal("50.00")
    team.save()
    act = log_act(staff, cost="80.00")
    response = client_for(manager).post(f"/acts/{act.pk}/approve/", {"amount": "80.00"})
    assert response.status_code in (200, 302)
    (line,) = named(log_output, "approval_refused_over_budget")
    assert (line["user"], line["act_id"], line["amount"]) == ("marcus", act.pk, "80.00")
    assert len(line["request_id"]) == 32


def test_a_token_used_from_a_new_address_is_logged(client, staff, log_output):
    row, token = api_token_create(user=staff)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/me", REMOTE_ADDR="198.51.100.1", **auth).status_code == 200
    assert client.get("/api/me", REMOTE_ADDR="198.51.100.1", **auth).status_code == 200
    assert client.get("/api/me", REMOTE_ADDR="203.0.113.9", **auth).status_code == 200
    lines = named(log_output, "api_token_new_ip")
    assert [(line["ip"], line["previous_ip"]) for line in lines] == [
        ("198.51.100.1", None),
        ("203.0.113.9", "198.51.100.1"),
    ]
    assert lines[0]["token_id"] == row.pk
    assert ApiToken.objects.get().last_ip == "203.0.113.9"
    assert token not in log_output.getvalue()


def test_every_answer_carries_a_request_id(client, settings):
    first = client.get("/accounts/login/")["X-Request-ID"]
    assert len(first) == 32
    assert client.get("/accounts/login/")["X-Request-ID"] != first
    # A client's own id is not believed without a trusted proxy in front...
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] != "abc-123"
    # ...behind one it is kept, when well formed.
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID='x"\n{}')["X-Request-ID"] != 'x"\n{}'
