"""A small world for ROI along the chain, built through the real services, with every
figure worked out by hand.

Team Harbour (dates: a1, a2, a3 five days ago; a4 today, declined):
  a1 ana  Ann   gift/delivery   $20 delivered at $18      spend 18
  a3 ana  Ann   gift/delivery   $30 empowered, approved    spend 30
  a2 sam  Bob   call/response   $0                         spend 0
  a4 ana  Ann   gift/delivery   $90 declined               (not going ahead)
Stories: s1 told by Ann retells a1 and a3, approved; s2 told by Bob retells a2, waiting for
review; s3 told by Ann retells a1, rejected.
Customers: r1 referred by Ann through s1 ($100), r2 referred by r1 ($50, second
generation), r3 referred by Bob through s2 ($70), r4 referred by r3 ($5).
  a1: stories 1, referred r1 (gen 1), r2 (gen 2) → 2, revenue 150.00, spend 18.00
  a3: the same chain → stories 1, referred 2, revenue 150.00, spend 30.00
  a2: s2 is not approved → stories 0, referred 0, revenue 0.00, spend 0.00
By person: Ana Lind 2 acts, spend 48.00, stories 2, referred 4, revenue 300.00, 6.25×;
Sam Lind 1 act, spend 0.00, nothing returned, no ratio.
Team Riverside: rita's act o1 for Walter, a story about it approved, a customer it
brought ($999): never in Harbour's figures.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from acts import services as act_services
from customers.services import customer_create
from stories import services as story_services
from tests.dashboard.builders import days_ago
from tests.factories import CustomerFactory, log_act


def story(user, admin, customer, acts, decision=None, reason=""):
    told = story_services.story_record(
        user=user, customer=customer, channel="review", text="They went the extra mile", acts=acts, consent=True
    )
    if decision:
        told = story_services.story_moderate(user=admin, story=told, decision=decision, reason=reason)
    return told


@pytest.fixture
def chain_world(team, other_team, staff, staff2, manager, admin_user, other_staff):
    w = SimpleNamespace(team=team)
    for person, name in ((staff, "Ana"), (staff2, "Sam")):
        person.first_name, person.last_name = name, "Lind"
        person.save(update_fields=["first_name", "last_name"])
    w.ann = CustomerFactory(team=team, name="Ann")
    w.bob = CustomerFactory(team=team, name="Bob")
    five = days_ago(5)
    w.a1 = log_act(staff, customer=w.ann, cost="20", kind="gift", quadrant="delivery", date=five)
    w.a1 = act_services.act_deliver(user=staff, act=w.a1, actual_cost=Decimal("18"))
    w.a3 = log_act(staff, customer=w.ann, cost="30", kind="gift", quadrant="delivery", date=five)
    w.a2 = log_act(staff2, customer=w.bob, cost="0", kind="call", quadrant="response", date=five)
    w.a4 = log_act(staff, customer=w.ann, cost="90", kind="gift", quadrant="delivery")
    act_services.spend_decline(user=manager, act=w.a4, note="Not this time")
    w.s1 = story(staff, admin_user, w.ann, [w.a1, w.a3], "approve")
    w.s2 = story(staff2, admin_user, w.bob, [w.a2])
    w.s3 = story(staff, admin_user, w.ann, [w.a1], "reject", reason="Not about us")
    w.r1 = customer_create(
        user=staff, name="Rose", referred_by=w.ann, referred_by_story=w.s1, first_purchase_value=Decimal("100")
    )
    w.r2 = customer_create(user=staff, name="Ray", referred_by=w.r1, first_purchase_value=Decimal("50"))
    w.r3 = customer_create(
        user=staff2, name="Rick", referred_by=w.bob, referred_by_story=w.s2, first_purchase_value=Decimal("70")
    )
    w.r4 = customer_create(user=staff2, name="Rita", referred_by=w.r3, first_purchase_value=Decimal("5"))

    w.walter = CustomerFactory(team=other_team, name="Walter")
    w.o1 = log_act(other_staff, customer=w.walter, cost="10", kind="gift", quadrant="delivery", date=five)
    w.o_story = story(other_staff, admin_user, w.walter, [w.o1], "approve")
    w.o_referred = customer_create(
        user=other_staff,
        name="Olga",
        referred_by=w.walter,
        referred_by_story=w.o_story,
        first_purchase_value=Decimal("999"),
    )
    return w
