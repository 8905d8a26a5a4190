"""Day summaries now belong to acts, and a points entry's story to stories (state only)."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('secondmile', '0006_audit_event'),
        ('stories', '0001_initial'),
        ('acts', '0006_followup_and_day_summary_moved_in'),
    ]

    operations = [
        # The tables stay where they are (same names, same rows): only Django's idea of
        # which app owns each model changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='daysummary',
                    name='day_summary_one_per_team_day',
                ),
                migrations.AlterField(
                    model_name='pointsentry',
                    name='story',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='stories.story'),
                ),
                migrations.DeleteModel(
                    name='DaySummary',
                ),
            ],
        ),
    ]
