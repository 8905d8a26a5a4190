"""Per-team, per-day summaries of acts for the dashboard, filled from the acts already there."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models


def summarise_existing_acts(apps, schema_editor):
    from secondmile import summaries

    summaries.rebuild(act_model=apps.get_model("acts", "Act"), event_model=apps.get_model("acts", "ActEvent"),
                      summary_model=apps.get_model("secondmile", "DaySummary"))


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
