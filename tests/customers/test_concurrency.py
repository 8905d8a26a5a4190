"""Moderation and survey answers at the same instant, on PostgreSQL: the row locks let one win.

SQLite ignores select_for_update (and serialises writers anyway), so these run on
PostgreSQL only, as in CI.
"""

import pytest
from django.db import connection

from customers import services
from customers.models import NpsResponse, Story, StoryEvent
from secondmile import errors
from secondmile.models import Role
from tests.concurrency import run_at_once
from tests.factories import UserFactory

from .conftest import deliver, record

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_admins_deciding_one_story_at_once(team, staff, admin_user, customer):
    other_admin = UserFactory(team=team, role=Role.ADMIN)
    story = record(staff, customer)
    outcomes = run_at_once([
        lambda: services.story_moderate(user=admin_user, story=story, decision="approve"),
        lambda: services.story_moderate(user=other_admin, story=story, decision="reject", reason="No"),
    ])
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert all(isinstance(value, errors.Conflict) for kind, value in outcomes if kind == "refused")
    story = Story.objects.get()
    assert story.status in ("approved", "rejected")
    assert StoryEvent.objects.filter(story=story).count() == 2


def test_one_link_submitted_twice_at_once_records_once(staff, customer):
    act = deliver(staff, customer=customer)
    _link, token = services.survey_link_create(user=staff, act=act)
    outcomes = run_at_once([
        lambda: services.survey_submit(token=token, score=9, text="First"),
        lambda: services.survey_submit(token=token, score=2, text="Second"),
        lambda: services.survey_submit(token=token, score=5),
    ])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused", "refused"], outcomes
    assert NpsResponse.objects.count() == 1
    assert Story.objects.count() <= 1
