"""Redemptions at the same instant on PostgreSQL: the balance row and the reward's row
are locked, so neither the balance nor the stock goes below zero.

SQLite ignores select_for_update (and serialises writers anyway), so these run on
PostgreSQL only, as in CI.
"""

import pytest

from core import errors
from rewards import services
from rewards.balance import points_balance
from rewards.models import PointsBalance, Redemption, RedemptionEvent, Reward
from tests.concurrency import run_at_once
from tests.factories import UserFactory

from .points import points_give

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

THREADS = 20


def test_twenty_redemptions_at_once_against_fifty_points_let_exactly_five_through(staff, admin_user):
    lunch = services.reward_create(user=admin_user, name="Team lunch", points=10)
    points_give(staff, 50)

    outcomes = run_at_once([lambda: services.reward_redeem(user=staff, reward=lunch)] * THREADS)

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("crashed") == 0, outcomes
    assert kinds.count("ok") == 5
    assert kinds.count("refused") == THREADS - 5
    assert all(isinstance(e, errors.Conflict) for kind, e in outcomes if kind == "refused")
    assert points_balance(user=staff) == 0
    assert Redemption.objects.filter(user=staff).count() == 5
    assert RedemptionEvent.objects.count() == 5
    assert PointsBalance.objects.get(user=staff).redeemed == 50


def test_twenty_people_at_once_against_a_stock_of_three_get_exactly_three(team, admin_user):
    prints = services.reward_create(user=admin_user, name="Signed print", points=5, stock=3)
    people = [UserFactory(username=f"racer{n}", team=team) for n in range(THREADS)]
    for person in people:
        points_give(person, 5)

    outcomes = run_at_once(
        [lambda person=person: services.reward_redeem(user=person, reward=prints) for person in people]
    )

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("crashed") == 0, outcomes
    assert kinds.count("ok") == 3
    assert all(isinstance(e, errors.Conflict) for kind, e in outcomes if kind == "refused")
    assert Reward.objects.get(pk=prints.pk).stock == 0
    assert Redemption.objects.count() == 3
    assert sum(points_balance(user=person) for person in people) == 5 * THREADS - 15


def test_one_redemption_refunded_by_ten_managers_at_once_gives_the_points_back_once(team, staff, admin_user):
    lunch = services.reward_create(user=admin_user, name="Team lunch", points=10, stock=1)
    points_give(staff, 10)
    asked = services.reward_redeem(user=staff, reward=lunch)
    managers = [UserFactory(username=f"boss{n}", team=team, role="manager") for n in range(10)]

    outcomes = run_at_once(
        [lambda m=m: services.redemption_refund(user=m, redemption=asked, note="Closed") for m in managers]
    )

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("crashed") == 0, outcomes
    assert kinds.count("ok") == 1
    assert points_balance(user=staff) == 10
    assert Reward.objects.get(pk=lunch.pk).stock == 1
    assert RedemptionEvent.objects.filter(redemption=asked).count() == 2
