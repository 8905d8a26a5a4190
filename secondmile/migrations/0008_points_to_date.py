"""Running points totals per person and team (PointsToDate, PointsEarner) for the
leaderboard, filled from the ledger already there (with the historical models, so that
this migration keeps doing what it did). Reversible: going back drops the tables."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Sum


def fill_running_totals(apps, schema_editor):
    entry = apps.get_model("secondmile", "PointsEntry")
    earner = apps.get_model("secondmile", "PointsEarner")
    running = apps.get_model("secondmile", "PointsToDate")
    days = (
        entry.objects.order_by("team_id", "user_id", "earned_on")
        .values("team_id", "user_id", "earned_on")
        .annotate(points_sum=Sum("points"), lines=Count("pk"))
        .values_list("team_id", "user_id", "earned_on", "points_sum", "lines")
    )
    rows, person, points, lines = [], None, 0, 0
    for team_id, user_id, day, day_points, day_lines in days.iterator(2_000):
        if (team_id, user_id) != person:
            person, points, lines = (team_id, user_id), 0, 0
            earner.objects.create(team_id=team_id, user_id=user_id)
        points, lines = points + day_points, lines + day_lines
        rows.append(running(team_id=team_id, user_id=user_id, date=day, points=points, entries=lines))
    running.objects.bulk_create(rows, batch_size=2_000)


class Migration(migrations.Migration):

    dependencies = [
        ('secondmile', '0007_dashboard_outcome_summaries'),
    ]

    operations = [
        migrations.CreateModel(
            name='PointsEarner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='secondmile.team')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('team', 'user'), name='points_earner_one_per_team_user')],
            },
        ),
        migrations.CreateModel(
            name='PointsToDate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('points', models.IntegerField()),
                ('entries', models.PositiveIntegerField()),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='secondmile.team')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('team', 'user', 'date'), name='points_to_date_one_per_team_user_day')],
            },
        ),
        migrations.RunPython(fill_running_totals, migrations.RunPython.noop, elidable=True),
    ]
