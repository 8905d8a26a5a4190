"""The schedule: tasks enqueued at set times (TASK_SCHEDULE in settings), kept by
`manage.py run_schedule`.

Each entry runs "every" N minutes, "daily" at HH:MM or "monthly" on the first at HH:MM
(local time, TIME_ZONE). A tick finds each entry's latest slot; the first scheduler to
write its `ScheduledRun` row (unique per entry and slot) enqueues the task, so two
schedulers, or one restarted, never enqueue a slot twice. A slot missed while nothing
ran is caught up if it is recent enough (its grace), not a month later.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.tasks import Task, task, task_backends
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.backend import DatabaseBackend

from core.models import ScheduledRun

logger = logging.getLogger(__name__)

DAILY_GRACE = datetime.timedelta(hours=6)


@dataclass(frozen=True)
class Entry:
    name: str
    task_path: str
    every: int | None = None  # minutes
    daily: datetime.time | None = None
    monthly: datetime.time | None = None

    @property
    def task(self) -> Task:
        return import_string(self.task_path)

    def latest_slot(self, now: datetime.datetime) -> tuple[datetime.datetime, datetime.timedelta]:
        """The latest slot at or before `now`, and how late it may still be enqueued."""
        local = timezone.localtime(now)
        if self.every:
            minutes = (local.hour * 60 + local.minute) // self.every * self.every
            slot = local.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)
            return slot, datetime.timedelta(minutes=self.every)
        at = self.daily or self.monthly
        slot = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if self.daily:
            if slot > local:
                slot -= datetime.timedelta(days=1)
            return slot, DAILY_GRACE
        slot = slot.replace(day=1)
        if slot > local:
            slot = (slot - datetime.timedelta(days=1)).replace(day=1)
        return slot, DAILY_GRACE


def _time(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


def entries() -> list[Entry]:
    result = []
    for name, spec in settings.TASK_SCHEDULE.items():
        result.append(
            Entry(
                name=name,
                task_path=spec["task"],
                every=spec.get("every"),
                daily=_time(spec["daily"]) if "daily" in spec else None,
                monthly=_time(spec["monthly"]) if "monthly" in spec else None,
            )
        )
    return result


def schedule_tick(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every entry whose latest slot has not been enqueued yet (and is within its
    grace); the names of those enqueued."""
    now = now or timezone.now()
    enqueued = []
    for entry in entries():
        slot, grace = entry.latest_slot(now)
        if now - slot >= grace:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=entry.name, slot=slot, enqueued_at=now)
                entry.task.enqueue()
        except IntegrityError:
            continue  # another scheduler took this slot
        except Exception:
            logger.exception("Scheduled task %s could not be enqueued", entry.name)
            continue
        enqueued.append(entry.name)
    return enqueued


@task()
def task_results_prune() -> int:
    """Delete finished task results and the schedule's runs older than
    TASK_RESULTS_KEEP_DAYS (failed ones too: the mail they were about keeps its own state)."""
    days = settings.TASK_RESULTS_KEEP_DAYS
    for alias in settings.TASKS:
        if isinstance(task_backends[alias], DatabaseBackend):
            # As command-line options: the command turns the backend's name into the backend.
            call_command(
                "prune_db_task_results", f"--backend={alias}", f"--min-age-days={days}", "--queue-name=*", verbosity=0
            )
    deleted, _ = ScheduledRun.objects.filter(slot__lt=timezone.now() - datetime.timedelta(days=days)).delete()
    return deleted
