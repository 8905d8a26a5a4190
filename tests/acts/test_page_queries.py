"""The acts pages and API routes run as many queries with 12 rows of everything as with 2:
each page of PRODUCT.md for each role that opens it."""

import pytest

from core.tokens import api_token_create
from tests.queries import LARGE, SMALL, Team, assert_same_queries, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, manager, admin_user):
    world = Team(staff=staff, manager=manager, admin=admin_user)
    world.grow(SMALL)
    return world


def test_acts_pages_for_each_role(world):
    staff, manager, admin = signed_in(world.staff), signed_in(world.manager), signed_in(world.admin)
    act = world.act.pk
    pages = {
        "staff /acts/": (staff, "/acts/"),
        "staff /acts/ filtered": (staff, "/acts/?status=delivered&kind=gift"),
        "staff /acts/?customer=": (staff, f"/acts/?customer={world.focus.pk}"),
        "staff /acts/new/": (staff, "/acts/new/"),
        "staff /acts/new/?customer=": (staff, f"/acts/new/?customer={world.focus.pk}"),
        "staff /acts/<id>/": (staff, f"/acts/{act}/"),
        "manager /acts/<id>/": (manager, f"/acts/{act}/"),
        "manager /approvals/": (manager, "/approvals/"),
        "admin /approvals/": (admin, "/approvals/"),
        "admin /acts/": (admin, "/acts/"),
    }
    assert_same_queries(pages, lambda: world.grow(LARGE - SMALL))


def test_acts_api_routes(world):
    api = signed_in(token=api_token_create(user=world.staff)[1])
    pages = {
        "GET /api/acts": (api, "/api/acts"),
        "GET /api/acts?trigger=reactive": (api, "/api/acts?trigger=reactive"),
        "GET /api/acts/{id}": (api, f"/api/acts/{world.act.pk}"),
        "GET /api/budget": (api, "/api/budget"),
    }
    assert_same_queries(pages, lambda: world.grow(LARGE - SMALL))
