"""The approval queue is paginated, oldest first, so a manager's page stays small however
many requests wait; a decision made on a page answers with that page."""

from decimal import Decimal

import pytest

from acts.models import Act
from core.web import QUEUE_PAGE_SIZE
from tests.factories import CustomerFactory, log_act

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(staff, team):
    team.monthly_budget = Decimal("100000")
    team.save()
    return [log_act(staff, cost=f"{60 + index}.00", customer=CustomerFactory(team=team)) for index in range(25)]


def _cards(page: str) -> int:
    return page.count('class="card approval-card"')


def test_the_queue_shows_one_page_oldest_first_with_the_total(client_for, manager, waiting):
    client = client_for(manager)
    first = client.get("/approvals/").content.decode()
    assert _cards(first) == QUEUE_PAGE_SIZE == 10
    assert "1–10 of 25" in first
    assert 'id="queue-count">25<' in first
    assert "Page 1 of 3" in first
    assert 'href="?page=2" rel="next"' in first
    assert first.index(f'id="request-{waiting[0].pk}"') < first.index(f'id="request-{waiting[9].pk}"')
    assert f'id="request-{waiting[10].pk}"' not in first
    last = client.get("/approvals/?page=3").content.decode()
    assert _cards(last) == 5
    assert "21–25 of 25" in last
    assert f'id="request-{waiting[24].pk}"' in last


def test_a_page_past_the_end_shows_the_last_page(client_for, manager, waiting):
    page = client_for(manager).get("/approvals/?page=99").content.decode()
    assert "Page 3 of 3" in page


def test_deciding_on_a_page_answers_with_that_page(client_for, manager, waiting):
    client = client_for(manager)
    act = waiting[12]
    page = client.get("/approvals/?page=2").content.decode()
    assert f'action="/acts/{act.pk}/approve/?page=2"' in page
    response = client.post(
        f"/acts/{act.pk}/approve/?page=2", {"amount": str(act.cost), "from": "queue"}, HTTP_HX_REQUEST="true"
    )
    card = response.content.decode()
    assert "Approved" in card
    assert ">24<" in card  # the waiting figure counts the whole queue, now one less
    # The other cards of page 2 get their "after approval" figures refreshed in place.
    assert f'id="after-{waiting[13].pk}" hx-swap-oob="true"' in card
    assert Act.objects.get(pk=act.pk).status == "approved"
    # Without JavaScript, the form posts and comes back to the same page.
    other = waiting[14]
    response = client.post(f"/acts/{other.pk}/decline/?page=2", {"note": "Not this time", "from": "queue"})
    assert response.status_code == 302
    assert response["Location"] == "/approvals/?page=2"
