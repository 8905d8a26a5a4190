"""A hand-computed world for the dashboard's figures, built through the real services.

The period is the last 21 days (days 20..0 ago). Expected figures, worked out by hand:

acts (going ahead = not declined/withdrawn)            spend  level      trigger    quadrant     kind
  a1 ana   c1 day 10  $20 empowered, delivered at $18      18  empowered  proactive  reception    gift
  a2 ana   c2 day 10  $0                                    0  none       reactive   response     call
  a3 sam   c3 day 8   $80 asked, manager approves $70      70  manager    proactive  delivery     upgrade
  a4 ana   c1 day 10  $150 asked, admin declines     (declined) admin     proactive  reception    gift
  a5 sam   c4 day 6   $60 asked, withdrawn          (withdrawn) manager   proactive  delivery     time
  a6 ana   c2 day 3   $90 asked, still pending              0  manager    proactive  reliability  note
  a9 sam   c5 day 0   $0                                    0  none       reactive   response     call
  outside: a7 (day 30, c3, $10); another team's act a8 (day 5).
  acts_count 5; proactive 3 → share 0.6; spend 88.00; empowered 3/5 = 0.6;
  requests decided a3, a4 → decline rate 1/2; quadrants reception 1, delivery 1,
  reliability 1, response 2; kinds call 2, gift 1, upgrade 1, note 1.
stories told in the period, approved or featured: s1 (day 5), s2 (day 3) → 2; not: submitted,
  rejected, outside (day 25), another team's. Stories per act 2/5 = 0.40.
referred customers created in the period: r1 ($200), r2 (no value) → 2, revenue 200.00;
  one created 40 days ago does not count. Cost per referred 88/2 = 44.00; return 200/88 = 2.27.
NPS in the period: with an act by then: c1 10 (day 5, a1 day 10), c2 9 (day 1), c5 0 (day 0,
  a9 the same day) → (2 − 1)/3 = 33.3. Without: c1 6 (day 12, before a1), c4 3 (only a
  withdrawn act), r1 8 → (0 − 2)/3 = −66.7. Outside: c3 10 (day 25).
recovery (returns only, within the team's 90 days): reactive a2 (c2 came back on day 3) and
  a9 (c5's return on day 0 is the act's own day, not after it; its window is open: waiting)
  → 1 of 2, 1 waiting.
"""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from acts import services as act_services
from customers import referral_days
from customers import services as customer_services
from customers.models import Customer
from tests.factories import CustomerFactory

from .builders import act, days_ago, delivered, nps, referred, tell_story

PERIOD = {"start": days_ago(20), "end": days_ago(0)}


@pytest.fixture
def afternoon():
    """The clock at 17:00 on a fixed day (a Wednesday in mid-June), running: a test that
    replays the last few hours (at(now − 6 h)) stays within today, whatever the hour the
    suite runs at. Yields that moment."""
    moment = datetime.datetime(2026, 6, 17, 17, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=True):
        yield moment


@pytest.fixture
def world(team, other_team, staff, staff2, manager, admin_user, other_staff):
    c = [None] + [CustomerFactory(team=team, name=f"Customer {i}") for i in range(1, 6)]
    w = SimpleNamespace(team=team, customers=c)
    w.a1 = delivered(staff, days=10, customer=c[1], cost="20", actual_cost="18", quadrant="reception", kind="gift")
    w.a2 = act(staff, days=10, customer=c[2], trigger="reactive", quadrant="response", kind="call")
    w.a3 = act(staff2, days=8, customer=c[3], cost="80", quadrant="delivery", kind="upgrade")
    act_services.spend_approve(user=manager, act=w.a3, amount="70")
    w.a4 = act(staff, days=10, customer=c[1], cost="150", quadrant="reception", kind="gift")
    act_services.spend_decline(user=admin_user, act=w.a4, note="Too much for a gift")
    w.a5 = act(staff2, days=6, customer=c[4], cost="60", quadrant="delivery", kind="time")
    act_services.spend_withdraw(user=staff2, act=w.a5)
    w.a6 = act(staff, days=3, customer=c[2], cost="90", quadrant="reliability", kind="note")
    w.a7 = act(staff, days=30, customer=c[3], cost="10")
    w.a8 = act(other_staff, days=5, cost="10")
    w.a9 = act(staff2, days=0, customer=c[5], trigger="reactive", quadrant="response", kind="call")

    tell_story(c[1], days=5, acts=[w.a1], moderator=admin_user)
    tell_story(c[2], days=3, status="featured", acts=[w.a2], moderator=admin_user)
    tell_story(c[3], days=2, status="submitted")
    tell_story(c[1], days=25, moderator=admin_user)
    tell_story(c[4], days=1, status="rejected", moderator=admin_user)
    tell_story(CustomerFactory(team=other_team), days=1, moderator=admin_user)

    w.r1 = referred(staff, c[1], value="200", name="Referred One")
    w.r2 = referred(staff, c[2], name="Referred Two")
    old = referred(staff, c[3], value="999", name="Referred Long Ago")
    Customer.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    referral_days.rebuild()  # the update above went around the services
    referred(other_staff, CustomerFactory(team=other_team), value="50", name="Elsewhere")

    nps(c[1], 10, days=5)
    nps(c[1], 6, days=12)
    nps(c[2], 9, days=1)
    nps(c[4], 3, days=2)
    nps(w.r1, 8, days=0)
    nps(c[5], 0, days=0)
    nps(c[3], 10, days=25)

    customer_services.customer_return_record(user=staff, customer=c[2], date=days_ago(3), note="Back for dinner")
    customer_services.customer_return_record(user=staff, customer=c[5], date=days_ago(0), value="12.50")
    return w
