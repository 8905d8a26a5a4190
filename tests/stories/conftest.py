"""Fixtures for stories, NPS and survey links: acts reach `delivered` through the real services."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from acts import services as act_services
from stories import services as story_services
from tests.factories import log_act


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # The survey's rate limit counts in the default (locmem) cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def deliver(user, *, customer=None, cost="20.00", **fields):
    """An act logged by `user` (empowered at this cost) and delivered through the services."""
    act = log_act(user, cost=cost, customer=customer, **fields)
    return act_services.act_deliver(user=user, act=act, actual_cost=Decimal(cost))


def record(user, customer, *, text="They still talk about the flowers.", acts=(), consent=True, **fields):
    return story_services.story_record(
        user=user,
        customer=customer,
        channel=fields.pop("channel", "word_of_mouth"),
        text=text,
        acts=acts,
        consent=consent,
        **fields,
    )


@pytest.fixture
def delivered_act(staff, customer):
    return deliver(staff, customer=customer)


@pytest.fixture
def story(staff, customer, delivered_act):
    return record(staff, customer, acts=[delivered_act])
