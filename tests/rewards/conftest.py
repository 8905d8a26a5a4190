"""Points to spend and a catalogue to spend them on, for the rewards tests."""

import itertools

import pytest
from django.utils import timezone

from core import recognition
from core.models import PointsEntry
from rewards import services

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
    )


@pytest.fixture
def lunch(admin_user):
    return services.reward_create(user=admin_user, name="Team lunch", description="On us", points=30)


@pytest.fixture
def voucher(admin_user):
    return services.reward_create(user=admin_user, name="Book voucher", points=10, stock=2)
