"""Mail through the queue, against a real SMTP server that is stopped and started: a
save never waits for (or fails with) the mail server, and each mail arrives once."""

import datetime
import json
import logging

import pytest
import time_machine
from django.test import Client
from django_tasks_db.models import DBTaskResult

from acts.models import Act, Status
from acts.notifications import notify_request_waiting
from core.mail import mail_deliver, mail_queue, mail_retries_enqueue
from core.models import OutgoingMail
from core.tokens import api_token_create
from tests.factories import ACT_ABOVE_LIMIT as ACT
from tests.factories import CustomerFactory

from .conftest import run_worker, start_worker_process

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_tasks")]

T0 = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)


def _log_75(user, customer):
    token = api_token_create(user=user)[1]
    return Client(raise_request_exception=False).post(
        "/api/acts",
        json.dumps({**ACT, "customer": customer.pk}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_with_the_mail_server_down_the_act_is_saved_and_the_mail_arrives_once_it_is_back(
    inbox, staff, manager, admin_user, team, caplog
):
    customer = CustomerFactory(team=team, name="Elena\r\nBcc: x@evil")
    with time_machine.travel(T0, tick=False):
        response = _log_75(staff, customer)
        # Answered at once: the request only queued the notification.
        assert response.status_code == 201
        assert response.json()["status"] == "pending_approval"
        assert Act.objects.get().status == Status.PENDING_APPROVAL
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        assert inbox.messages == []

        with caplog.at_level(logging.WARNING, logger="core.mail"):
            run_worker()  # the mail server is down
    mails = OutgoingMail.objects.all()
    assert sorted((m.to, m.status, m.attempts) for m in mails) == sorted(
        [(manager.email, "queued", 1), (admin_user.email, "queued", 1)]
    )
    assert all("ConnectionRefusedError" in m.last_error for m in mails), [m.last_error for m in mails]
    assert any("next try in 0:01:00" in r.getMessage() for r in caplog.records), "the failure is logged"
    assert inbox.messages == []

    inbox.start()
    # Not yet due (the first retry waits a minute): the sweep sends nothing.
    with time_machine.travel(T0 + datetime.timedelta(seconds=59), tick=False):
        assert mail_retries_enqueue.call() == 0
    with time_machine.travel(T0 + datetime.timedelta(seconds=61), tick=False):
        assert mail_retries_enqueue.call() == 2
        run_worker()
    assert inbox.recipients() == sorted([manager.email, admin_user.email])
    assert inbox.subjects() == ["Waiting for you: $75.00 for Elena Bcc: x@evil"] * 2
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
    assert set(OutgoingMail.objects.values_list("body", flat=True)) == {""}, "bodies are not kept once sent"

    # Whatever runs again (the sweep, a second delivery of a row, the notification task
    # itself) sends nothing more.
    with time_machine.travel(T0 + datetime.timedelta(minutes=30), tick=False):
        assert mail_retries_enqueue.call() == 0
        for mail in OutgoingMail.objects.all():
            assert mail_deliver.call(mail.pk) == "not queued (sent, being sent, or failed)"
        notify_request_waiting.enqueue(Act.objects.get().pk)
        run_worker()
    assert len(inbox.messages) == 2


def test_a_mail_that_keeps_failing_is_given_up_after_the_last_try_and_logged(inbox, settings, caplog):
    settings.MAIL_MAX_ATTEMPTS = 3
    with time_machine.travel(T0, tick=False) as clock:
        mail_queue(key="test:1", to="ana@example.com", subject_text="Hello", body="Hi")
        run_worker()
        waits = []
        for _ in range(2):
            mail = OutgoingMail.objects.get()
            waits.append(mail.next_attempt_at - datetime.datetime.now(tz=datetime.UTC))
            clock.move_to(mail.next_attempt_at)
            with caplog.at_level(logging.WARNING, logger="core.mail"):
                mail_retries_enqueue.call()
                run_worker()
    mail = OutgoingMail.objects.get()
    assert (mail.status, mail.attempts) == ("failed", 3)
    assert waits == [datetime.timedelta(minutes=1), datetime.timedelta(minutes=2)]
    assert any(r.levelno == logging.ERROR and "given up" in r.getMessage() for r in caplog.records)
    assert inbox.messages == []


def test_a_worker_process_sends_the_mail_of_a_logged_act(inbox, staff, manager, team):
    """A real `manage.py db_worker` process, on the test database, does the work."""
    inbox.start()
    response = _log_75(staff, CustomerFactory(team=team, name="Elena Petrova"))
    assert response.status_code == 201
    worker = start_worker_process(inbox, worker_id="test-worker")
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    assert inbox.recipients() == [manager.email]
    assert inbox.subjects() == ["Waiting for you: $75.00 for Elena Petrova"]
    results = DBTaskResult.objects.order_by("enqueued_at")
    assert [(r.task_path, r.status, r.worker_ids) for r in results] == [
        ("acts.notifications.notify_request_waiting", "SUCCESSFUL", ["test-worker"]),
        ("core.mail.mail_deliver", "SUCCESSFUL", ["test-worker"]),
    ]
