"""Mail the product sends, through the task queue. A write that causes mail only queues
it (after commit); a worker sends it. A mail server that is down, slow or refusing never
reaches the person who saved: the mail is tried again with a growing wait and logged.

Each message is one `OutgoingMail` row with a key naming it, so that a task run twice, a
schedule run twice or a retry never sends the same mail twice.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import Task, task
from django.utils import timezone

from .due_rows import due_rows_enqueue
from .inputs import header_text
from .models import OutgoingMail

logger = logging.getLogger(__name__)

# A row still "sending" after this long belongs to a worker that died mid-send: whether the
# server took it is unknown, so it is marked failed for a person to decide, never resent.
SENDING_LEASE = datetime.timedelta(minutes=15)
# The first delivery is enqueued at once; the retry sweep takes a queued row up only after
# this, so that it does not enqueue a second delivery of a row whose first is still waiting.
FIRST_DELIVERY_GRACE = datetime.timedelta(minutes=5)


def subject(text: str) -> str:
    """A mail subject from text that may carry user input (a customer's name): no line
    break or control character reaches the header."""
    return header_text(text)


def on_commit_safely(work: Task, *args) -> None:
    """Enqueue the task `work` with `args` once the current transaction commits. If even
    the enqueueing fails (the queue's database gone, a bug), log it and go on: the saved
    write still answers as saved."""

    def enqueue() -> None:
        try:
            work.enqueue(*args)
        except Exception:
            logger.exception("Enqueueing %s after commit failed; the write itself is saved", work.name)

    transaction.on_commit(enqueue)


def mail_queue(*, key: str, to: str, subject_text: str, body: str) -> OutgoingMail | None:
    """Queue one mail to one address, once per key: a key already queued (or sent) returns
    the existing row and queues nothing. Its delivery is enqueued when the current
    transaction commits. An address that could break a header is refused (logged, None)."""
    address = (to or "").strip()
    if not address or header_text(address) != address or "," in address:
        logger.warning("Mail %s not queued: unusable address %r", key, address)
        return None
    try:
        with transaction.atomic():
            mail, created = OutgoingMail.objects.get_or_create(
                key=key[:200],
                defaults={
                    "to": address,
                    "subject": header_text(subject_text)[:255],
                    "body": body,
                    "next_attempt_at": timezone.now() + FIRST_DELIVERY_GRACE,
                },
            )
    except IntegrityError:  # queued by someone else at the same instant
        return OutgoingMail.objects.get(key=key[:200])
    if created:
        on_commit_safely(mail_deliver, mail.pk)
    return mail


def mail_queue_many(*, key: str, recipients: Iterable, subject_text: str, body: str) -> list[OutgoingMail]:
    """The same mail to several users, one row each (key + ":" + the user's id)."""
    rows = []
    for user in recipients:
        mail = mail_queue(key=f"{key}:{user.pk}", to=user.email, subject_text=subject_text, body=body)
        if mail is not None:
            rows.append(mail)
    return rows


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed try: 1, 2, 4 ... minutes, capped."""
    minutes = min(2 ** max(attempts - 1, 0), settings.MAIL_RETRY_MAX_MINUTES)
    return datetime.timedelta(minutes=minutes)


@task()
def mail_deliver(mail_id: int) -> str:
    """Send one queued mail. It is claimed first (queued → sending, one conditional
    UPDATE), so a second delivery of the same row, here or on another worker, finds it
    taken and sends nothing. A failure puts it back in the queue with the next try's
    time, or marks it failed after the last try; either way it is logged."""
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not queued (sent, being sent, or failed)"
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to]).send()
    except Exception as exc:
        failed = mail.attempts >= settings.MAIL_MAX_ATTEMPTS
        wait = retry_delay(mail.attempts)
        OutgoingMail.objects.filter(pk=mail_id).update(
            status=OutgoingMail.Status.FAILED if failed else OutgoingMail.Status.QUEUED,
            next_attempt_at=timezone.now() + wait,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        if failed:
            logger.error("Mail %s to %s failed %d times; given up", mail.key, mail.to, mail.attempts, exc_info=exc)
            return "failed"
        logger.warning(
            "Mail %s to %s failed (try %d); next try in %s", mail.key, mail.to, mail.attempts, wait, exc_info=exc
        )
        return "will retry"
    OutgoingMail.objects.filter(pk=mail_id).update(
        status=OutgoingMail.Status.SENT, sent_at=timezone.now(), body="", last_error=""
    )
    return "sent"


@task()
def mail_retries_enqueue() -> int:
    """The schedule's sweep (every minute): enqueue a delivery of every queued mail whose
    next try is due, and give up on rows left "sending" by a worker that died. Each row
    taken up gets a new lease, so the next sweep does not enqueue it again."""
    now = timezone.now()
    stuck = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENDING, claimed_at__lt=now - SENDING_LEASE)
    for mail in stuck:
        logger.error("Mail %s to %s was left half sent; marked failed, not sent again", mail.key, mail.to)
    stuck.update(
        status=OutgoingMail.Status.FAILED,
        last_error="The worker stopped while sending: it may or may not have gone out.",
    )
    queued = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED)
    return due_rows_enqueue(queued, task=mail_deliver, lease=FIRST_DELIVERY_GRACE)


def mail_send_again(*, mail_ids: Iterable[int]) -> int:
    """Put failed mails back in the queue (an admin's decision, from the Django admin):
    the next sweep sends them. Sent mails are never sent again."""
    return OutgoingMail.objects.filter(pk__in=list(mail_ids), status=OutgoingMail.Status.FAILED).update(
        status=OutgoingMail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
