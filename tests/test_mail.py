"""Queued mail (core/mail.py): one row per message key, headers that user text
cannot break, and a wait between tries that grows."""

import datetime

import pytest

from core.mail import mail_queue, retry_delay
from core.models import OutgoingMail

pytestmark = pytest.mark.django_db


def test_a_key_is_queued_and_sent_once(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = mail_queue(key="k:1", to="ana@example.com", subject_text="Hello", body="Hi")
        again = mail_queue(key="k:1", to="ana@example.com", subject_text="Hello", body="Hi")
    assert again.pk == first.pk
    assert [m.to for m in mailoutbox] == [["ana@example.com"]]
    assert OutgoingMail.objects.get().status == "sent"


def test_line_breaks_never_reach_a_header(mailoutbox, django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        mail_queue(key="k:2", to="ana@example.com", subject_text="Hi\r\nBcc: x@evil\u2028there", body="Hi")
        refused = mail_queue(key="k:3", to="ana@example.com\nBcc: x@evil", subject_text="Hello", body="Hi")
    assert refused is None
    assert "unusable address" in caplog.text
    [mail] = mailoutbox
    assert mail.subject == "Hi Bcc: x@evil there"
    assert mail.bcc == []
    assert "Bcc" not in {key for key, _ in mail.message().items()}


def test_the_wait_between_tries_doubles_up_to_its_cap(settings):
    settings.MAIL_RETRY_MAX_MINUTES = 240
    assert [retry_delay(n) for n in (1, 2, 3, 9, 12)] == [
        datetime.timedelta(minutes=1),
        datetime.timedelta(minutes=2),
        datetime.timedelta(minutes=4),
        datetime.timedelta(minutes=240),
        datetime.timedelta(minutes=240),
    ]
