"""A person's points balance: what they earned minus what they redeemed plus what was
refunded to them, never below zero.

Earned is the recognition ledger (core.PointsEntry), read from its running totals: the
latest core.PointsToDate row of each team the person earned in (core.PointsEarner), an
index lookup each, whatever the number of ledger lines. Redeemed and refunded are the
person's PointsBalance row, kept by the redemption services in their transaction.

Why it cannot go below zero: a redemption first locks the person's PointsBalance row
(`balance_locked`), then reads the balance and adds its price to `redeemed` in the same
transaction. A second redemption by the same person waits on that lock and reads the
balance the first one left. Earning only adds, so a ledger line written meanwhile can
only make the check stricter than it needed to be, never looser.
"""

from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from core import errors
from core.models import PointsEarner, PointsToDate, User

from .models import PointsBalance

MSG_NOT_ENOUGH_POINTS = "You have {balance} points; {reward} needs {points}."


def points_earned(*, user_id: int) -> int:
    """Every point the person earned, in every team (one query)."""
    latest = (
        PointsToDate.objects.filter(team_id=OuterRef("team_id"), user_id=OuterRef("user_id"))
        .order_by("-date")
        .values("points")[:1]
    )
    earned = (
        PointsEarner.objects.filter(user_id=user_id)
        .annotate(total=Subquery(latest))
        .aggregate(points=Coalesce(Sum("total"), 0))
    )
    return earned["points"]


def points_spent(balance: PointsBalance | None) -> int:
    return 0 if balance is None else balance.redeemed - balance.refunded


def points_balance(*, user: User) -> int:
    """The person's balance now, read without a lock (two queries): for pages and /api/me."""
    spending = PointsBalance.objects.filter(user_id=user.pk).first()
    return points_earned(user_id=user.pk) - points_spent(spending)


def balance_locked(*, user_id: int) -> PointsBalance:
    """The person's PointsBalance row, made if missing and locked until the caller's
    transaction ends. Call inside transaction.atomic, before reading the balance."""
    PointsBalance.objects.bulk_create([PointsBalance(user_id=user_id)], ignore_conflicts=True)
    return PointsBalance.objects.select_for_update().get(user_id=user_id)


def points_debit(*, balance: PointsBalance, points: int, reward_name: str) -> int:
    """Take `points` from the locked `balance` (Conflict when it cannot cover them);
    returns the balance left."""
    available = points_earned(user_id=balance.user_id) - points_spent(balance)
    if available < points:
        raise errors.Conflict(
            MSG_NOT_ENOUGH_POINTS.format(balance=available, reward=reward_name, points=points), field="points"
        )
    balance.redeemed += points
    balance.save(update_fields=["redeemed"])
    return available - points


def points_credit(*, balance: PointsBalance, points: int) -> None:
    """Give `points` back to the locked `balance` (a refund)."""
    balance.refunded += points
    balance.save(update_fields=["refunded"])
