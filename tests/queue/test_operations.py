"""Operations: the schedule enqueues each slot once, the admin shows the queue and runs a
failed task again, and old task results are pruned."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from core.mail import mail_deliver, mail_queue, mail_retries_enqueue
from core.models import OutgoingMail, ScheduledRun
from secondmile.schedule import schedule_tick, task_results_prune

from .conftest import run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_tasks")]

FIRST_OF_JUNE_0800 = datetime.datetime(2026, 6, 1, 8, 0, 30, tzinfo=datetime.UTC)


def test_the_schedule_enqueues_each_slot_once():
    with time_machine.travel(FIRST_OF_JUNE_0800, tick=False):
        assert sorted(schedule_tick()) == [
            "approval-reminders",
            "follow-up-reminders",
            "mail-retries",
            "monthly-digest",
            "prune-task-results",  # due at 03:30, caught up: within its six hours
            "webhook-retries",
        ]
        assert schedule_tick() == [], "a second scheduler (or tick) in the same slot enqueues nothing"
        call_command("run_schedule", once=True, verbosity=0)
    assert DBTaskResult.objects.count() == 6
    with time_machine.travel(FIRST_OF_JUNE_0800 + datetime.timedelta(minutes=1), tick=False):
        assert sorted(schedule_tick()) == ["mail-retries", "webhook-retries"]
    with time_machine.travel(FIRST_OF_JUNE_0800 + datetime.timedelta(hours=19, minutes=30), tick=False):
        # 03:30 the next day: the pruning, the frequent ones; the digest waits a month.
        assert sorted(schedule_tick()) == [
            "approval-reminders",
            "mail-retries",
            "prune-task-results",
            "webhook-retries",
        ]
    run_worker()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_missed_morning_is_caught_up_within_hours_not_days():
    with time_machine.travel(datetime.datetime(2026, 6, 2, 13, 0, tzinfo=datetime.UTC), tick=False):
        assert "follow-up-reminders" in schedule_tick()
    with time_machine.travel(datetime.datetime(2026, 6, 3, 15, 0, tzinfo=datetime.UTC), tick=False):
        assert "follow-up-reminders" not in schedule_tick()
        assert "monthly-digest" not in schedule_tick()


# Not transactional: a transactional test's flush takes the admin group's permissions.
@pytest.mark.django_db
def test_admins_see_failed_tasks_and_run_them_again(client_for, admin_user, staff):
    result = mail_deliver.enqueue(12345)
    failed = DBTaskResult.objects.get(pk=result.id)
    try:
        raise OutgoingMail.DoesNotExist("OutgoingMail matching query does not exist.")
    except OutgoingMail.DoesNotExist as exc:
        failed.set_failed(exc)

    admin = client_for(admin_user)
    page = admin.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200
    assert "mail_deliver" in page.content.decode()
    detail = admin.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")
    assert "OutgoingMail matching query does not exist." in detail.content.decode()

    response = admin.post(
        "/admin/django_tasks_database/dbtaskresult/",
        {"action": "run_again", "_selected_action": [str(failed.pk)]},
        follow=True,
    )
    assert "Enqueued 1 task(s) again." in response.content.decode()
    again = DBTaskResult.objects.exclude(pk=failed.pk).get()
    assert (again.status, again.task_path, again.args_kwargs) == (
        "READY",
        "core.mail.mail_deliver",
        {"args": [12345], "kwargs": {}},
    )
    assert client_for(staff).get("/admin/django_tasks_database/dbtaskresult/").status_code == 302


@pytest.mark.django_db
def test_admins_send_a_failed_mail_again(client_for, admin_user, inbox):
    mail = mail_queue(key="test:failed", to="ana@example.com", subject_text="Hello", body="Hi")
    OutgoingMail.objects.filter(pk=mail.pk).update(status="failed", attempts=12, last_error="SMTP down")
    response = client_for(admin_user).post(
        "/admin/secondmile/outgoingmail/", {"action": "send_again", "_selected_action": [str(mail.pk)]}, follow=True
    )
    assert "1 failed mail(s) queued again" in response.content.decode()
    inbox.start()
    assert mail_retries_enqueue.call() == 1
    assert mail_deliver.call(mail.pk) == "sent"
    assert inbox.recipients() == ["ana@example.com"]


def test_old_task_results_are_pruned(settings):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    with time_machine.travel(datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC), tick=False):
        task_results_prune.enqueue()
        ScheduledRun.objects.create(name="mail-retries", slot=datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC))
        run_worker()
    with time_machine.travel(datetime.datetime(2026, 5, 10, 12, 0, tzinfo=datetime.UTC), tick=False):
        task_results_prune.enqueue()
        run_worker()
    assert DBTaskResult.objects.count() == 2, "nine days old: kept"
    with time_machine.travel(datetime.datetime(2026, 5, 20, 12, 0, tzinfo=datetime.UTC), tick=False):
        task_results_prune.enqueue()
        run_worker()
    assert DBTaskResult.objects.count() == 2, "the first (19 days old) is gone; the second and this one stay"
    assert not ScheduledRun.objects.exists()
