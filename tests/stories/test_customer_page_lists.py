"""A customer's page shows the latest acts, stories and scores with their totals; the feed
lists all of a customer's acts."""

import pytest

from tests.factories import log_act

from .conftest import record

pytestmark = pytest.mark.django_db


def test_the_customer_page_shows_the_latest_ten_acts_and_links_to_all(client_for, staff, customer):
    for index in range(12):
        log_act(staff, cost="0", customer=customer, solution=f"Gesture {index}")
    page = client_for(staff).get(f"/customers/{customer.pk}/").content.decode()
    cards = page.split('<h2 id="acts-heading">Acts')[1].split('<h2 id="stories-heading">Stories')[0]
    assert cards.count('<li class="card act-card') == 10
    assert "latest 10 of 12" in page
    assert f'href="/acts/?customer={customer.pk}">See all 12 acts for Elena Petrova' in page
    assert ">Gesture 11</a>" in cards
    assert ">Gesture 1</a>" not in cards


def test_a_short_history_has_no_see_all_link(client_for, staff, customer):
    log_act(staff, cost="0", customer=customer)
    page = client_for(staff).get(f"/customers/{customer.pk}/").content.decode()
    assert "See all" not in page
    assert "latest" not in page


def test_the_stories_list_is_bounded_too(client_for, staff, customer):
    for index in range(11):
        record(staff, customer, text=f"Story number {index}")
    page = client_for(staff).get(f"/customers/{customer.pk}/").content.decode()
    assert "latest 10 of 11" in page
    assert page.count("Story number ") == 10


def test_the_feed_lists_one_customers_acts(client_for, staff, customer, other_customer, other_staff, team):
    from tests.factories import CustomerFactory

    someone_else = CustomerFactory(team=team, name="Tom Ruiz")
    log_act(staff, cost="0", customer=customer, solution="Flowers for Elena")
    log_act(staff, cost="0", customer=someone_else, solution="A call to Tom")
    log_act(other_staff, cost="0", customer=other_customer, solution="Other team's gesture")
    client = client_for(staff)
    page = client.get(f"/acts/?customer={customer.pk}").content.decode()
    assert "Every act for" in page
    assert "Elena Petrova</a>" in page
    assert "Flowers for Elena" in page
    assert "A call to Tom" not in page
    # Another team's customer: nothing of theirs, not even the name.
    page = client.get(f"/acts/?customer={other_customer.pk}").content.decode()
    assert "Other team's gesture" not in page
    assert other_customer.name not in page
    assert "No acts match these filters." in page
    # Garbage is ignored, like any other filter value.
    assert client.get("/acts/?customer=abc").status_code == 200
