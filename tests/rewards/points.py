"""Points for the rewards tests, earned through the recognition ledger."""

import itertools

from django.utils import timezone

from core import recognition
from core.models import PointsEntry

_outcomes = itertools.count(1)


def points_give(user, points: int) -> None:
    """A ledger line of `points` for `user`, through the recognition ledger's one writer
    (the line and the running totals a balance reads), as an outcome would earn it."""
    recognition._award(
        user=user,
        team=user.team,
        reason=PointsEntry.Reason.REFERRAL,
        points=points,
        key=f"test:{next(_outcomes)}",
        earned_on=timezone.localdate(),
        why="Points for a test outcome",
    )
