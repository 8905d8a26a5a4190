"""The audit log's one writer, for the services: `audit_record` inside their transaction,
and `audited_update` for the common ending of a change: set fields, save them, audit them.

`before` and `after` keep only what changed, as JSON values a person can read: money
and other decimals as strings ("500.00"), dates as ISO dates, a related row as its name.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db import models

from .models import AuditEvent


def audit_events(*, action: str = ""):
    """The audit log, newest first (the model's order), of one kind of change or of every kind."""
    events = AuditEvent.objects.select_related("actor", "team")
    return events.filter(action=action) if action else events


def audit_value(value):
    """A field's value as the audit log keeps it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def audit_changes(before: dict, after: dict) -> tuple[dict, dict]:
    """The fields whose audited value differs, as (before, after)."""
    old = {field: audit_value(value) for field, value in before.items()}
    new = {field: audit_value(value) for field, value in after.items()}
    changed = [field for field in new if old.get(field) != new[field]]
    return {f: old.get(f) for f in changed}, {f: new[f] for f in changed}


def audit_event_build(
    *,
    actor,
    action: str,
    target: models.Model,
    team=None,
    before: dict,
    after: dict,
    reason: str = "",
    label: str | None = None,
) -> AuditEvent | None:
    """The audit row for `target` if anything changed, unsaved (or None): a bulk write
    saves many at once with `AuditEvent.objects.bulk_create`, in its transaction."""
    before, after = audit_changes(before, after)
    if not after:
        return None
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        team=team,
        target_type=target._meta.verbose_name,
        target_id=target.pk,
        target_label=(label if label is not None else str(target))[:200],
        before=before,
        after=after,
        reason=reason,
    )


def audit_record(**fields) -> AuditEvent | None:
    """Write one audit row if anything changed; returns it (or None). Takes the keywords
    of `audit_event_build`."""
    event = audit_event_build(**fields)
    if event is not None:
        event.save()
    return event


def audited_update(
    row: models.Model,
    *,
    actor,
    action: str,
    team,
    changes: dict,
    shown: Callable[[dict], dict] | None = None,
    reason: str = "",
    label: str | None = None,
) -> AuditEvent | None:
    """Set `changes` ({field: value}) on `row`, already locked by the caller's transaction,
    save just those fields and write the audit row of what they were and are now — as
    `shown` tells them to a person when the log keeps them otherwise (a flag for a time,
    a masked secret). Returns the audit row (None when nothing changed)."""
    show = shown or dict
    before = show({field: getattr(row, field) for field in changes})
    for field, value in changes.items():
        setattr(row, field, value)
    row.save(update_fields=list(changes))
    return audit_record(
        actor=actor,
        action=action,
        target=row,
        team=team,
        before=before,
        after=show(changes),
        reason=reason,
        label=label,
    )
