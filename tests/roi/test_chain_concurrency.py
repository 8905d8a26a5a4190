"""On PostgreSQL: customers joining one act's chain at the same instant, and a story
approved while a customer joins under the customer it brought, leave the chain exact."""

from decimal import Decimal

import pytest

from acts.models import ActChain, ActReferral, RoiCell
from customers.services import customer_create
from stories import services as story_services
from tests.concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_referrals_at_once_all_count(chain_world, staff, staff2):
    w = chain_world
    outcomes = run_at_once(
        [
            lambda: customer_create(user=staff, name="One", referred_by=w.r1, first_purchase_value=Decimal("1")),
            lambda: customer_create(user=staff2, name="Two", referred_by=w.r1, first_purchase_value=Decimal("2")),
            lambda: customer_create(user=staff, name="Three", referred_by=w.r2, first_purchase_value=Decimal("3")),
        ]
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok", "ok"], outcomes
    chain = ActChain.objects.get(act=w.a1)
    assert (chain.referred_customers_count, chain.referral_revenue) == (5, Decimal("156.00"))
    cell = RoiCell.objects.get(span="day", author=staff, kind="gift", quadrant="delivery", date=w.a1.date)
    assert (cell.referred_customers_count, cell.referral_revenue) == (10, Decimal("312.00"))  # a1 and a3


def test_a_story_approved_while_someone_joins_below(chain_world, staff2, admin_user):
    w = chain_world
    outcomes = run_at_once(
        [
            lambda: story_services.story_moderate(user=admin_user, story=w.s2, decision="approve"),
            lambda: customer_create(user=staff2, name="Late", referred_by=w.r4, first_purchase_value=Decimal("4")),
        ]
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert dict(ActReferral.objects.filter(act=w.a2).values_list("customer__name", "generation")) == {
        "Rick": 1,
        "Rita": 2,
        "Late": 3,
    }
    assert ActChain.objects.get(act=w.a2).referral_revenue == Decimal("79.00")
