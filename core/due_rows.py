"""The retry sweeps' shared step: take up the rows whose next try has come and hand each
to its task. The mail queue (core.mail) and webhook deliveries (integrations.webhooks)
both keep a `next_attempt_at` per row and a sweep that runs every minute."""

import datetime

from django.db.models import QuerySet
from django.tasks import Task
from django.utils import timezone

# How many rows one sweep takes up at the most; the next sweep takes the rest.
SWEEP_BATCH = 500


def due_rows_enqueue(waiting: QuerySet, *, task: Task, lease: datetime.timedelta | None = None) -> int:
    """Enqueue `task(pk)` for the rows of `waiting` whose next_attempt_at has come, oldest
    first, at most SWEEP_BATCH; returns how many. With a `lease`, their next_attempt_at
    first moves that far ahead, so that the next sweep does not enqueue them again while
    the task waits. Without one, the task takes its own lease on next_attempt_at (so a
    sweep's lease would make the row look not due to the very task it enqueued)."""
    now = timezone.now()
    due = list(
        waiting.filter(next_attempt_at__lte=now).order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if lease is not None:
        waiting.model.objects.filter(pk__in=due).update(next_attempt_at=now + lease)
    for pk in due:
        task.enqueue(pk)
    return len(due)
