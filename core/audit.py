"""The audit log's one writer, for the services: `audit_record` inside their transaction.

`before` and `after` keep only what changed, as JSON values a person can read: money
and other decimals as strings ("500.00"), dates as ISO dates, a related row as its name.
"""

import datetime
from decimal import Decimal

from django.db import models

from .models import AuditEvent


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


def audit_record(
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
    """Write one audit row for `target` if anything changed; returns it (or None)."""
    event = audit_event_build(
        actor=actor, action=action, target=target, team=team, before=before, after=after, reason=reason, label=label
    )
    if event is not None:
        event.save()
    return event
