"""The customer and story pages, the customer's survey page and their API routes run as
many queries with 12 rows of everything as with 2: each page of PRODUCT.md for each
role that opens it."""

import pytest

from core.tokens import api_token_create
from stories.survey import survey_link_create
from tests.queries import LARGE, SMALL, assert_same_queries, signed_in

pytestmark = pytest.mark.django_db


def test_customer_and_story_pages_for_each_role(grown_team):
    staff, manager, admin = grown_team.clients()
    focus = grown_team.focus.pk
    pages = {
        "staff /customers/": (staff, "/customers/"),
        "staff /customers/?page=2": (staff, "/customers/?q=guest&page=1"),
        "staff /customers/?q=": (staff, "/customers/?q=guest"),
        "staff /customers/<id>/": (staff, f"/customers/{focus}/"),
        "staff /customers/new/": (staff, "/customers/new/"),
        "staff /customers/<id>/edit/": (staff, f"/customers/{focus}/edit/"),
        "staff customer picker": (staff, "/customers/search/?field=customer&id=customer&customer_q=guest"),
        "staff /stories/": (staff, "/stories/"),
        "staff /stories/new/": (staff, f"/stories/new/?customer={focus}"),
        "manager /customers/<id>/": (manager, f"/customers/{focus}/"),
        "admin /customers/": (admin, "/customers/"),
        "admin /stories/": (admin, "/stories/"),
        "admin /stories/review/": (admin, "/stories/review/"),
    }
    assert_same_queries(pages, lambda: grown_team.grow(LARGE - SMALL))


def test_the_customers_survey_page(grown_team):
    _link, token = survey_link_create(user=grown_team.staff, act=grown_team.act_delivered())
    pages = {"anonymous /s/<token>": (signed_in(), f"/s/{token}")}
    assert_same_queries(pages, lambda: grown_team.grow(LARGE - SMALL))


def test_customer_and_story_api_routes(grown_team):
    api = signed_in(token=api_token_create(user=grown_team.staff)[1])
    admin_api = signed_in(token=api_token_create(user=grown_team.admin)[1])
    pages = {
        "GET /api/customers": (api, "/api/customers"),
        "GET /api/customers?q=": (api, "/api/customers?q=guest"),
        "GET /api/customers/{id}": (api, f"/api/customers/{grown_team.focus.pk}"),
        "GET /api/stories": (api, "/api/stories"),
        "GET /api/stories?status=submitted": (api, "/api/stories?status=submitted"),
        "admin GET /api/customers": (admin_api, "/api/customers"),
    }
    assert_same_queries(pages, lambda: grown_team.grow(LARGE - SMALL))
