"""Mail after a write: a customer's name cannot add a mail header, and a failing mail
server (or anything else after commit) never turns a saved act into an error."""

import json
import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client

from acts.models import Act, Status
from core.tokens import api_token_create
from tests.factories import ACT_ABOVE_LIMIT as ACT
from tests.factories import CustomerFactory

HOSTILE_NAME = "Ana\nBcc: x@evil"


@pytest.fixture
def hostile_customer(team):
    return CustomerFactory(team=team, name=HOSTILE_NAME)


def _log_by_api(user, customer):
    client = Client(raise_request_exception=False)
    token = api_token_create(user=user)[1]
    return client.post(
        "/api/acts",
        json.dumps({**ACT, "customer": customer.pk}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_line_break_in_a_name_cannot_reach_a_mail_header(
    staff, manager, hostile_customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _log_by_api(staff, hostile_customer)
    assert response.status_code == 201
    act = Act.objects.get()
    assert act.status == Status.PENDING_APPROVAL
    [mail] = mailoutbox
    assert mail.to == [manager.email]
    assert mail.bcc == []
    assert mail.subject == "Waiting for you: $75.00 for Ana Bcc: x@evil"
    assert "\n" not in mail.message()["Subject"]


def test_the_page_saves_the_act_and_mails_a_clean_subject(
    client_for, staff, manager, hostile_customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(
            "/acts/new/",
            {
                **ACT,
                "customer": hostile_customer.pk,
                "date": "2026-01-05",
            },
        )
    assert response.status_code == 302
    assert Act.objects.count() == 1
    assert [m.subject for m in mailoutbox] == ["Waiting for you: $75.00 for Ana Bcc: x@evil"]


@pytest.mark.parametrize("failure", [smtplib.SMTPServerDisconnected("gone"), RuntimeError("a bug")])
def test_a_failing_mail_leaves_the_act_saved_and_answered_as_saved(
    monkeypatch, staff, manager, hostile_customer, django_capture_on_commit_callbacks, caplog, failure
):
    def send_messages(self, messages):
        raise failure

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    with django_capture_on_commit_callbacks(execute=True):
        response = _log_by_api(staff, hostile_customer)
    assert response.status_code == 201
    assert Act.objects.count() == 1
    assert any(r.exc_info and r.exc_info[1] is failure for r in caplog.records), "logged with its traceback"


def test_a_failing_mail_after_a_decision_leaves_the_decision(
    monkeypatch, client_for, staff, manager, hostile_customer, django_capture_on_commit_callbacks
):
    from tests.factories import log_act

    act = log_act(staff, cost="75", customer=hostile_customer)
    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, messages: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(f"/acts/{act.pk}/approve/", {})
    assert response.status_code == 302
    act.refresh_from_db()
    assert act.status == Status.APPROVED
