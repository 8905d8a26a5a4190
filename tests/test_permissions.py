"""Who may open what: every page and API route, for every role, plus another team's objects.

The matrix is a table: a route (method, path with placeholders, data) and what each of
anonymous, staff, manager and admin gets. Each (route, role) runs on fresh data, so a
POST by one role never changes what the next one finds. Transitions also check the
state they leave behind: a refused move must change nothing.
"""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from acts import services as act_services
from acts.models import Act, FollowUp
from core.models import Kudos, Role
from core.tokens import api_token_create
from customers.models import Customer
from rewards import services as reward_services
from stories import nps as stories_nps
from stories import services as story_services
from stories import survey as survey_links
from stories.models import Story
from tests.factories import TeamFactory, UserFactory, log_act
from tests.rewards.points import points_give

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a redirect to the login page
ADMIN_LOGIN = "admin-login"  # a redirect to the Django admin's login page
ROLES = ("anonymous", "staff", "manager", "admin")

# (method, path, data, expected for anonymous, staff, manager, admin).
# Paths name objects in braces: see `world` below. A redirect elsewhere is 302.
PAGES = [
    ("GET", "/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/healthz", None, (200, 200, 200, 200)),
    ("GET", "/accounts/login/", None, (200, 200, 200, 200)),
    ("GET", "/accounts/logout/", None, (405, 405, 405, 405)),
    ("POST", "/accounts/logout/", {}, (LOGIN, LOGIN, LOGIN, LOGIN)),
    ("GET", "/accounts/profile/", None, (LOGIN, 200, 200, 200)),
    ("POST", "/accounts/profile/tokens/", {"name": "Helpdesk"}, (LOGIN, 302, 302, 302)),
    ("GET", "/accounts/profile/tokens/", None, (LOGIN, 405, 405, 405)),
    ("POST", "/accounts/profile/tokens/{own_token}/revoke/", {}, (LOGIN, 302, 302, 302)),
    ("POST", "/accounts/profile/tokens/{staff_token}/revoke/", {}, (LOGIN, 302, 404, 404)),
    ("POST", "/accounts/profile/leaderboard/", {"hidden": "1"}, (LOGIN, 302, 302, 302)),
    ("GET", "/people/{sam}/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/people/{other_person}/", None, (LOGIN, 404, 404, 200)),
    ("POST", "/people/{sam}/kudos/", {"note": "Thanks"}, (LOGIN, 302, 302, 302)),
    ("POST", "/people/{other_person}/kudos/", {"note": "Thanks"}, (LOGIN, 404, 404, 302)),
    ("POST", "/follow-ups/{followup}/done/", {}, (LOGIN, 302, 302, 302)),
    ("POST", "/follow-ups/{other_followup}/done/", {}, (LOGIN, 404, 404, 302)),
    ("GET", "/follow-ups/{followup}/done/", None, (LOGIN, 405, 405, 405)),
    ("GET", "/dashboard/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/dashboard/export/acts.csv", None, (LOGIN, 404, 404, 200)),
    ("GET", "/dashboard/export/stories.csv", None, (LOGIN, 404, 404, 200)),
    ("GET", "/team/policy/", None, (LOGIN, 404, 404, 200)),
    ("GET", "/team/policy/?team={other_team}", None, (LOGIN, 404, 404, 200)),
    ("GET", "/team/policy/?team=abc", None, (LOGIN, 404, 404, 404)),
    ("GET", "/team/policy/?team=999999", None, (LOGIN, 404, 404, 404)),
    ("POST", "/team/policy/", {"form": "budget", "month": "2026-12", "budget": "900"}, (LOGIN, 404, 404, 302)),
    ("GET", "/audit/", None, (LOGIN, 404, 404, 200)),
    ("GET", "/audit/?action=budget_set&page=2", None, (LOGIN, 404, 404, 200)),
    ("POST", "/audit/", {}, (LOGIN, 405, 405, 405)),
    ("GET", "/admin/secondmile/auditevent/", None, (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    ("GET", "/admin/", None, (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    ("GET", "/admin/secondmile/team/", None, (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    ("GET", "/admin/secondmile/user/", None, (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    ("GET", "/admin/secondmile/user/{sam}/change/", None, (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    # Rewards
    ("GET", "/rewards/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/rewards/{reward}/redeem/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/rewards/{other_reward}/redeem/", None, (LOGIN, 404, 404, 404)),
    ("POST", "/rewards/{reward}/redeem/", {}, (LOGIN, 302, 302, 302)),
    ("GET", "/rewards/catalogue/", None, (LOGIN, 404, 404, 200)),
    ("GET", "/rewards/catalogue/new/", None, (LOGIN, 404, 404, 200)),
    ("GET", "/rewards/catalogue/{reward}/edit/", None, (LOGIN, 404, 404, 200)),
    ("GET", "/rewards/catalogue/{other_reward}/edit/", None, (LOGIN, 404, 404, 200)),
    ("POST", "/rewards/catalogue/{reward}/deactivate/", {}, (LOGIN, 404, 404, 302)),
    ("GET", "/rewards/redemptions/", None, (LOGIN, 404, 200, 200)),
    ("POST", "/rewards/redemptions/{redemption}/fulfil/", {}, (LOGIN, 404, 302, 302)),
    ("POST", "/rewards/redemptions/{redemption}/refund/", {"note": "Closed"}, (LOGIN, 404, 302, 302)),
    ("POST", "/rewards/redemptions/{other_redemption}/fulfil/", {}, (LOGIN, 404, 404, 302)),
    # Acts
    ("GET", "/acts/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/acts/?page=2", None, (LOGIN, 200, 200, 200)),
    ("GET", "/acts/new/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/acts/new/warnings/?customer={customer}&kind=gift", None, (LOGIN, 200, 200, 200)),
    ("GET", "/acts/{approved}/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/acts/{other_act}/", None, (LOGIN, 404, 404, 200)),
    ("GET", "/acts/999999/", None, (LOGIN, 404, 404, 404)),
    ("GET", "/acts/{delivered}/receipt/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/acts/{approved}/receipt/", None, (LOGIN, 404, 404, 404)),
    ("GET", "/acts/{other_act}/receipt/", None, (LOGIN, 404, 404, 404)),
    ("GET", "/acts/{pending}/approve/", None, (LOGIN, 405, 405, 405)),
    ("GET", "/approvals/", None, (LOGIN, 404, 200, 200)),
    ("POST", "/acts/{delivered}/survey-link/", {}, (LOGIN, 302, 302, 302)),
    ("POST", "/acts/{other_act}/survey-link/", {}, (LOGIN, 404, 404, 302)),
    # Customers, NPS and stories
    ("GET", "/customers/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/customers/?q=elena&page=2", None, (LOGIN, 200, 200, 200)),
    ("GET", "/customers/new/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/customers/search/?field=customer&id=id_customer&customer_q=a", None, (LOGIN, 200, 200, 200)),
    ("POST", "/customers/search/?field=customer&id=id_customer", {}, (LOGIN, 405, 405, 405)),
    ("GET", "/customers/referrer-stories/?referrer_code={code}", None, (LOGIN, 200, 200, 200)),
    ("GET", "/customers/{customer}/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/customers/{other_customer}/", None, (LOGIN, 404, 404, 200)),
    ("GET", "/customers/{customer}/edit/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/customers/{other_customer}/edit/", None, (LOGIN, 404, 404, 200)),
    ("POST", "/customers/{customer}/edit/", {"name": "Elena P."}, (LOGIN, 302, 302, 302)),
    ("POST", "/customers/{other_customer}/edit/", {"name": "Walter H."}, (LOGIN, 404, 404, 302)),
    ("POST", "/customers/{customer}/nps/", {"score": "9", "date": "{today}"}, (LOGIN, 302, 302, 302)),
    ("POST", "/customers/{other_customer}/nps/", {"score": "9", "date": "{today}"}, (LOGIN, 404, 404, 302)),
    ("GET", "/customers/{customer}/nps/", None, (LOGIN, 405, 405, 405)),
    ("POST", "/customers/new/", {"name": "New Person", "email": "new@example.org"}, (LOGIN, 302, 302, 302)),
    ("GET", "/stories/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/stories/new/", None, (LOGIN, 200, 200, 200)),
    ("GET", "/stories/new/?act={approved}", None, (LOGIN, 200, 200, 200)),
    ("GET", "/stories/new/?act={other_act}", None, (LOGIN, 404, 404, 200)),
    ("GET", "/stories/new/?customer={other_customer}", None, (LOGIN, 404, 404, 200)),
    ("GET", "/stories/review/", None, (LOGIN, 404, 404, 200)),
    ("POST", "/stories/{story}/moderate/", {"decision": "approve"}, (LOGIN, 404, 404, 302)),
    ("GET", "/s/{survey_token}", None, (200, 200, 200, 200)),
    ("GET", "/s/not-a-token", None, (404, 404, 404, 404)),
]

# The JSON API: anonymous → 401; errors are {"detail": ...}.
API = [
    ("GET", "/api/me", None, (401, 200, 200, 200)),
    ("GET", "/api/dashboard", None, (401, 200, 200, 200)),
    ("GET", "/api/dashboard?team={other_team}", None, (401, 404, 404, 200)),
    ("GET", "/dashboard/?team={other_team}", None, (LOGIN, 404, 404, 200)),
    ("GET", "/api/budget", None, (401, 200, 200, 200)),
    ("GET", "/api/acts", None, (401, 200, 200, 200)),
    ("GET", "/api/acts/{approved}", None, (401, 200, 200, 200)),
    ("GET", "/api/acts/{other_act}", None, (401, 404, 404, 200)),
    ("GET", "/api/acts/999999", None, (401, 404, 404, 404)),
    ("GET", "/api/customers", None, (401, 200, 200, 200)),
    ("GET", "/api/customers?q=elena", None, (401, 200, 200, 200)),
    ("GET", "/api/customers/{customer}", None, (401, 200, 200, 200)),
    ("GET", "/api/customers/{other_customer}", None, (401, 404, 404, 200)),
    ("GET", "/api/stories", None, (401, 200, 200, 200)),
    ("GET", "/api/rewards", None, (401, 200, 200, 200)),
    ("POST", "/api/rewards", {"name": "Lunch", "points": 10}, (401, 403, 403, 201)),
    ("POST", "/api/rewards/{reward}/redeem", None, (401, 201, 409, 409)),
    ("POST", "/api/rewards/{other_reward}/redeem", None, (401, 404, 404, 404)),
    ("GET", "/api/rewards/{reward}/redeem", None, (405, 405, 405, 405)),
    ("GET", "/api/openapi.json", None, (200, 200, 200, 200)),
    ("GET", "/api/docs", None, (200, 200, 200, 200)),
    ("POST", "/api/customers", {"name": "Api Person", "email": "api@example.org"}, (401, 201, 201, 201)),
    (
        "POST",
        "/api/acts",
        {
            "customer": "{customer}",
            "problem": "Cold",
            "solution": "Soup",
            "quadrant": "delivery",
            "trigger": "proactive",
            "kind": "gift",
            "cost": "10.00",
            "right_thing": "Yes",
            "great_experience": "Yes",
            "how_they_know": "We tell them",
        },
        (401, 201, 201, 201),
    ),
    (
        "POST",
        "/api/acts",
        {
            "customer": "{other_customer}",
            "problem": "Cold",
            "solution": "Soup",
            "quadrant": "delivery",
            "trigger": "proactive",
            "kind": "gift",
            "cost": "0",
        },
        (401, 400, 400, 201),
    ),  # a body naming another team's customer: a field error
    (
        "POST",
        "/api/stories",
        {
            "customer": "{customer}",
            "channel": "review",
            "text": "Lovely",
            "consent": True,
        },
        (401, 201, 201, 201),
    ),
    ("POST", "/api/nps", {"customer": "{customer}", "score": 9}, (401, 201, 201, 201)),
    ("POST", "/api/nps", {"customer": "{other_customer}", "score": 9}, (401, 404, 404, 201)),
    ("POST", "/api/stories/{story}/moderate", {"decision": "approve"}, (401, 403, 403, 200)),
    ("POST", "/api/acts/{other_act}/approve", {}, (401, 404, 404, 409)),
    # No such route, and a route that does not take the method: JSON too.
    ("GET", "/api/no-such-thing", None, (404, 404, 404, 404)),
    ("GET", "/api/acts/{approved}/approve", None, (405, 405, 405, 405)),
    ("DELETE", "/api/acts", None, (405, 405, 405, 405)),
]

# Transitions: (method, path, data, act, expected status per role, act status left per role).
PENDING, APPROVED, DECLINED = "pending_approval", "approved", "declined"
WITHDRAWN, DELIVERED, KNOWS = "withdrawn", "delivered", "customer_knows"
TRANSITIONS = [
    (
        "POST",
        "/acts/{pending}/approve/",
        {"amount": "75", "note": ""},
        "pending",
        (LOGIN, 302, 302, 302),
        (PENDING, PENDING, APPROVED, APPROVED),
    ),
    (
        "POST",
        "/acts/{pending}/decline/",
        {"note": "Not this time"},
        "pending",
        (LOGIN, 302, 302, 302),
        (PENDING, PENDING, DECLINED, DECLINED),
    ),
    (
        "POST",
        "/acts/{pending}/withdraw/",
        {"note": ""},
        "pending",
        (LOGIN, 302, 302, 302),
        (PENDING, WITHDRAWN, PENDING, PENDING),
    ),
    (
        "POST",
        "/acts/{approved}/deliver/",
        {"actual_cost": "20"},
        "approved",
        (LOGIN, 302, 302, 302),
        (APPROVED, DELIVERED, DELIVERED, DELIVERED),
    ),
    (
        "POST",
        "/acts/{delivered}/customer-knows/",
        {"how": "Told at check-out"},
        "delivered",
        (LOGIN, 302, 302, 302),
        (DELIVERED, KNOWS, KNOWS, KNOWS),
    ),
    (
        "POST",
        "/acts/{other_act}/deliver/",
        {"actual_cost": "5"},
        "other_act",
        (LOGIN, 404, 404, 302),
        (APPROVED, APPROVED, APPROVED, DELIVERED),
    ),
    (
        "POST",
        "/api/acts/{pending}/approve",
        {"note": ""},
        "pending",
        (401, 403, 200, 200),
        (PENDING, PENDING, APPROVED, APPROVED),
    ),
    (
        "POST",
        "/api/acts/{pending}/decline",
        {"note": "Not this time"},
        "pending",
        (401, 403, 200, 200),
        (PENDING, PENDING, DECLINED, DECLINED),
    ),
    (
        "POST",
        "/api/acts/{pending}/withdraw",
        {},
        "pending",
        (401, 200, 403, 403),
        (PENDING, WITHDRAWN, PENDING, PENDING),
    ),
    (
        "POST",
        "/api/acts/{approved}/deliver",
        {"actual_cost": "20"},
        "approved",
        (401, 200, 200, 200),
        (APPROVED, DELIVERED, DELIVERED, DELIVERED),
    ),
    (
        "POST",
        "/api/acts/{delivered}/customer-knows",
        {"how": "Told at check-out"},
        "delivered",
        (401, 200, 200, 200),
        (DELIVERED, KNOWS, KNOWS, KNOWS),
    ),
    (
        "POST",
        "/api/acts/{delivered}/approve",
        {},
        "delivered",
        (401, 409, 409, 409),
        (DELIVERED, DELIVERED, DELIVERED, DELIVERED),
    ),
]


@pytest.fixture
def world(
    settings, tmp_path, team, other_team, staff, staff2, manager, admin_user, other_staff, customer, other_customer
):
    """One of everything each route names, in the staff member's team and another team."""
    settings.MEDIA_ROOT = tmp_path
    pending = log_act(staff, cost="75.00", customer=customer)
    approved = log_act(staff, cost="20.00", customer=customer)
    delivered = log_act(staff, cost="30.00", customer=customer)
    act_services.act_deliver(
        user=staff,
        act=delivered,
        actual_cost=Decimal("30.00"),
        receipt=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n% receipt\n", content_type="application/pdf"),
    )
    other_act = log_act(other_staff, cost="5.00", customer=other_customer)
    # A detractor's score opens a follow-up for the other team.
    stories_nps.nps_record(user=other_staff, customer=other_customer, score=3)
    story = story_services.story_record(
        user=staff,
        customer=customer,
        channel="review",
        text="They were lovely.",
        consent=True,
        acts=[delivered],
    )
    _link, survey_token = survey_links.survey_link_create(user=staff, act=delivered)
    tokens = {user.pk: api_token_create(user=user)[0].pk for user in (staff, manager, admin_user)}
    reward = reward_services.reward_create(user=admin_user, name="Team lunch", points=10)
    other_reward = reward_services.reward_create(user=admin_user, team=other_team, name="Spa", points=10)
    for person in (staff, staff2, other_staff):
        points_give(person, 10)
    redemption = reward_services.reward_redeem(user=staff2, reward=reward)
    other_redemption = reward_services.reward_redeem(user=other_staff, reward=other_reward)
    return {
        "pending": pending,
        "approved": approved,
        "delivered": delivered,
        "other_act": other_act,
        "customer": customer,
        "other_customer": other_customer,
        "other_team": other_team,
        "code": customer.referral_code,
        "story": story,
        "survey_token": survey_token,
        "sam": staff2,
        "reward": reward,
        "other_reward": other_reward,
        "redemption": redemption,
        "other_redemption": other_redemption,
        "other_person": other_staff,
        "followup": FollowUp.objects.filter(team=team).first(),
        "other_followup": FollowUp.objects.filter(team=other_team).first(),
        "staff_token": tokens[staff.pk],
        "tokens": tokens,
        "today": timezone.localdate(),
        "cast": (None, staff, manager, admin_user),
    }


def _fill(text: str, world, user) -> str:
    names = {key: getattr(value, "pk", value) for key, value in world.items()}
    names["own_token"] = world["tokens"][user.pk] if user else world["staff_token"]
    return text.format(**names)


def _request(client, method, path, data):
    if path.startswith("/api/"):
        body = None if data is None else json.dumps(data)
        return client.generic(method, path, body or "", content_type="application/json")
    if method == "GET":
        return client.get(path)
    return client.generic(method, path) if data is None else client.post(path, data)


def _check(response, expected, who, method, path):
    shown = f"{who} {method} {path}: {response.status_code}"
    if expected == LOGIN:
        assert response.status_code == 302, shown
        assert response["Location"].startswith("/accounts/login/"), shown
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, shown
        assert response["Location"].startswith("/admin/login/"), shown
    else:
        assert response.status_code == expected, shown
        if expected == 302:
            assert not response["Location"].startswith("/accounts/login/"), shown
    if path.startswith("/api/") and response.status_code >= 400 and "openapi" not in path:
        assert response["Content-Type"].startswith("application/json"), shown
        assert "detail" in response.json(), shown


def _cases(table):
    """GETs change nothing: one case walks the four roles. Other methods may change the
    data, so each role gets a case (and fresh data) of its own."""
    for method, path, data, expected in table:
        if method == "GET":
            yield pytest.param(method, path, data, ROLES, expected, id=f"{method}-{path}")
            continue
        for index, role in enumerate(ROLES):
            yield pytest.param(method, path, data, (role,), (expected[index],), id=f"{role}-{method}-{path}")


def _fill_data(data, world, user, *, api: bool):
    """The data with its placeholders filled: ids are numbers in JSON, text in forms."""
    if data is None:
        return None
    filled = {}
    for key, value in data.items():
        if isinstance(value, str) and value.startswith("{"):
            value = _fill(value, world, user)
            value = int(value) if api and value.isdigit() else value
        filled[key] = value
    return filled


@pytest.mark.parametrize(("method", "path", "data", "roles", "expected"), [*_cases(PAGES), *_cases(API)])
def test_role_by_route_matrix(client, world, method, path, data, roles, expected):
    for role, status in zip(roles, expected, strict=True):
        client.logout()
        user = world["cast"][ROLES.index(role)]
        if user:
            client.force_login(user)
        url = _fill(path, world, user)
        response = _request(client, method, url, _fill_data(data, world, user, api=url.startswith("/api/")))
        _check(response, status, role, method, url)


def _transition_cases():
    for method, path, data, act_name, expected, left in TRANSITIONS:
        for index, role in enumerate(ROLES):
            yield pytest.param(
                method, path, data, act_name, index, expected[index], left[index], id=f"{role}-{method}-{path}"
            )


@pytest.mark.parametrize(("method", "path", "data", "act_name", "role", "expected", "left"), list(_transition_cases()))
def test_transition_by_role(client, world, method, path, data, act_name, role, expected, left):
    user = world["cast"][role]
    if user:
        client.force_login(user)
    url = _fill(path, world, user)
    response = _request(client, method, url, data)
    _check(response, expected, ROLES[role], method, url)
    assert Act.objects.get(pk=world[act_name].pk).status == left


def test_refused_writes_change_nothing(client, world):
    """The routes a role may not use leave the data as it was."""
    staff, manager = world["cast"][1], world["cast"][2]
    client.force_login(staff)
    client.post(_fill("/people/{sam}/kudos/", world, staff), {"note": "Thanks"})
    client.post(_fill("/stories/{story}/moderate/", world, staff), {"decision": "approve"})
    client.post(_fill("/customers/{other_customer}/edit/", world, staff), {"name": "Hacked"})
    client.post(_fill("/follow-ups/{other_followup}/done/", world, staff))
    # The world's acts charge this month's budget, so the month's row exists: a refused edit leaves it as it was.
    month = timezone.localdate().replace(day=1)
    budget_before = list(staff.team.budgets.filter(month=month).values_list("budget", flat=True))
    client.post("/team/policy/", {"form": "budget", "month": month.strftime("%Y-%m"), "budget": "1"})
    client.force_login(manager)
    client.post(_fill("/accounts/profile/tokens/{staff_token}/revoke/", world, manager))
    assert not Kudos.objects.exists()
    assert Story.objects.get(pk=world["story"].pk).status == "submitted"
    assert Customer.objects.get(pk=world["other_customer"].pk).name == "Walter Hughes"
    assert FollowUp.objects.get(pk=world["other_followup"].pk).done_at is None
    assert list(staff.team.budgets.filter(month=month).values_list("budget", flat=True)) == budget_before
    assert staff.api_tokens.filter(pk=world["staff_token"]).exists()


def test_object_urls_of_another_team_are_404(client_for, staff, other_staff, other_customer):
    act = log_act(other_staff, cost="10.00", customer=other_customer)
    client = client_for(staff)
    for url in (
        f"/acts/{act.pk}/",
        f"/customers/{other_customer.pk}/",
        f"/customers/{other_customer.pk}/edit/",
        f"/acts/{act.pk}/receipt/",
    ):
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


# --- The JSON API's own errors ------------------------------------------------------


def test_unknown_api_path_answers_json_404(client_for, staff):
    client = client_for(staff)
    for path in ("/api/no-such-thing", "/api/acts/1/nonsense", "/api/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
        assert response.json() == {"detail": "Not found."}, path


def test_wrong_method_on_api_answers_json_405_with_allow(client_for, staff):
    client = client_for(staff)
    response = client.delete("/api/acts")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert response.json()["detail"] == "Method not allowed: use GET or POST."
    response = client.get("/api/acts/1/approve")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"detail": "Method not allowed: use POST."}


def test_pages_keep_their_html_404(client_for, staff):
    response = client_for(staff).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- People without a team ----------------------------------------------------------


@pytest.fixture
def teamless(db):
    """Someone made by `createsuperuser`, and a person whose team was never set."""
    from core.models import User

    root = User.objects.create_superuser("root", "root@example.com", "x-pass-123")
    loner = UserFactory(username="loner", team=None, role=Role.STAFF)
    return root, loner


TEAMLESS_GETS = [
    "/",
    "/acts/",
    "/acts/new/",
    "/acts/new/warnings/?customer=1&kind=gift",
    "/approvals/",
    "/customers/",
    "/customers/new/",
    "/customers/referrer-stories/?referrer_code=ABC",
    "/customers/search/?field=customer&id=id_customer&customer_q=a",
    "/stories/",
    "/stories/new/",
    "/stories/review/",
    "/dashboard/",
    "/dashboard/export/acts.csv",
    "/dashboard/export/stories.csv",
    "/accounts/profile/",
    "/team/policy/",
    "/api/me",
    "/api/acts",
    "/api/customers",
    "/api/stories",
    "/api/budget",
    "/api/dashboard",
]


def test_a_person_without_a_team_never_gets_a_server_error(client, teamless):
    TeamFactory(name="Harbour")
    for user in teamless:
        client.force_login(user)
        for path in TEAMLESS_GETS:
            response = client.get(path)
            assert response.status_code < 500, f"{user} GET {path}: {response.status_code}"


NEW_ACT = {
    "customer": "",
    "new_customer_name": "Walk-in Guest",
    "new_customer_email": "",
    "problem": "Needed a hand",
    "solution": "Helped",
    "quadrant": "delivery",
    "trigger": "proactive",
    "kind": "gift",
    "cost": "0",
}


def test_without_a_team_logging_an_act_or_a_customer_says_ask_an_admin(client, teamless):
    for user in teamless:
        client.force_login(user)
        for path, data in (("/acts/new/", NEW_ACT), ("/customers/new/", {"name": "Walk-in Guest"})):
            response = client.post(path, data, follow=True)
            assert response.status_code == 200, f"{user} POST {path}"
            assert "Your account has no team yet: ask an admin" in response.content.decode()
    assert not Customer.objects.exists()
    assert not Act.objects.exists()


def test_without_a_team_the_api_refuses_a_new_customer_with_403(client, teamless):
    client.force_login(teamless[1])
    response = client.post("/api/customers", {"name": "Api Guest"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Your account has no team yet: ask an admin."
    assert not Customer.objects.exists()


def test_an_admin_without_a_team_picks_a_team_on_the_policy_page(client, teamless):
    harbour, riverside = TeamFactory(name="Harbour"), TeamFactory(name="Riverside")
    root = teamless[0]
    client.force_login(root)
    response = client.get("/team/policy/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a team" in page
    assert f'href="/team/policy/?team={harbour.pk}"' in page
    assert f'href="/team/policy/?team={riverside.pk}"' in page
    response = client.get(f"/team/policy/?team={riverside.pk}")
    assert response.status_code == 200
    assert "Riverside" in response.content.decode()
    # Nothing is saved without a team chosen.
    response = client.post("/team/policy/", {"form": "budget", "month": "2026-12", "budget": "900"})
    assert response.status_code == 200
    assert not harbour.budgets.exists()
    assert not riverside.budgets.exists()
