"""The two long lists people search and page through: customers and the acts feed;
and the duplicate-email warning on the customer form."""

import datetime
import re

import pytest
from django.utils import timezone

from core.web import PAGE_SIZE
from customers.models import Customer
from tests.factories import CustomerFactory, log_act

pytestmark = pytest.mark.django_db


def names_on(page: str) -> list[str]:
    return re.findall(r'<a href="/customers/\d+/">([^<]+)</a>', page)


@pytest.fixture
def guests(team, other_team):
    CustomerFactory(team=other_team, name="Guest Elsewhere", email="guest@elsewhere.org")
    return [
        CustomerFactory(team=team, name=f"Guest {n:02d}", email=f"guest{n:02d}@example.org")
        for n in range(1, PAGE_SIZE + 6)
    ]


def test_customer_search_by_name_email_and_code(client_for, staff, team):
    elena = CustomerFactory(team=team, name="Elena Petrova", email="elena@harbour.test")
    CustomerFactory(team=team, name="Tom Becker", email="tom@becker.test", referral_code="TB7K2M")
    client = client_for(staff)

    assert names_on(client.get("/customers/?q=petro").content.decode()) == ["Elena Petrova"]
    assert names_on(client.get("/customers/?q=BECKER.TEST").content.decode()) == ["Tom Becker"]
    assert names_on(client.get("/customers/?q=tb7k2m").content.decode()) == ["Tom Becker"]
    assert names_on(client.get(f"/customers/?q={elena.referral_code}").content.decode()) == ["Elena Petrova"]
    # A code matches whole, so a fragment of one finds nobody by code.
    page = client.get("/customers/?q=zzzz").content.decode()
    assert names_on(page) == []
    assert "No customer matches that search." in page


def test_customer_search_stays_in_the_team(client_for, staff, other_customer):
    page = client_for(staff).get(f"/customers/?q={other_customer.name}").content.decode()
    assert names_on(page) == []
    page = client_for(staff).get(f"/customers/?q={other_customer.referral_code}").content.decode()
    assert names_on(page) == []


def test_customer_pages_of_twenty_with_the_search_kept(client_for, staff, guests):
    client = client_for(staff)
    first = client.get("/customers/").content.decode()
    assert names_on(first) == [f"Guest {n:02d}" for n in range(1, PAGE_SIZE + 1)]
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first

    second = client.get("/customers/?page=2").content.decode()
    assert names_on(second) == [f"Guest {n:02d}" for n in range(PAGE_SIZE + 1, PAGE_SIZE + 6)]
    assert "Page 2 of 2" in second

    searched = client.get("/customers/?q=guest&page=2").content.decode()
    assert names_on(searched) == [f"Guest {n:02d}" for n in range(PAGE_SIZE + 1, PAGE_SIZE + 6)]
    assert 'href="?q=guest&amp;page=1"' in searched
    # A page beyond the last shows the last; nonsense shows the first.
    assert names_on(client.get("/customers/?page=99").content.decode()) == names_on(second)
    assert names_on(client.get("/customers/?page=abc").content.decode()) == names_on(first)


def test_an_admin_lists_every_teams_customers_by_name_then_as_created(client_for, admin_user, team, other_team):
    made = [
        CustomerFactory(team=each, name=name)
        for each, name in ((other_team, "Zoe"), (team, "Ada"), (other_team, "Ada"))
    ]
    ids = [
        int(pk)
        for pk in re.findall(
            r'<a href="/customers/(\d+)/">', client_for(admin_user).get("/customers/").content.decode()
        )
    ]
    zoe, ada, other_ada = made
    assert ids == [ada.pk, other_ada.pk, zoe.pk]


def test_acts_feed_pages_newest_first_with_filters_kept(client_for, staff, customer):
    today = timezone.localdate()
    for n in range(1, PAGE_SIZE + 6):
        log_act(
            staff,
            customer=customer,
            solution=f"Gesture {n:02d}",
            date=today - datetime.timedelta(days=n),
            kind="note" if n % 2 else "call",
        )
    client = client_for(staff)

    def gestures(page):
        return re.findall(r'<a href="/acts/\d+/">(Gesture \d+)</a>', page)

    first = client.get("/acts/").content.decode()
    assert gestures(first) == [f"Gesture {n:02d}" for n in range(1, PAGE_SIZE + 1)]
    second = client.get("/acts/?page=2").content.decode()
    assert gestures(second) == [f"Gesture {n:02d}" for n in range(PAGE_SIZE + 1, PAGE_SIZE + 6)]
    assert "Page 2 of 2" in second

    notes = client.get("/acts/?kind=note").content.decode()
    assert gestures(notes) == [f"Gesture {n:02d}" for n in range(1, PAGE_SIZE + 6, 2)]
    assert 'aria-label="Pages"' not in notes  # 13 notes fit on one page


def test_a_duplicate_email_in_the_team_is_warned_but_saved(client_for, staff, customer):
    response = client_for(staff).post(
        "/customers/new/", {"name": "Elena P. Again", "email": customer.email.upper()}, follow=True
    )
    page = response.content.decode()
    assert "Added Elena P. Again" in page
    assert "Elena Petrova has the same email: is it the same person?" in page
    assert Customer.objects.filter(team=customer.team, name="Elena P. Again").exists()


def test_the_same_email_in_another_team_is_not_a_duplicate(client_for, staff, other_customer):
    response = client_for(staff).post(
        "/customers/new/", {"name": "Walter Twin", "email": other_customer.email}, follow=True
    )
    page = response.content.decode()
    assert "Added Walter Twin" in page
    assert "has the same email" not in page


def test_editing_onto_another_customers_email_is_warned(client_for, staff, customer, team):
    tom = CustomerFactory(team=team, name="Tom Becker", email="tom@becker.test")
    client = client_for(staff)
    # Saving a customer with their own email warns about nobody.
    response = client.post(
        f"/customers/{customer.pk}/edit/", {"name": "Elena Petrova", "email": customer.email}, follow=True
    )
    assert "Saved Elena Petrova." in response.content.decode()
    assert "has the same email" not in response.content.decode()
    response = client.post(f"/customers/{tom.pk}/edit/", {"name": "Tom Becker", "email": customer.email}, follow=True)
    page = response.content.decode()
    assert "Saved Tom Becker." in page
    assert "Elena Petrova has the same email: is it the same person?" in page
    assert Customer.objects.get(pk=tom.pk).email == customer.email
