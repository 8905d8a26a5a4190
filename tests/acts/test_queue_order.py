"""The approval queue and the acts drawn for a look, read through their partial indexes,
list the same acts in the same order: oldest first, ties in the order they were logged,
another team's only for an admin, and nothing decided or already looked at."""

import re
from decimal import Decimal

import pytest

from acts import services
from acts.models import Act
from tests.factories import log_act

pytestmark = pytest.mark.django_db


def _ids(page: str, prefix: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'id="{prefix}-(\d+)"', page)]


@pytest.fixture
def both_teams_waiting(team, other_team, staff, other_staff, admin_user):
    for each in (team, other_team):
        each.monthly_budget = Decimal("100000")
        each.save()
    acts = [log_act(author, cost="75.00") for author in (staff, other_staff, staff, other_staff, staff)]
    # Two requests made at the same instant: the one logged first comes first.
    Act.objects.filter(pk__in=[acts[1].pk, acts[3].pk]).update(requested_at=acts[0].requested_at)
    services.spend_approve(user=admin_user, act=acts[4])
    # An admin's own request waits for the team's manager, never for the admin.
    return [*acts, log_act(admin_user, cost="75.00")]


def test_an_admin_sees_every_teams_requests_oldest_first(client_for, admin_user, both_teams_waiting):
    page = client_for(admin_user).get("/approvals/").content.decode()
    first, second, third, fourth, _approved, _own = both_teams_waiting
    assert _ids(page, "request") == [first.pk, second.pk, fourth.pk, third.pk]


def test_a_manager_sees_their_teams_requests_oldest_first(client_for, manager, both_teams_waiting):
    page = client_for(manager).get("/approvals/").content.decode()
    first, _, third, _, _, the_admins = both_teams_waiting
    assert _ids(page, "request") == [first.pk, third.pk, the_admins.pk]


@pytest.fixture
def drawn(team, other_team, staff, other_staff, manager):
    for each in (team, other_team):
        each.review_share = Decimal("1.00")
        each.save()
    acts = [log_act(author, cost="20.00") for author in (staff, other_staff, staff, other_staff, staff, manager)]
    Act.objects.filter(pk__in=[acts[1].pk, acts[3].pk]).update(created_at=acts[0].created_at)
    services.act_review(user=manager, act=acts[4], note="Fine")
    return acts


def test_an_admin_sees_every_teams_drawn_acts_oldest_first(client_for, admin_user, drawn):
    page = client_for(admin_user).get("/approvals/").content.decode()
    first, second, third, fourth, _seen, by_manager = drawn
    assert _ids(page, "review") == [first.pk, second.pk, fourth.pk, third.pk, by_manager.pk]


def test_a_manager_sees_their_teams_drawn_acts_but_their_own(client_for, manager, drawn):
    client = client_for(manager)
    first, _, third, _, _, _ = drawn
    assert _ids(client.get("/approvals/").content.decode(), "review") == [first.pk, third.pk]
    assert "2 empowered acts drawn for a look" in client.get("/").content.decode()
