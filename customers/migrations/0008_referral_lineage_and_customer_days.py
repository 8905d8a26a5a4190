"""The referral lineage (one row per ancestor and descendant) and the customers created
per team-day, for the referral rate and the top advocates (customers/advocates.py),
filled from the customers already there. The fill is written with the historical
models, so it keeps doing what it did when the app moves on; the tests check it agrees
with what the services keep. Reversible: going back drops the tables."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

BATCH = 2_000


def fill(apps, schema_editor):
    customer_model = apps.get_model("customers", "Customer")
    lineage_model = apps.get_model("customers", "ReferralLineage")
    day_model = apps.get_model("customers", "CustomerDay")
    parents = dict(customer_model.objects.order_by().values_list("pk", "referred_by_id").iterator(chunk_size=BATCH))

    def pairs():
        for customer, parent in parents.items():
            generation, seen = 1, {customer}
            while parent is not None and parent not in seen:
                yield lineage_model(ancestor_id=parent, customer_id=customer, generation=generation)
                seen.add(parent)
                parent, generation = parents.get(parent), generation + 1

    lineage_model.objects.bulk_create(pairs(), batch_size=BATCH)
    days = (
        customer_model.objects.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("team_id", "day")
        .annotate(n=Count("pk"))
        .values_list("team_id", "day", "n")
    )
    day_model.objects.bulk_create(
        (day_model(team_id=team_id, date=day, customers_created=n) for team_id, day, n in days), batch_size=BATCH
    )


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0007_customer_email_index_for_imports'),
        ('secondmile', '0011_admin_queue_permissions'),
    ]

    operations = [
        migrations.CreateModel(
            name='CustomerDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('customers_created', models.PositiveIntegerField(default=0)),
                ('team', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='secondmile.team')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('team', 'date'), name='customer_day_one_per_team_day')],
            },
        ),
        migrations.CreateModel(
            name='ReferralLineage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('generation', models.PositiveSmallIntegerField()),
                ('ancestor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lineage_below', to='customers.customer')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lineage_above', to='customers.customer')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('ancestor', 'customer'), name='referral_lineage_one_per_pair'), models.CheckConstraint(condition=models.Q(('generation__gte', 1)), name='referral_lineage_generation_gte_1'), models.CheckConstraint(condition=models.Q(('ancestor', models.F('customer')), _negated=True), name='referral_lineage_not_self')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
