"""Summaries for the dashboard's other figures, filled from the rows already there:
approval waits (WaitDay), referred customers (ReferralDay), outcomes (OutcomeDay: stories,
NPS with and without an act, recovery) and running points totals (PointsToDate,
PointsEarner) for the leaderboard.

The fill is written here with the historical models, not imported from the app, so that
this migration keeps doing what it did when the app's code moves on; it computes what
acts/approval_waits.py, customers/referral_days.py, stories/outcome_days.py and
core/points_to_date.py define (the tests check they agree). Reversible: going back
drops the tables.
"""

import datetime
from collections import Counter
from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

GOING_AHEAD = ["pending_approval", "approved", "delivered", "customer_knows"]
TOLD = ["approved", "featured"]
BATCH = 2_000
SECOND = datetime.timedelta(seconds=1)


def fill_waits(apps, schema_editor):
    event_model, wait_model = apps.get_model("acts", "ActEvent"), apps.get_model("secondmile", "WaitDay")
    rows = (
        event_model.objects.filter(action__in=["approved", "declined"], waited__isnull=False)
        .order_by()
        .values_list("act__team_id", "act__date", "waited")
    )
    counts = Counter((team_id, date, max(waited // SECOND, 0)) for team_id, date, waited in rows.iterator(BATCH))
    wait_model.objects.bulk_create(
        (wait_model(team_id=t, date=d, seconds=s, decisions=n) for (t, d, s), n in counts.items()), batch_size=BATCH
    )


def fill_outcomes(apps, schema_editor):
    act = apps.get_model("acts", "Act")
    nps = apps.get_model("stories", "NpsResponse")
    story = apps.get_model("stories", "Story")
    outcome = apps.get_model("secondmile", "OutcomeDay")
    days = {}

    def add(rows, names):
        for team_id, date, *values in rows.iterator(BATCH):
            days.setdefault((team_id, date), {}).update(zip(names, values, strict=True))

    add(
        story.objects.filter(status__in=TOLD).order_by().values("team_id", "told_on")
        .annotate(n=Count("pk")).values_list("team_id", "told_on", "n"),
        ["stories_count"],
    )
    with_act = Q(Exists(act.objects.filter(customer_id=OuterRef("customer_id"), status__in=GOING_AHEAD, date__lte=OuterRef("date"))))
    bands = {"promoters": Q(score__gte=9), "passives": Q(score__gte=7, score__lte=8), "detractors": Q(score__lte=6)}
    counts = {}
    for name, band in bands.items():
        counts[f"nps_with_{name}"] = Count("pk", filter=with_act & band)
        counts[f"nps_without_{name}"] = Count("pk", filter=~with_act & band)
    add(nps.objects.order_by().values("team_id", "date").annotate(**counts).values_list("team_id", "date", *counts), list(counts))
    later = {"customer_id": OuterRef("customer_id")}
    came_back = (
        Exists(act.objects.filter(**later, status__in=GOING_AHEAD, date__gt=OuterRef("date")))
        | Exists(nps.objects.filter(**later, date__gt=OuterRef("date")))
        | Exists(story.objects.filter(**later, status__in=TOLD, told_on__gt=OuterRef("date")))
    )
    add(
        act.objects.filter(came_back, status__in=GOING_AHEAD, trigger="reactive").order_by()
        .values("team_id", "date").annotate(n=Count("pk")).values_list("team_id", "date", "n"),
        ["reactive_returned_count"],
    )
    outcome.objects.bulk_create(
        (
            outcome(team_id=team_id, date=date, **{name: value or 0 for name, value in columns.items()})
            for (team_id, date), columns in days.items()
        ),
        batch_size=BATCH,
    )



def fill_referrals(apps, schema_editor):
    customer = apps.get_model("customers", "Customer")
    referral = apps.get_model("secondmile", "ReferralDay")
    money = DecimalField(max_digits=14, decimal_places=2)
    rows = (
        customer.objects.filter(referred_by__isnull=False)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by().values("team_id", "day")
        .annotate(n=Count("pk"), revenue=Coalesce(Sum("first_purchase_value"), Value(Decimal("0.00")), output_field=money))
        .values_list("team_id", "day", "n", "revenue")
    )
    referral.objects.bulk_create(
        (
            referral(team_id=t, date=d, referred_customers_count=n, referral_revenue=Decimal(r or 0).quantize(Decimal("0.01")))
            for t, d, n, r in rows.iterator(BATCH)
        ),
        batch_size=BATCH,
    )


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
        ('secondmile', '0008_slack_links_and_webhook_audit'),
        ('acts', '0006_followup_and_day_summary_moved_in'),
        ('customers', '0005_stories_and_follow_ups_moved_out'),
        ('stories', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='OutcomeDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('stories_count', models.PositiveIntegerField(default=0)),
                ('nps_with_promoters', models.PositiveIntegerField(default=0)),
                ('nps_with_passives', models.PositiveIntegerField(default=0)),
                ('nps_with_detractors', models.PositiveIntegerField(default=0)),
                ('nps_without_promoters', models.PositiveIntegerField(default=0)),
                ('nps_without_passives', models.PositiveIntegerField(default=0)),
                ('nps_without_detractors', models.PositiveIntegerField(default=0)),
                ('reactive_returned_count', models.PositiveIntegerField(default=0)),
                ('team', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='secondmile.team')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('team', 'date'), name='outcome_day_one_per_team_day')],
            },
        ),
        migrations.CreateModel(
            name='PointsEarner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('team', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='secondmile.team')),
                ('user', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
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
                ('team', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='secondmile.team')),
                ('user', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('team', 'user', 'date'), name='points_to_date_one_per_team_user_day')],
            },
        ),
        migrations.CreateModel(
            name='ReferralDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('referred_customers_count', models.PositiveIntegerField(default=0)),
                ('referral_revenue', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                ('team', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='secondmile.team')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('team', 'date'), name='referral_day_one_per_team_day')],
            },
        ),
        migrations.CreateModel(
            name='WaitDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('seconds', models.PositiveIntegerField()),
                ('decisions', models.PositiveIntegerField()),
                ('team', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='secondmile.team')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('team', 'date', 'seconds'), name='wait_day_one_per_team_day_wait')],
            },
        ),
        migrations.RunPython(fill_waits, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(fill_referrals, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(fill_outcomes, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(fill_running_totals, migrations.RunPython.noop, elidable=True),
    ]
