"""Customers added at the same instant, on PostgreSQL: each is counted once."""

import pytest

from customers import services
from customers.models import Customer, TeamCustomerCount
from tests.concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_customers_added_at_once_are_all_counted(team, staff, staff2):
    # The team has no count row yet: both transactions make it, and both add one.
    outcomes = run_at_once(
        [
            lambda: services.customer_create(user=staff, name="Elena Petrova"),
            lambda: services.customer_create(user=staff2, name="Tom Becker"),
            lambda: services.customer_create(user=staff, name="Dora Newcomer"),
        ]
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok", "ok"], outcomes
    assert TeamCustomerCount.objects.get(team=team).customers == Customer.objects.filter(team=team).count() == 3
