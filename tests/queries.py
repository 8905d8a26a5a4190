"""The one query-count helper: how many queries a page takes. Tests then hold the page
with more rows to that count under pytest-django's django_assert_num_queries, which
prints every query when the count differs.

Query counts that do not grow with the data, for every page at once:

`assert_same_queries(pages, grow)` counts the queries of each page (GET), lets `grow()`
add rows, and asserts that each page then runs exactly as many, naming those that do
not. Each file of tests/ checks the pages of its app this way. `Team` (the `grown_team`
fixture) is a team's worth of everything a page lists, grown through the real services,
so that a page that loops over rows in Python, or forgets a select_related, shows up as
a count that moves between 2 and 12 rows of everything.
"""

import datetime
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from acts import budgets
from acts import services as act_services
from core import recognition
from customers import services as customer_services
from stories import nps
from stories import services as story_services
from tests.factories import CustomerFactory, log_act

SMALL, LARGE = 2, 12


def page_queries(client, url) -> int:
    """The number of queries a GET of `url` takes; the page must answer 200.

    One GET first: the session's last-seen stamp is written at most once a minute, so a
    test that spends over a minute building rows between two counts would otherwise count
    that write on one side only.
    """
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(queries)


def signed_in(user=None, *, token: str = "") -> Client:
    """A test client as `user` (a session), or with an API token, or anonymous."""
    client = Client()
    if token:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    elif user is not None:
        client.force_login(user)
    return client


def page_counts(pages: dict[str, tuple[Client, str]]) -> dict[str, int]:
    """Queries of each page, by its label; each page is asked once before it is counted,
    so that what a process reads once (content types, the session) does not count."""
    for client, url in pages.values():
        client.get(url)
    return {label: page_queries(client, url) for label, (client, url) in pages.items()}


def assert_same_queries(pages: dict[str, tuple[Client, str]], grow) -> None:
    """Every page runs as many queries after `grow()` as before it; a failure lists the
    pages whose count moved (label: before → after)."""
    before = page_counts(pages)
    grow()
    after = page_counts(pages)
    moved = {label: f"{before[label]} → {after[label]}" for label in pages if before[label] != after[label]}
    assert not moved, f"queries grew with the data: {moved}"


class Team:
    """Rows of everything for a team — customers and referrals, acts in every state,
    requests waiting, stories waiting and on the wall, NPS answers and the follow-ups they
    open, points and kudos, budgets and policy changes in the audit log — each added
    through the services, `rounds` at a time; `focus` (a customer) and `act` (one act)
    get their share of each round too, for the pages about one of them."""

    def __init__(self, *, staff, manager, admin):
        self.staff, self.manager, self.admin = staff, manager, admin
        self.team = staff.team
        self.focus = CustomerFactory(team=self.team, name="Focus Customer")
        self.act = log_act(staff, customer=self.focus, cost="20.00")
        self.rounds = 0
        # Room in this month's budget for every round's spend.
        budgets.budget_set(user=admin, team=self.team, month=timezone.localdate(), amount=Decimal("9000"))

    def act_delivered(self):
        """A delivered act of the focus customer (for a survey link)."""
        act = log_act(self.staff, customer=self.focus, cost="15.00")
        return act_services.act_deliver(user=self.staff, act=act, actual_cost=Decimal("15.00"))

    def clients(self) -> tuple[Client, Client, Client]:
        """Test clients signed in as the team's staff member, manager and admin."""
        return signed_in(self.staff), signed_in(self.manager), signed_in(self.admin)

    def grow(self, rounds: int) -> None:
        for _ in range(rounds):
            self._round()

    def _round(self) -> None:
        self.rounds += 1
        n = self.rounds
        referrer = self.focus if n % 2 else None
        customer = customer_services.customer_create(
            user=self.staff, name=f"Guest {n:02}", email=f"guest{n}@example.org", referred_by=referrer
        )
        delivered = act_services.act_deliver(
            user=self.staff, act=log_act(self.staff, customer=customer, cost="10.00"), actual_cost=Decimal("10.00")
        )
        act_services.act_customer_knows(user=self.staff, act=delivered, how="Told at the desk")
        for_focus = act_services.act_deliver(
            user=self.staff, act=log_act(self.staff, customer=self.focus, cost="5.00"), actual_cost=Decimal("5.00")
        )
        log_act(self.staff, customer=customer, cost="80.00")  # waits for a manager
        log_act(self.staff, customer=self.focus, cost="150.00")  # waits for an admin
        declined = log_act(self.staff, customer=customer, cost="90.00")
        act_services.spend_decline(user=self.manager, act=declined, note="Not this time")
        approved = log_act(self.staff, customer=customer, cost="70.00", trigger="reactive")
        act_services.spend_approve(user=self.manager, act=approved)
        log_act(self.manager, customer=customer, kind="call")
        story = story_services.story_record(
            user=self.staff, customer=customer, channel="review", text=f"Story {n}", acts=[delivered], consent=True
        )
        story_services.story_moderate(user=self.admin, story=story, decision="approve" if n % 3 == 1 else "feature")
        story_services.story_record(
            user=self.staff, customer=self.focus, channel="letter", text=f"Waiting {n}", acts=[for_focus], consent=True
        )
        for score, who, act in ((9, customer, delivered), (3, self.focus, for_focus), (6, customer, None)):
            nps.nps_record(user=self.staff, customer=who, score=score, comment="", act=act)
        recognition.kudos_give(user=self.manager, receiver=self.staff, note=f"Thanks {n}")
        # The customer came back; a top-up of a delivered act declined (over the approved amount).
        customer_services.customer_return_record(
            user=self.staff, customer=self.focus, date=timezone.localdate(), value=Decimal("12.00")
        )
        customer_services.customer_return_record(user=self.staff, customer=customer, date=timezone.localdate())
        topped = act_services.act_deliver(
            user=self.staff, act=log_act(self.staff, customer=customer, cost="30.00"), actual_cost=Decimal("60.00")
        )
        act_services.spend_decline(user=self.manager, act=topped, note="Keep to $30")
        budgets.budget_set(
            user=self.admin,
            team=self.team,
            month=timezone.localdate() - datetime.timedelta(days=31 * n),
            amount=Decimal(1000 + n),
        )
