"""Home, the profile, a teammate's page, the dashboard and their API routes run as many
queries with 12 rows of everything as with 2: each page of PRODUCT.md for each role
that opens it."""

import pytest

from core.tokens import api_token_create
from tests.queries import LARGE, SMALL, assert_same_queries, signed_in

pytestmark = pytest.mark.django_db


def test_home_profile_and_dashboard_for_each_role(grown_team):
    staff, manager, admin = grown_team.clients()
    pages = {
        "staff /": (staff, "/"),
        "manager /": (manager, "/"),
        "admin /": (admin, "/"),
        "staff profile": (staff, "/accounts/profile/"),
        "manager a teammate's page": (manager, f"/people/{grown_team.staff.pk}/"),
        "staff /dashboard/": (staff, "/dashboard/"),
        "manager /dashboard/ this year": (manager, "/dashboard/?period=year"),
        "admin /dashboard/ all teams": (admin, "/dashboard/?team=all&period=year"),
        "admin /team/policy/": (admin, "/team/policy/"),
        "admin /audit/": (admin, "/audit/"),
        "anonymous /accounts/login/": (signed_in(), "/accounts/login/"),
        "anonymous /healthz": (signed_in(), "/healthz"),
    }
    assert_same_queries(pages, lambda: grown_team.grow(LARGE - SMALL))


def test_me_and_dashboard_api_routes(grown_team):
    api = signed_in(token=api_token_create(user=grown_team.staff)[1])
    admin_api = signed_in(token=api_token_create(user=grown_team.admin)[1])
    pages = {
        "GET /api/me": (api, "/api/me"),
        "GET /api/dashboard": (api, "/api/dashboard"),
        "admin GET /api/dashboard?team=all": (admin_api, "/api/dashboard?team=all"),
    }
    assert_same_queries(pages, lambda: grown_team.grow(LARGE - SMALL))
