"""A catalogue to spend points on, for the rewards tests."""

import pytest

from rewards import services


@pytest.fixture
def lunch(admin_user):
    return services.reward_create(user=admin_user, name="Team lunch", description="On us", points=30)


@pytest.fixture
def voucher(admin_user):
    return services.reward_create(user=admin_user, name="Book voucher", points=10, stock=2)
