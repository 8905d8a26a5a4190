"""Surprise suggestions: each day, a few of the team's customers who have gone a while
without a proactive act, picked in a stable daily shuffle, each with why it was picked."""

import datetime
import hashlib

from django.db.models import Count, Exists, IntegerField, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.models import Team
from customers.models import Customer

from .models import GOING_AHEAD, Act, Kind, Trigger

SURPRISE_AFTER_DAYS = 30
SURPRISE_PICKS = 3


_PRIME = 2_147_483_647  # 2**31 − 1: (id × multiplier + shift) mod it shuffles ids, stably.
# How many of a team's customers, from a random place in its list, the day's picks are
# drawn from: the draw reads this many rows, however many customers the team has.
SURPRISE_WINDOW = 60


def _daily_shuffle(team_id: int, today: datetime.date) -> tuple[int, int]:
    digest = hashlib.sha256(f"surprise:{team_id}:{today.isoformat()}".encode()).digest()
    multiplier = 1 + int.from_bytes(digest[:8]) % (_PRIME - 1)
    shift = int.from_bytes(digest[8:16]) % _PRIME
    return multiplier, shift


def surprise_suggestions(*, team: Team | None, today: datetime.date, count: int = SURPRISE_PICKS) -> list[Customer]:
    """A random pick of the team's customers with no proactive act going ahead in the
    last SURPRISE_AFTER_DAYS days, so that surprises are spread, not scheduled.

    Random but stable within a day, and bounded whatever the team's size: a hash of the
    team and the date gives a point between the team's lowest and highest customer id;
    the SURPRISE_WINDOW candidates from there on (going round to the lowest ids when the
    end is reached) are read through the (team, id) index, and the hash shuffles them
    ((id × m + s) mod (2³¹ − 1)) to pick `count`. Everyone sees the same picks today and
    others tomorrow. Each pick comes with `last_surprise` (date), `last_kind`,
    `acts_total` and `referrals_total`, from which the page says why it was picked.
    Three queries: the id range, the window from the point, the window round from the
    start (each window row with its details: a few index lookups each).
    """
    if team is None:
        return []
    since = today - datetime.timedelta(days=SURPRISE_AFTER_DAYS)
    proactive = Act.objects.filter(customer_id=OuterRef("pk"), trigger=Trigger.PROACTIVE, status__in=GOING_AHEAD)
    customers = Customer.objects.filter(team=team).order_by()
    bounds = customers.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    multiplier, shift = _daily_shuffle(team.pk, today)
    start = bounds["low"] + shift % (bounds["high"] - bounds["low"] + 1)
    last_surprise = proactive.order_by("-date", "-id")
    acts_total = (
        Act.objects.filter(customer_id=OuterRef("pk"), status__in=GOING_AHEAD)
        .order_by()
        .values("customer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    referrals_total = (
        Customer.objects.filter(referred_by_id=OuterRef("pk"))
        .order_by()
        .values("referred_by_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    candidates = (
        customers.filter(~Exists(proactive.filter(date__gt=since)))
        .annotate(
            last_surprise=Subquery(last_surprise.values("date")[:1]),
            last_kind=Subquery(last_surprise.values("kind")[:1]),
            acts_total=Coalesce(Subquery(acts_total, output_field=IntegerField()), 0),
            referrals_total=Coalesce(Subquery(referrals_total, output_field=IntegerField()), 0),
        )
        .order_by("pk")
    )
    window = list(candidates.filter(pk__gte=start)[:SURPRISE_WINDOW])
    # Read whole, even when the first part filled the window: the same queries every day.
    window += list(candidates.filter(pk__lt=start)[:SURPRISE_WINDOW])[: SURPRISE_WINDOW - len(window)]
    picks = sorted(window, key=lambda customer: ((customer.pk * multiplier + shift) % _PRIME, customer.pk))[:count]
    for customer in picks:
        customer.why = _why_picked(customer, today)
    return picks


def _why_picked(customer: Customer, today: datetime.date) -> str:
    if customer.last_surprise is None:
        reason = "Never surprised yet"
        if customer.acts_total == 1:
            reason += " (one act so far: a recovery)"
        elif customer.acts_total:
            reason += f" ({customer.acts_total} acts so far, all recoveries)"
    else:
        days = (today - customer.last_surprise).days
        reason = f"Last surprise {days} days ago ({Kind(customer.last_kind).label.lower()})"
    if customer.referrals_total:
        reason += f"; has sent us {customer.referrals_total} customer{'s' if customer.referrals_total != 1 else ''}"
    return reason + "."
