"""Moderation and survey answers at the same instant, on PostgreSQL: the row locks let one win.

SQLite ignores select_for_update (and serialises writers anyway), so these run on
PostgreSQL only, as in CI.
"""

import pytest

from core import errors
from core.models import Role
from customers import services
from customers.models import Customer
from stories import services as story_services
from stories import survey as survey_links
from stories.models import NpsResponse, Story, StoryEvent
from tests.concurrency import run_at_once
from tests.factories import UserFactory

from .conftest import deliver, record

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_two_admins_deciding_one_story_at_once(team, staff, admin_user, customer):
    other_admin = UserFactory(team=team, role=Role.ADMIN)
    story = record(staff, customer)
    outcomes = run_at_once(
        [
            lambda: story_services.story_moderate(user=admin_user, story=story, decision="approve"),
            lambda: story_services.story_moderate(user=other_admin, story=story, decision="reject", reason="No"),
        ]
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert all(isinstance(value, errors.Conflict) for kind, value in outcomes if kind == "refused")
    story = Story.objects.get()
    assert story.status in ("approved", "rejected")
    assert StoryEvent.objects.filter(story=story).count() == 2


def test_one_link_submitted_twice_at_once_records_once(staff, customer):
    act = deliver(staff, customer=customer)
    _link, token = survey_links.survey_link_create(user=staff, act=act)
    outcomes = run_at_once(
        [
            lambda: survey_links.survey_submit(token=token, score=9, text="First"),
            lambda: survey_links.survey_submit(token=token, score=2, text="Second"),
            lambda: survey_links.survey_submit(token=token, score=5),
        ]
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused", "refused"], outcomes
    assert NpsResponse.objects.count() == 1
    assert Story.objects.count() <= 1


def _loops() -> list[list[int]]:
    """Every referral loop in the database, as the ids around it."""
    parent = dict(Customer.objects.filter(referred_by__isnull=False).values_list("pk", "referred_by_id"))
    loops = []
    for start in parent:
        seen, node = [], start
        while node in parent and node not in seen:
            seen.append(node)
            node = parent[node]
        if node == start:
            loops.append(seen)
    return loops


def test_two_edits_that_would_make_a_loop_at_once_let_exactly_one_win(staff):
    # Five rounds: a race lost only now and then must still be caught.
    for round_ in range(5):
        a = services.customer_create(user=staff, name=f"A{round_}")
        b = services.customer_create(user=staff, name=f"B{round_}")
        outcomes = run_at_once(
            [
                lambda a=a, b=b: services.customer_update(user=staff, customer=a, referred_by=b),
                lambda a=a, b=b: services.customer_update(user=staff, customer=b, referred_by=a),
            ]
        )
        assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
        refused = next(value for kind, value in outcomes if kind == "refused")
        assert refused.field == "referred_by"
        assert "would make a loop" in refused.message
    assert _loops() == []


def test_four_edits_closing_a_ring_at_once_never_close_it(staff):
    ring = [services.customer_create(user=staff, name=f"Ring {index}") for index in range(4)]
    outcomes = run_at_once(
        [
            lambda index=index: services.customer_update(
                user=staff, customer=ring[index], referred_by=ring[(index + 1) % 4]
            )
            for index in range(4)
        ]
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "ok", "ok", "refused"], outcomes
    assert _loops() == []
