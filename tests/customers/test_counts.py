"""The customer list's and the API's totals come from the count the services keep, never
from counting a team's customers; a search pages its matches without a total."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tokens import api_token_create
from core.web import PAGE_SIZE
from customers import services
from customers.models import Customer, TeamCustomerCount
from tests.factories import CustomerFactory, log_act

pytestmark = pytest.mark.django_db


def counted(team) -> int:
    return TeamCustomerCount.objects.get(team=team).customers


def counts_customers(queries) -> list[str]:
    """The statements that count rows of the customers table (what `.count()` sends)."""
    table = Customer._meta.db_table
    return [q["sql"] for q in queries if "COUNT(*)" in q["sql"] and f'FROM "{table}"' in q["sql"]]


def test_customer_create_counts_the_customer_in_its_team(staff, other_staff, admin_user, other_team):
    services.customer_create(user=staff, name="Elena Petrova")
    services.customer_create(user=staff, name="Tom Becker")
    services.customer_create(user=admin_user, name="Walter Hughes", team=other_team)
    assert counted(staff.team) == 2
    assert counted(other_team) == 1


def test_a_refused_customer_is_not_counted(staff):
    services.customer_create(user=staff, name="Elena Petrova")
    with pytest.raises(services.errors.InvalidInput):
        services.customer_create(user=staff, name="   ")
    assert counted(staff.team) == 1


def test_rebuilding_the_counts_gives_each_teams_customers(team, other_team):
    CustomerFactory.create_batch(3, team=team)
    CustomerFactory(team=other_team)
    TeamCustomerCount.objects.update(customers=0)
    services.customer_counts_rebuild()
    assert (counted(team), counted(other_team)) == (3, 1)


def test_the_list_pages_by_the_kept_count_without_counting_customers(client_for, staff, team, other_team):
    CustomerFactory.create_batch(PAGE_SIZE + 3, team=team)
    CustomerFactory(team=other_team)
    client = client_for(staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/customers/").content.decode()
    assert "Page 1 of 2" in page
    assert counts_customers(queries.captured_queries) == []


def test_a_search_pages_its_matches_without_a_total(client_for, staff, team):
    for n in range(PAGE_SIZE + 2):
        CustomerFactory(team=team, name=f"Guest {n:02d}")
    CustomerFactory(team=team, name="Elena Petrova")
    client = client_for(staff)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/customers/?q=guest").content.decode()
    assert counts_customers(queries.captured_queries) == []
    assert "<span>Page 1</span>" in first
    assert 'href="?q=guest&amp;page=2"' in first
    second = client.get("/customers/?q=guest&page=2").content.decode()
    assert re.findall(r'<a href="/customers/\d+/">([^<]+)</a>', second) == ["Guest 20", "Guest 21"]
    assert 'rel="next"' not in second
    beyond = client.get("/customers/?q=guest&page=9").content.decode()
    assert "No more matches." in beyond
    assert 'href="?q=guest&amp;page=8"' in beyond


def test_the_list_shows_each_customers_acts(client_for, staff, customer):
    log_act(staff, customer=customer)
    log_act(staff, customer=customer)
    page = client_for(staff).get("/customers/").content.decode()
    assert re.search(r'Elena Petrova</a>.*?<td class="num">2</td>', page, re.S)


def test_the_api_count_is_the_kept_count_and_exact(client, staff, team, other_team):
    CustomerFactory.create_batch(22, team=team)
    CustomerFactory(team=other_team)
    _row, token = api_token_create(user=staff)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/customers?page=2").json()
    assert (body["count"], len(body["items"])) == (22, 2)
    assert counts_customers(queries.captured_queries) == []
    services.customer_create(user=staff, name="Dora Newcomer")
    assert client.get("/api/customers").json()["count"] == 23
    # A search counts its matches (exact, as the API's `count` always is).
    assert client.get("/api/customers?q=dora").json()["count"] == 1


def test_an_admin_sees_every_teams_total(client_for, admin_user, team, other_team):
    CustomerFactory.create_batch(PAGE_SIZE, team=team)
    CustomerFactory(team=other_team)
    assert "Page 1 of 2" in client_for(admin_user).get("/customers/").content.decode()


def test_a_search_too_long_to_be_a_name_is_said_and_the_list_stays_whole(client_for, staff, customer):
    response = client_for(staff).get("/customers/", {"q": "x" * 201})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters (it has 201)." in page
    assert customer.name in page
