"""The acts pages and API routes run as many queries with 12 rows of everything as with 2:
each page of PRODUCT.md for each role that opens it."""

import pytest

from core.tokens import api_token_create
from tests.queries import LARGE, SMALL, assert_same_queries, signed_in

pytestmark = pytest.mark.django_db


def test_acts_pages_for_each_role(grown_team):
    staff, manager, admin = grown_team.clients()
    act = grown_team.act.pk
    pages = {
        "staff /acts/": (staff, "/acts/"),
        "staff /acts/ filtered": (staff, "/acts/?status=delivered&kind=gift"),
        "staff /acts/?customer=": (staff, f"/acts/?customer={grown_team.focus.pk}"),
        "staff /acts/new/": (staff, "/acts/new/"),
        "staff /acts/new/?customer=": (staff, f"/acts/new/?customer={grown_team.focus.pk}"),
        "staff /acts/<id>/": (staff, f"/acts/{act}/"),
        "manager /acts/<id>/": (manager, f"/acts/{act}/"),
        "manager /approvals/": (manager, "/approvals/"),
        "admin /approvals/": (admin, "/approvals/"),
        "admin /acts/": (admin, "/acts/"),
    }
    assert_same_queries(pages, lambda: grown_team.grow(LARGE - SMALL))


def test_acts_api_routes(grown_team):
    api = signed_in(token=api_token_create(user=grown_team.staff)[1])
    pages = {
        "GET /api/acts": (api, "/api/acts"),
        "GET /api/acts?trigger=reactive": (api, "/api/acts?trigger=reactive"),
        "GET /api/acts/{id}": (api, f"/api/acts/{grown_team.act.pk}"),
        "GET /api/budget": (api, "/api/budget"),
    }
    assert_same_queries(pages, lambda: grown_team.grow(LARGE - SMALL))
