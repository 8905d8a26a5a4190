"""Two imports of the same file into one team at the same instant (PostgreSQL): each batch
locks the team first, so the second sees the first's customers as already there."""

import pytest

from core.models import ReferralDay
from customers.imports import customers_import
from customers.models import Customer, TeamCustomerCount
from tests.concurrency import run_at_once
from tests.factories import TeamFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROWS = "name,email,referral_code,referred_by_code\nRoot,root@example.com,ROOT01,\n" + "".join(
    f"P{i},p{i}@example.com,,ROOT01\n" for i in range(30)
)


def test_the_same_file_imported_twice_at_once_makes_each_customer_once():
    team = TeamFactory(name="Harbour")
    outcomes = run_at_once([lambda: customers_import(user=None, team=team, text=ROWS, batch_size=8)] * 4)

    assert [kind for kind, _ in outcomes] == ["ok"] * 4
    assert sum(report.imported for _, report in outcomes) == 31
    assert Customer.objects.filter(team=team).count() == 31
    assert TeamCustomerCount.objects.get(team=team).customers == 31
    assert ReferralDay.objects.get(team=team).referred_customers_count == 30
