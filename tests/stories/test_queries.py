"""List pages render with a fixed number of queries, whatever the number of rows."""

import pytest

from core.models import Role
from customers import services
from stories import nps as stories_nps
from stories import services as story_services
from tests.factories import CustomerFactory, UserFactory
from tests.queries import page_queries

from .conftest import deliver, record

pytestmark = pytest.mark.django_db


def _stories(team, admin, count, *, decision=None):
    """`count` stories of different customers, each retelling an act by a different person."""
    for index in range(count):
        author = UserFactory(team=team, role=Role.STAFF)
        customer = CustomerFactory(team=team)
        act = deliver(author, customer=customer)
        story = record(
            author,
            customer,
            text=f"Story {index}",
            acts=[act, deliver(author, customer=customer)],
            url="https://example.com/r",
        )
        if decision:
            story_services.story_moderate(user=admin, story=story, decision=decision)


def test_the_wall_does_not_grow_with_stories(client_for, staff, admin_user, team, django_assert_num_queries):
    client = client_for(staff)
    _stories(team, admin_user, 1, decision="approve")
    one = page_queries(client, "/stories/")
    _stories(team, admin_user, 8, decision="feature")
    _stories(team, admin_user, 4, decision="approve")
    with django_assert_num_queries(one):
        page = client.get("/stories/").content.decode()
    assert page.count('class="card story') == 13


def test_the_review_queue_does_not_grow_with_stories(client_for, admin_user, team, django_assert_num_queries):
    client = client_for(admin_user)
    _stories(team, admin_user, 1)
    _stories(team, admin_user, 1, decision="approve")
    one = page_queries(client, "/stories/review/")
    _stories(team, admin_user, 9)
    _stories(team, admin_user, 5, decision="approve")
    with django_assert_num_queries(one):
        page = client.get("/stories/review/").content.decode()
    assert page.count('class="card review-card"') == 10


def _chain(staff, root, *, generations: int, width: int):
    """`width` customers referred in each generation below `root`, each by a story."""
    parents = [root]
    for generation in range(generations):
        children = []
        for parent in parents[:width]:
            story = record(staff, parent, text=f"Gen {generation} story")
            for index in range(width):
                children.append(
                    services.customer_create(
                        user=staff,
                        name=f"Gen {generation + 1} #{index}",
                        referred_by=parent,
                        referred_by_story=story,
                    )
                )
        parents = children


def _history(staff, customer, count):
    for index in range(count):
        act = deliver(staff, customer=customer)
        record(staff, customer, text=f"Told {index}", acts=[act])
        stories_nps.nps_record(user=staff, customer=customer, score=index % 11, act=act, comment="Hm")


def test_the_customer_page_is_a_fixed_count_per_generation(client_for, staff, team, django_assert_num_queries):
    client = client_for(staff)
    small = services.customer_create(user=staff, name="Small Root")
    _chain(staff, small, generations=4, width=1)
    _history(staff, small, 1)
    one = page_queries(client, f"/customers/{small.pk}/")
    big = services.customer_create(user=staff, name="Big Root")
    _chain(staff, big, generations=4, width=3)
    _history(staff, big, 6)
    with django_assert_num_queries(one):
        page = client.get(f"/customers/{big.pk}/").content.decode()
    assert "gen 4" in page
    assert page.count('class="card act-card"') == 6


def test_the_customer_page_is_a_fixed_count_whatever_the_chain_length(
    client_for, staff, team, django_assert_num_queries
):
    client = client_for(staff)
    short = services.customer_create(user=staff, name="Short Root")
    _chain(staff, short, generations=1, width=1)
    one = page_queries(client, f"/customers/{short.pk}/")
    long = services.customer_create(user=staff, name="Long Root")
    _chain(staff, long, generations=9, width=1)
    with django_assert_num_queries(one):
        page = client.get(f"/customers/{long.pk}/").content.decode()
    assert "Long Root created 9 customers:" in page
    assert "gen 9" in page  # every generation listed, none cut at 6
    assert "deeper generations" not in page


def test_the_review_queue_is_paginated_oldest_first(client_for, admin_user, team):
    client = client_for(admin_user)
    _stories(team, admin_user, 23)
    first = client.get("/stories/review/").content.decode()
    assert first.count('class="card review-card"') == 10
    assert "23</span> waiting for review · showing 1–10" in first
    assert first.index(">Story 0<") < first.index(">Story 9<")
    assert ">Story 10<" not in first
    last = client.get("/stories/review/?page=3").content.decode()
    assert last.count('class="card review-card"') == 3
    assert ">Story 22<" in last
    assert "Page 3 of 3" in last


def test_moderating_on_a_page_comes_back_to_it(client_for, admin_user, team):
    from stories.models import Story

    client = client_for(admin_user)
    _stories(team, admin_user, 12)
    story = Story.objects.get(text="Story 11")
    page = client.get("/stories/review/?page=2").content.decode()
    assert f'action="/stories/{story.pk}/moderate/?page=2"' in page
    response = client.post(f"/stories/{story.pk}/moderate/?page=2", {"decision": "approve"})
    assert response["Location"] == "/stories/review/?page=2"
    assert Story.objects.get(pk=story.pk).status == "approved"
