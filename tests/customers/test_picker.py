"""The customer picker: bounded matches by name, email, phone or code, scoped to the team,
and a form that works without JavaScript."""

import pytest
from django.utils.html import escape

from customers.picker import MATCHES_SHOWN, MSG_PICK_ONE
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SEARCH = "/customers/search/?field=customer&id=id_customer&customer_q="


def test_matches_by_name_email_phone_and_code(client_for, staff, team):
    elena = CustomerFactory(team=team, name="Elena Petrova", email="elena@example.com", phone="+44 20 7946 0011")
    CustomerFactory(team=team, name="Tom Ruiz", email="tom@example.com")
    client = client_for(staff)
    for query in ("petro", "ELENA@", "7946", elena.referral_code.lower()):
        found = client.get(SEARCH + query).content.decode()
        assert f'value="{elena.pk}"' in found, query
        assert "Tom Ruiz" not in found, query


def test_matches_are_bounded(client_for, staff, team, django_assert_max_num_queries):
    for index in range(30):
        CustomerFactory(team=team, name=f"Anna {index:02d}")
    client = client_for(staff)
    with django_assert_max_num_queries(6):
        found = client.get(SEARCH + "anna").content.decode()
    assert found.count('type="radio"') == MATCHES_SHOWN
    assert f"Showing the first {MATCHES_SHOWN}: type more to narrow it down." in found


def test_no_match_says_so_and_an_empty_query_teaches(client_for, staff):
    client = client_for(staff)
    assert "No customer matches “zzz”." in client.get(SEARCH + "zzz").content.decode()
    assert "Type a few letters" in client.get(SEARCH).content.decode()


def test_a_bad_field_name_is_a_404(client_for, staff):
    assert client_for(staff).get("/customers/search/?field=<script>&id=x&q=a").status_code == 404


def test_another_teams_customer_is_never_found(client_for, staff, other_customer):
    found = client_for(staff).get(SEARCH + other_customer.name[:4]).content.decode()
    assert other_customer.name not in found
    # Not even when its id is passed as the one already chosen.
    found = client_for(staff).get(SEARCH + "x&customer=" + str(other_customer.pk)).content.decode()
    assert other_customer.name not in found


def test_find_without_javascript_keeps_what_was_typed(client_for, staff, customer):
    response = client_for(staff).post(
        "/acts/new/",
        {
            "customer_q": "elena",
            "customer_search": "1",
            "problem": "Sick mother",
            "solution": "Flowers",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<input type="radio" name="customer" value="{customer.pk}"' in page
    assert "Sick mother" in page
    assert 'class="error"' not in page  # a search is not a failed submission


def test_typed_but_not_chosen_says_which_to_do(client_for, staff, customer):
    response = client_for(staff).post(
        "/acts/new/",
        {
            "customer_q": "elena",
            "problem": "Sick mother",
            "solution": "Flowers",
            "quadrant": "delivery",
            "trigger": "proactive",
            "kind": "gift",
            "cost": "0",
            "date": "2026-01-05",
        },
    )
    assert escape(MSG_PICK_ONE) in response.content.decode()


def test_the_chosen_customer_stays_on_the_page(client_for, staff, customer):
    page = client_for(staff).get(f"/acts/new/?customer={customer.pk}").content.decode()
    assert f'value="{customer.pk}" id="id_customer_0" checked' in page
