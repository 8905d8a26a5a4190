"""Customers who create customers: the referral rate and the top advocates, and the two
summaries they read so that no request walks the referral tree.

Definitions (for a period, dates inclusive, and the scope's teams):
- referral_rate = customers created in the period who have a referrer ÷ all customers
  created in the period; None when none was created. The numerator is the dashboard's
  referred_customers_count (ReferralDay), the denominator the CustomerDay rows.
- top advocates: customers ranked by how many customers they brought in, every
  generation, among the customers created in the period (someone they referred, someone
  that one referred, ...), with those customers' revenue (SUM of first_purchase_value);
  ties by revenue, then name; at most 10.

How they stay exact:
- `ReferralLineage` holds one row per (ancestor, descendant) pair. A referrer is set at
  most once and never changes (customers/referrals.py), so the tree only ever grows by
  hanging a customer, with everyone below them, under a referrer: `customers_added`
  copies the referrer's rows for a new customer (their ancestors, one generation further,
  and the referrer); `referrer_set` adds every (ancestor above, customer below) pair when
  an existing customer gets a referrer. Both run in the transaction that sets the
  referrer, with the team locked (the services take it), so two referrals in one chain
  at once are written one after the other and each sees the other's rows. The unique
  (ancestor, customer) pair makes a repeated write harmless.
- Revenue and creation dates are read from the customers themselves, so a corrected
  first purchase needs no upkeep here.
- `CustomerDay` adds one per customer created, in the same transaction.
`rebuild()` rewrites both from the customers (one read of id, referrer, team, creation
time), called by `manage.py rebuild_summaries` after bulk loads.
"""

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core.rows_insert import rows_insert

from .models import Customer, CustomerDay, ReferralLineage

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
BATCH = 2_000
TOP_ADVOCATES = 10


def _cents(value) -> Decimal:
    # SQLite sums money as a float-like number.
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- Keeping the summaries ---------------------------------------------------------------


def _day_add(customer: Customer) -> None:
    day = timezone.localtime(customer.created_at).date()
    CustomerDay.objects.bulk_create([CustomerDay(team_id=customer.team_id, date=day)], ignore_conflicts=True)
    CustomerDay.objects.filter(team_id=customer.team_id, date=day).update(customers_created=F("customers_created") + 1)


def _above(customer_id: int) -> list[tuple[int, int]]:
    """(ancestor id, generation) of every customer above `customer_id`, itself at 0."""
    return [
        (customer_id, 0),
        *ReferralLineage.objects.filter(customer_id=customer_id).values_list("ancestor_id", "generation"),
    ]


def _hang(*, below: Iterable[tuple[int, int]], referrer_id: int) -> None:
    """Write the pairs for customers `below` (id, generation under the one being hung, 0
    for that one) now hanging under `referrer_id`."""
    above = _above(referrer_id)
    ReferralLineage.objects.bulk_create(
        (
            ReferralLineage(ancestor_id=ancestor, customer_id=customer, generation=up + 1 + down)
            for customer, down in below
            for ancestor, up in above
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def customers_added(customers: list[Customer]) -> None:
    """Customers were created (saved, in the caller's transaction, in list order: a referrer
    is an older customer or earlier in the list): their days' counts, and each referred
    one's place in the tree, copied from their referrer's. Three queries whatever their
    number (days counted, the older referrers' rows read, the pairs inserted), plus one
    UPDATE per distinct day."""
    by_day: dict[tuple[int, datetime.date], int] = {}
    for customer in customers:
        key = (customer.team_id, timezone.localtime(customer.created_at).date())
        by_day[key] = by_day.get(key, 0) + 1
    CustomerDay.objects.bulk_create(
        [CustomerDay(team_id=team_id, date=day) for team_id, day in by_day], ignore_conflicts=True
    )
    for (team_id, day), n in by_day.items():
        CustomerDay.objects.filter(team_id=team_id, date=day).update(customers_created=F("customers_created") + n)
    referred = [customer for customer in customers if customer.referred_by_id is not None]
    if not referred:
        return
    new = {customer.pk for customer in customers}
    above: dict[int, list[tuple[int, int]]] = {}
    for ancestor, customer, generation in ReferralLineage.objects.filter(
        customer_id__in={c.referred_by_id for c in referred} - new
    ).values_list("ancestor_id", "customer_id", "generation"):
        above.setdefault(customer, []).append((ancestor, generation))
    pairs = []
    for customer in referred:
        mine = [(customer.referred_by_id, 1)] + [(a, g + 1) for a, g in above.get(customer.referred_by_id, [])]
        above[customer.pk] = mine
        pairs.extend((a, customer.pk, g) for a, g in mine)
    rows_insert(ReferralLineage, ("ancestor_id", "customer_id", "generation"), pairs, ignore_conflicts=True)


def customer_created(customer: Customer) -> None:
    """One customer was created (see customers_added)."""
    customers_added([customer])


def referrer_set(customer: Customer) -> None:
    """An existing customer got their (first and only) referrer, in the caller's
    transaction: they and everyone below them now descend from the referrer and everyone
    above the referrer."""
    below = [
        (customer.pk, 0),
        *ReferralLineage.objects.filter(ancestor_id=customer.pk).values_list("customer_id", "generation"),
    ]
    _hang(below=below, referrer_id=customer.referred_by_id)


def lineage_pairs(parents: dict[int, int | None]) -> list[tuple[int, int, int]]:
    """(ancestor, customer, generation) for every pair of a tree given as customer →
    referrer. A loop (which the guards never let in) ends the walk."""
    pairs = []
    for customer, parent in parents.items():
        generation, seen = 1, {customer}
        while parent is not None and parent not in seen:
            pairs.append((parent, customer, generation))
            seen.add(parent)
            parent, generation = parents.get(parent), generation + 1
    return pairs


def rebuild(*, customer_model=Customer, lineage_model=ReferralLineage, day_model=CustomerDay) -> int:
    """Rewrite the lineage and the daily customer counts from the customers (for bulk loads,
    while nobody adds customers). Returns the number of rows written. The data migration
    passes its historical models."""
    with transaction.atomic():
        parents = dict(customer_model.objects.order_by().values_list("pk", "referred_by_id").iterator(chunk_size=BATCH))
        days = (
            customer_model.objects.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
            .order_by()
            .values("team_id", "day")
            .annotate(n=Count("pk"))
            .values_list("team_id", "day", "n")
        )
        day_rows = [day_model(team_id=team_id, date=day, customers_created=n) for team_id, day, n in days]
        lineage_model.objects.all().delete()
        day_model.objects.all().delete()
        pairs = lineage_pairs(parents)
        lineage_model.objects.bulk_create(
            (lineage_model(ancestor_id=a, customer_id=c, generation=g) for a, c, g in pairs), batch_size=BATCH
        )
        day_model.objects.bulk_create(day_rows, batch_size=BATCH)
    return len(pairs) + len(day_rows)


# --- Reading them --------------------------------------------------------------------------


def customers_created(teams: Q, start: datetime.date, end: datetime.date) -> int:
    """Customers created in the period, from the day rows (one query)."""
    return CustomerDay.objects.filter(teams, date__gte=start, date__lte=end).aggregate(
        n=Coalesce(Sum("customers_created"), 0)
    )["n"]


def referral_rate(*, referred: int, created: int) -> Decimal | None:
    """referral_rate = referred ÷ created, 0 to 1; None when no customer was created."""
    if not created:
        return None
    return Decimal(referred) / Decimal(created)


def _moments(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone),
    )


def top_advocates(
    customer_teams: Q, start: datetime.date, end: datetime.date, *, limit: int = TOP_ADVOCATES
) -> list[dict]:
    """The top advocates of the period (see the module's definition), each as {id, name,
    referred (customers brought in the period, every generation), revenue (their first
    purchases)}. `customer_teams` filters the lineage rows on their customer's team
    (`customer__team_id...`). One query: the period's new customers through the (team,
    created_at) index, their lineage rows, grouped by ancestor."""
    first, after = _moments(start, end)
    rows = (
        ReferralLineage.objects.filter(customer_teams, customer__created_at__gte=first, customer__created_at__lt=after)
        .order_by()
        .values("ancestor_id", "ancestor__name")
        .annotate(
            referred=Count("customer_id"),
            revenue=Coalesce(Sum("customer__first_purchase_value"), Value(ZERO), output_field=MONEY),
        )
        .order_by("-referred", "-revenue", "ancestor__name", "ancestor_id")[:limit]
    )
    return [
        {
            "id": row["ancestor_id"],
            "name": row["ancestor__name"],
            "referred": row["referred"],
            "revenue": _cents(row["revenue"]),
        }
        for row in rows
    ]


# --- For a list of referred customers: their generation and the story that started their chain


def generation() -> Subquery:
    """A customer's generation: how many customers stand above them in the tree (1: their
    referrer was not referred by anyone)."""
    return Subquery(
        ReferralLineage.objects.filter(customer_id=OuterRef("pk"))
        .order_by()
        .values("customer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )


def chain_story() -> Coalesce:
    """The story that brought a customer in: their own `referred_by_story`, else the
    nearest one above them (the story that started the chain they were referred along)."""
    nearest_above = Subquery(
        ReferralLineage.objects.filter(customer_id=OuterRef("pk"), ancestor__referred_by_story__isnull=False)
        .order_by("generation")
        .values("ancestor__referred_by_story_id")[:1]
    )
    return Coalesce(F("referred_by_story_id"), nearest_above, output_field=IntegerField())
