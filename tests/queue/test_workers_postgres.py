"""Several workers on one PostgreSQL queue: each task is run by exactly one of them (the
backend claims a row with SELECT ... FOR UPDATE SKIP LOCKED), so each mail goes once."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from core.mail import mail_queue
from core.models import OutgoingMail

from .conftest import start_worker_process

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_tasks"),
]

MAILS = 40


def test_three_workers_share_the_queue_and_run_each_task_once(inbox):
    inbox.start()
    with transaction.atomic():
        for n in range(MAILS):
            mail_queue(key=f"load:{n}", to=f"person{n}@example.com", subject_text=f"Mail {n:02d}", body="Hello")
    assert DBTaskResult.objects.filter(status="READY").count() == MAILS

    workers = [start_worker_process(inbox, worker_id=f"worker-{i}") for i in range(3)]
    for worker in workers:
        output, _ = worker.communicate(timeout=180)
        assert worker.returncode == 0, output

    assert inbox.subjects() == [f"Mail {n:02d}" for n in range(MAILS)]
    assert OutgoingMail.objects.filter(status="sent").count() == MAILS
    results = list(DBTaskResult.objects.all())
    assert {r.status for r in results} == {"SUCCESSFUL"}
    assert all(len(r.worker_ids) == 1 for r in results), "no task was claimed twice"
