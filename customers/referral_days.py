"""Referred customers per team-day (ReferralDay), kept by the customer services, so that the
dashboard's referred_customers_count and referral_revenue read at most teams × days rows.

The figures (selectors.referral_totals is their reference over the customers):
referred_customers_count = customers created in the period (local dates of created_at)
who have a referrer; referral_revenue = SUM of their first_purchase_value. A customer's
creation, a referrer named later and a corrected first purchase move only the day they
were created: `customer_changed` recomputes that day's row from its customers (one
grouped query through the (team, created_at) index) after locking it
(core.summary_rows). `rebuild()` rewrites every row; `manage.py rebuild_summaries`
calls it after writes around the services. TIME_ZONE decides the local day: after
changing it, rebuild. A bulk creation (an import) adds its customers to their days'
rows under the same lock instead (`customers_added`).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core.models import ReferralDay
from core.summary_rows import Day, day_rows_locked

from .models import Customer

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
BATCH = 2_000


def _cents(value) -> Decimal:
    # SQLite sums money as a float-like number; the column keeps cents.
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _created_on_any(days: list[Day]) -> Q:
    zone, found = timezone.get_current_timezone(), Q()
    for team_id, date in days:
        first = datetime.datetime.combine(date, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        found |= Q(team_id=team_id, created_at__gte=first, created_at__lt=after)
    return found


def _count(where: Q, customer_model=Customer):
    """(team_id, local day, referred, revenue) of the referred customers matching `where`."""
    return (
        customer_model.objects.filter(where, referred_by__isnull=False)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("team_id", "day")
        .annotate(n=Count("pk"), revenue=Coalesce(Sum("first_purchase_value"), Value(ZERO), output_field=MONEY))
        .values_list("team_id", "day", "n", "revenue")
    )


def refresh_days(days: Iterable[Day]) -> None:
    """Recompute these team-days' rows from their customers, in the caller's transaction."""
    days = sorted(set(days))
    with transaction.atomic():
        rows = day_rows_locked(ReferralDay, days)
        counted = {(team_id, day): (n, revenue) for team_id, day, n, revenue in _count(_created_on_any(days))}
        for row in rows:
            row.referred_customers_count, revenue = counted.get((row.team_id, row.date), (0, ZERO))
            row.referral_revenue = _cents(revenue)
        ReferralDay.objects.bulk_update(rows, ["referred_customers_count", "referral_revenue"])


def customer_changed(customer: Customer) -> None:
    """After a customer was created with a referrer, or their referrer or first purchase
    changed: the day they were created (in local time)."""
    refresh_days([(customer.team_id, timezone.localtime(customer.created_at).date())])


def customers_added(customers: Iterable[Customer]) -> None:
    """After customers were created at once (an import), in the caller's transaction: each
    day's row gets their referred customers and first purchases added, under the row's
    lock. A sum added under the lock is as exact as a recount (another writer recounts or
    adds only once it holds the lock, and then reads what this one committed) and costs
    one statement per day instead of re-reading a day that may hold thousands of rows."""
    added: dict[Day, tuple[int, Decimal]] = {}
    for customer in customers:
        if customer.referred_by_id is None:
            continue
        day = (customer.team_id, timezone.localtime(customer.created_at).date())
        count, revenue = added.get(day, (0, ZERO))
        added[day] = (count + 1, revenue + (customer.first_purchase_value or ZERO))
    if not added:
        return
    with transaction.atomic():
        rows = day_rows_locked(ReferralDay, sorted(added))
        for row in rows:
            count, revenue = added[(row.team_id, row.date)]
            row.referred_customers_count += count
            row.referral_revenue = _cents(row.referral_revenue + revenue)
        ReferralDay.objects.bulk_update(rows, ["referred_customers_count", "referral_revenue"])


def rebuild(*, customer_model=Customer, referral_model=ReferralDay) -> int:
    """Rewrite every row: one GROUP BY (team, local day) over the referred customers."""
    with transaction.atomic():
        rows = [
            referral_model(team_id=team_id, date=day, referred_customers_count=n, referral_revenue=_cents(revenue))
            for team_id, day, n, revenue in _count(Q(), customer_model).iterator(chunk_size=BATCH)
        ]
        referral_model.objects.all().delete()
        referral_model.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def referral_totals(teams: Q, start: datetime.date, end: datetime.date) -> dict:
    """referred_customers_count and referral_revenue of the period from its rows (one query)."""
    sums = ReferralDay.objects.filter(teams, date__gte=start, date__lte=end).aggregate(
        referred_customers_count=Coalesce(Sum("referred_customers_count"), 0),
        referral_revenue=Coalesce(Sum("referral_revenue"), Value(ZERO), output_field=MONEY),
    )
    return {**sums, "referral_revenue": _cents(sums["referral_revenue"])}
