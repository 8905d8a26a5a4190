"""Follow-ups (from customers) and day summaries (from secondmile) move into acts, tables
and rows unchanged."""

from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.db import content_types_move


class Migration(migrations.Migration):

    dependencies = [
        ('acts', '0005_history_refuses_truncate_and_delete'),
        ('customers', '0004_story_history_refuses_truncate_and_delete'),
        ('secondmile', '0006_audit_event'),
        ('stories', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are (same names, same rows): only Django's idea of
        # which app owns each model changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
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
                        'db_table': 'secondmile_daysummary',
                    },
                ),
                migrations.CreateModel(
                    name='FollowUp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('thank_you', 'Thank-you note'), ('check_in', 'Check-in call'), ('detractor', 'Detractor follow-up')], max_length=20)),
                        ('due_on', models.DateField()),
                        ('done_at', models.DateTimeField(blank=True, null=True)),
                        ('act', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='acts.act')),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_ups', to='customers.customer')),
                        ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'customers_followup',
                        'ordering': ['due_on', 'id'],
                    },
                ),
                migrations.AddField(
                    model_name='followup',
                    name='nps_response',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='stories.npsresponse'),
                ),
                migrations.AddField(
                    model_name='followup',
                    name='team',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='secondmile.team'),
                ),
                migrations.AddConstraint(
                    model_name='daysummary',
                    constraint=models.UniqueConstraint(fields=('team', 'date'), name='day_summary_one_per_team_day'),
                ),
                migrations.AddIndex(
                    model_name='followup',
                    index=models.Index(fields=['team', 'done_at', 'due_on'], name='customers_f_team_id_aa5245_idx'),
                ),
            ],
        ),
        content_types_move("customers", "acts", ["followup"]),
        content_types_move("secondmile", "acts", ["daysummary"]),
    ]
