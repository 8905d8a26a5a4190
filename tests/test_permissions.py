"""Who may open what: every page and API route, for every role, plus another team's objects."""

import pytest

from customers.models import Customer
from tests.factories import log_act

pytestmark = pytest.mark.django_db

# url name → expected status for (anonymous, staff, manager, admin); 302 = to the login page.
PAGES = {
    "/": (302, 200, 200, 200),
    "/acts/": (302, 200, 200, 200),
    "/acts/new/": (302, 200, 200, 200),
    "/approvals/": (302, 404, 200, 200),
    "/customers/": (302, 200, 200, 200),
    "/customers/new/": (302, 200, 200, 200),
    "/dashboard/": (302, 200, 200, 200),
    "/stories/": (302, 200, 200, 200),
    "/stories/new/": (302, 200, 200, 200),
    "/stories/review/": (302, 404, 404, 200),
    "/accounts/profile/": (302, 200, 200, 200),
    "/team/policy/": (302, 404, 404, 200),
    "/admin/": (302, 302, 302, 200),
    "/healthz": (200, 200, 200, 200),
    "/accounts/login/": (200, 200, 200, 200),
}
API = {
    "/api/me": (401, 200, 200, 200),
    "/api/acts": (401, 200, 200, 200),
    "/api/customers": (401, 200, 200, 200),
    "/api/budget": (401, 200, 200, 200),
}


@pytest.fixture
def cast(staff, manager, admin_user):
    return [None, staff, manager, admin_user]


@pytest.mark.parametrize(("url", "expected"), [*PAGES.items(), *API.items()])
def test_role_by_url_matrix(client, cast, url, expected):
    for user, status in zip(cast, expected, strict=True):
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(url)
        who = user.username if user else "anonymous"
        assert response.status_code == status, f"{who} GET {url}: {response.status_code}"
        if status == 302 and user is None:
            assert "/login/" in response["Location"]


def test_object_urls_of_another_team_are_404(client_for, staff, other_staff, other_customer):
    act = log_act(other_staff, cost="10.00", customer=other_customer)
    client = client_for(staff)
    for url in (f"/acts/{act.pk}/", f"/customers/{other_customer.pk}/", f"/customers/{other_customer.pk}/edit/",
                f"/acts/{act.pk}/receipt/"):
        assert client.get(url).status_code == 404, url
    for action in ("approve", "decline", "withdraw", "deliver", "customer-knows", "review"):
        response = client.post(f"/acts/{act.pk}/{action}/", {"note": "x", "actual_cost": "1", "how": "x"})
        assert response.status_code == 404
    act.refresh_from_db()
    assert act.status == "approved"


def test_admin_sees_every_team(client_for, admin_user, other_staff, other_customer):
    act = log_act(other_staff, cost="0", customer=other_customer)
    client = client_for(admin_user)
    assert client.get(f"/acts/{act.pk}/").status_code == 200
    assert client.get(f"/customers/{other_customer.pk}/").status_code == 200


def test_customer_pages_of_own_team(client_for, staff, customer):
    client = client_for(staff)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert customer.referral_code in page
    response = client.post(f"/customers/{customer.pk}/edit/", {"name": "Elena P.", "email": "bad"})
    assert "Enter a valid email address." in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).name == "Elena Petrova"
