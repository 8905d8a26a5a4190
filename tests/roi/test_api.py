"""`GET /api/acts/{id}` gives what the act returned, as worked out by hand (conftest)."""

from customers.services import customer_create
from tests.queries import page_queries, signed_in


def detail(user, act):
    response = signed_in(user).get(f"/api/acts/{act.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    return {name: body[name] for name in ("stories_count", "referred_customers_count", "referral_revenue", "spend")}


def test_the_api_gives_each_acts_chain(chain_world, staff):
    w = chain_world
    assert detail(staff, w.a1) == {
        "stories_count": 1,
        "referred_customers_count": 2,
        "referral_revenue": "150.00",
        "spend": "18.00",
    }
    assert detail(staff, w.a3) == {
        "stories_count": 1,
        "referred_customers_count": 2,
        "referral_revenue": "150.00",
        "spend": "30.00",
    }
    # s2 is waiting for review: nothing yet.
    assert detail(staff, w.a2) == {
        "stories_count": 0,
        "referred_customers_count": 0,
        "referral_revenue": "0.00",
        "spend": "0.00",
    }
    # Declined: it spent nothing.
    assert detail(staff, w.a4)["spend"] == "0.00"


def test_another_teams_act_is_404(chain_world, staff):
    assert signed_in(staff).get(f"/api/acts/{chain_world.o1.pk}").status_code == 404


def test_the_detail_takes_as_many_queries_however_long_the_chain(chain_world, staff):
    client = signed_in(staff)
    url = f"/api/acts/{chain_world.a1.pk}"
    before = page_queries(client, url)
    parent = chain_world.r2
    for n in range(6):
        parent = customer_create(user=staff, name=f"Guest {n}", referred_by=parent)
    assert page_queries(client, url) == before
    assert client.get(url).json()["referred_customers_count"] == 8
