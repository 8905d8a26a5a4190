"""Per-team, per-day summaries of acts for the dashboard, filled from the acts already there."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models
from django.db.models.functions import Coalesce

# The figures as they were defined when this migration was written, frozen here: a
# migration must not import the app's live code, which moves on (acts/summaries.py
# holds today's definitions; `manage.py rebuild_summaries` rewrites every row from them).
GOING_AHEAD = ["pending_approval", "approved", "delivered", "customer_knows"]
QUADRANTS = ["reception", "delivery", "reliability", "response"]
KINDS = ["gift", "time", "upgrade", "note", "call", "expertise", "waiver", "other"]
ZERO = Decimal("0.00")


def _on_acts() -> dict:
    going = models.Q(status__in=GOING_AHEAD)
    money = models.DecimalField(max_digits=14, decimal_places=2)
    spend = models.Case(
        models.When(
            status__in=["delivered", "customer_knows"],
            then=Coalesce(models.F("actual_cost"), models.Value(ZERO), output_field=money),
        ),
        models.When(status="approved", then=Coalesce(models.F("approved_amount"), models.Value(ZERO), output_field=money)),
        default=models.Value(ZERO),
        output_field=money,
    )
    return {
        "acts_count": models.Count("pk", filter=going),
        "proactive_count": models.Count("pk", filter=going & models.Q(trigger="proactive")),
        "reactive_count": models.Count("pk", filter=going & models.Q(trigger="reactive")),
        "spend_total": Coalesce(models.Sum(spend, filter=going), models.Value(ZERO), output_field=money),
        **{f"quadrant_{q}": models.Count("pk", filter=going & models.Q(quadrant=q)) for q in QUADRANTS},
        **{f"kind_{k}": models.Count("pk", filter=going & models.Q(kind=k)) for k in KINDS},
    }


def _on_events() -> dict:
    return {
        "requests_decided_count": models.Count("pk", filter=models.Q(action__in=["approved", "declined"])),
        "declined_count": models.Count("pk", filter=models.Q(action="declined")),
        "empowered_count": models.Count(
            "pk", filter=models.Q(action="logged", to_status="approved", act__status__in=GOING_AHEAD)
        ),
    }


def summarise_existing_acts(apps, schema_editor):
    Act = apps.get_model("acts", "Act")
    ActEvent = apps.get_model("acts", "ActEvent")
    DaySummary = apps.get_model("secondmile", "DaySummary")
    days = {}
    for row in Act.objects.order_by().values("team_id", "date").annotate(**_on_acts()):
        days[(row.pop("team_id"), row.pop("date"))] = row
    events = ActEvent.objects.order_by().values("act__team_id", "act__date").annotate(**_on_events())
    for row in events:
        days.setdefault((row.pop("act__team_id"), row.pop("act__date")), {}).update(row)
    rows = []
    for (team_id, date), totals in days.items():
        totals["spend_total"] = Decimal(totals.get("spend_total") or 0).quantize(Decimal("0.01"))
        rows.append(DaySummary(team_id=team_id, date=date, **{k: v or 0 for k, v in totals.items()}))
    DaySummary.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('secondmile', '0002_role_groups'),
        ('acts', '0003_history_append_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='DaySummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('acts_count', models.PositiveIntegerField(default=0)),
                ('proactive_count', models.PositiveIntegerField(default=0)),
                ('reactive_count', models.PositiveIntegerField(default=0)),
                ('spend_total', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                ('empowered_count', models.PositiveIntegerField(default=0)),
                ('requests_decided_count', models.PositiveIntegerField(default=0)),
                ('declined_count', models.PositiveIntegerField(default=0)),
                ('quadrant_reception', models.PositiveIntegerField(default=0)),
                ('quadrant_delivery', models.PositiveIntegerField(default=0)),
                ('quadrant_reliability', models.PositiveIntegerField(default=0)),
                ('quadrant_response', models.PositiveIntegerField(default=0)),
                ('kind_gift', models.PositiveIntegerField(default=0)),
                ('kind_time', models.PositiveIntegerField(default=0)),
                ('kind_upgrade', models.PositiveIntegerField(default=0)),
                ('kind_note', models.PositiveIntegerField(default=0)),
                ('kind_call', models.PositiveIntegerField(default=0)),
                ('kind_expertise', models.PositiveIntegerField(default=0)),
                ('kind_waiver', models.PositiveIntegerField(default=0)),
                ('kind_other', models.PositiveIntegerField(default=0)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='secondmile.team')),
            ],
            options={
                'verbose_name_plural': 'day summaries',
                'constraints': [models.UniqueConstraint(fields=('team', 'date'), name='day_summary_one_per_team_day')],
            },
        ),
        migrations.RunPython(summarise_existing_acts, migrations.RunPython.noop),
    ]
