"""Records on each decision (approved, declined) how long the request it answered waited.

The backfill gives the decisions already in the history the value the approval-time
figure used to compute: the decision's time − the time of the latest request event of
the act at or before it (logged above the limit, or a higher cost asked at delivery);
a decision with no such request keeps none. The history is append-only by a trigger
(0003), so the backfill drops the trigger, updates the decisions and creates the
trigger again, all in the migration's transaction.
"""

import importlib

from django.db import migrations, models
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery

append_only = importlib.import_module("acts.migrations.0003_history_append_only")

DECISIONS = ["approved", "declined"]
REQUESTS = Q(action__in=["requested", "more_requested"]) | Q(action="logged", to_status="pending_approval")


def backfill_waited(event_model, connection) -> int:
    """Sets `waited` on every decision event without one; returns how many it set."""
    asked = (event_model.objects.filter(REQUESTS, act_id=OuterRef("act_id"), at__lte=OuterRef("at"))
             .order_by("-at", "-id").values("at")[:1])
    drop, create = {
        "postgresql": (append_only.POSTGRES_DOWN, append_only.POSTGRES_UP),
        "sqlite": (append_only.SQLITE_DOWN, append_only.SQLITE_UP),
    }.get(connection.vendor, ("", ""))
    with connection.cursor() as cursor:
        if drop:
            cursor.execute(drop)
        updated = event_model.objects.filter(action__in=DECISIONS, waited__isnull=True).update(
            waited=ExpressionWrapper(F("at") - Subquery(asked, output_field=DateTimeField()),
                                     output_field=DurationField())
        )
        if create:
            cursor.execute(create)
    return updated


def forwards(apps, schema_editor):
    backfill_waited(apps.get_model("acts", "ActEvent"), schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("acts", "0003_history_append_only")]

    operations = [
        migrations.AddField(
            model_name="actevent",
            name="waited",
            field=models.DurationField(
                blank=True, null=True,
                help_text="For an approved or declined event, how long the request it answered had waited.",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="actevent",
            index=models.Index(
                condition=models.Q(("waited__isnull", False)),
                fields=["act", "action", "waited"],
                name="acts_actevent_decision_wait",
            ),
        ),
    ]
