"""Concurrent approvals on PostgreSQL: the row locks keep the budget whole.

SQLite ignores select_for_update (and serialises writers anyway), so these run on
PostgreSQL only, as in CI.
"""

from decimal import Decimal

import pytest

from acts import services
from acts.models import Act, ActEvent, BudgetMonth
from core import errors
from tests.concurrency import run_at_once
from tests.factories import CustomerFactory, log_act

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_twenty_approvals_at_once_never_overspend(team, staff, manager):
    team.monthly_budget = Decimal("500.00")
    team.save()
    customer = CustomerFactory(team=team)
    requests = [log_act(staff, cost="100.00", customer=customer) for _ in range(20)]

    outcomes = run_at_once([lambda act=act: services.spend_approve(user=manager, act=act) for act in requests])

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("crashed") == 0, outcomes
    assert kinds.count("ok") == 5
    assert kinds.count("refused") == 15
    assert all(isinstance(e, errors.BudgetExceeded) for kind, e in outcomes if kind == "refused")
    assert BudgetMonth.objects.get(team=team).committed == Decimal("500.00")
    assert Act.objects.filter(status="approved").count() == 5
    assert ActEvent.objects.filter(action="approved").count() == 5


def test_one_request_approved_by_ten_at_once_is_decided_once(team, staff, manager):
    act = log_act(staff, cost="100.00")

    outcomes = run_at_once([lambda: services.spend_approve(user=manager, act=act)] * 10)

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("crashed") == 0, outcomes
    assert kinds.count("ok") == 1
    assert all(isinstance(e, errors.Conflict) for kind, e in outcomes if kind == "refused")
    assert ActEvent.objects.filter(act=act, action="approved").count() == 1
    assert BudgetMonth.objects.get(team=team).committed == Decimal("100.00")
