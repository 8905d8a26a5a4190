"""A page a role does not open explains itself: who does this, who to ask by name and the
way home, in the app's shell, with the 404 the permission matrix holds. Another team's
object stays a plain 404 that says nothing of it."""

import pytest

from acts.models import Act
from core.models import Role
from core.tokens import api_token_create
from stories import services as story_services
from stories.models import Story
from tests.factories import UserFactory, log_act

pytestmark = pytest.mark.django_db

MANAGERS_ASKED = "Your manager is Marcus Lee."


@pytest.fixture
def named(team, manager, admin_user):
    manager.first_name, manager.last_name = "Marcus", "Lee"
    manager.save()
    admin_user.first_name, admin_user.last_name = "Priya", "Shah"
    admin_user.save()
    return {"manager": manager, "admin": admin_user}


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("path", "says", "asks"),
    [
        ("/approvals/", "Approvals are for managers.", MANAGERS_ASKED),
        ("/rewards/redemptions/", "Handing out rewards is for managers.", MANAGERS_ASKED),
        ("/stories/review/", "Reviewing stories is for admins.", "Ask your admin, Priya Shah."),
        ("/team/policy/", "The spend policy and budgets are set by admins.", "Ask your admin, Priya Shah."),
        ("/audit/", "The audit log is for admins.", "Ask your admin, Priya Shah."),
        ("/dashboard/?team=all", "The dashboard of all teams is for admins.", "Ask your admin, Priya Shah."),
        ("/dashboard/export/acts.csv", "Exports are for admins.", "Ask your admin, Priya Shah."),
        ("/rewards/catalogue/", "The rewards catalogue is kept by admins.", "Ask your admin, Priya Shah."),
    ],
)
def test_staff_refused_a_page_learn_who_does_it_and_whom_to_ask(client_for, staff, named, path, says, asks):
    response = client_for(staff).get(path)
    assert response.status_code == 404
    page = _page(response)
    assert "Not for your role" in page
    assert says in page
    assert asks in page
    assert 'href="/">Go to the start page</a>' in page
    # In the app's shell: the navigation of the signed-in person is there.
    assert 'aria-label="Main"' in page
    assert "Log out" in page


def test_a_manager_refused_an_admin_page_is_sent_to_the_admins(client_for, named, manager):
    page = _page(client_for(manager).get("/team/policy/"))
    assert "The spend policy and budgets are set by admins." in page
    assert "Ask your admin, Priya Shah." in page
    assert "Your manager" not in page


def test_two_managers_are_both_named_and_a_team_without_one_asks_an_admin(client_for, team, other_team, named):
    UserFactory(username="mia", first_name="Mia", last_name="Chen", team=team, role=Role.MANAGER)
    staff = UserFactory(username="zoe", team=team, role=Role.STAFF)
    assert "Your managers are Marcus Lee and Mia Chen." in _page(client_for(staff).get("/approvals/"))
    lonely = UserFactory(username="rita", team=other_team, role=Role.STAFF)
    page = _page(client_for(lonely).get("/approvals/"))
    assert "Your team has no manager yet: ask an admin, Priya Shah." in page
    assert "Marcus" not in page  # another team's manager is never named


def test_a_refused_post_explains_itself_and_changes_nothing(client_for, staff, named, customer):
    act = log_act(staff, cost="10.00", customer=customer)
    story = story_services.story_record(
        user=staff, customer=customer, channel="review", text="Lovely.", consent=True, acts=[act]
    )
    client = client_for(staff)
    response = client.post(f"/stories/{story.pk}/moderate/", {"decision": "approve"})
    assert response.status_code == 404
    assert "Reviewing stories is for admins." in _page(response)
    assert Story.objects.get(pk=story.pk).status == "submitted"
    response = client.post("/team/policy/", {"form": "budget", "month": "2026-12", "budget": "1"})
    assert response.status_code == 404
    assert "The spend policy and budgets are set by admins." in _page(response)


def test_the_refusal_is_explained_under_debug_too(client_for, staff, named, settings):
    settings.DEBUG = True
    response = client_for(staff).get("/approvals/")
    assert response.status_code == 404
    assert "Approvals are for managers." in _page(response)
    assert MANAGERS_ASKED in _page(response)


def test_another_teams_object_stays_a_plain_404(client_for, staff, named, other_staff, other_customer, other_team):
    act = log_act(other_staff, cost="5.00", customer=other_customer)
    client = client_for(staff)
    for path in (f"/acts/{act.pk}/", f"/customers/{other_customer.pk}/", f"/dashboard/?team={other_team.pk}"):
        response = client.get(path)
        assert response.status_code == 404, path
        page = _page(response)
        assert "Page not found" in page, path
        assert "Not for your role" not in page, path
        assert "Marcus" not in page, path
        assert other_team.name not in page, path
    response = client.post(f"/acts/{act.pk}/deliver/", {"actual_cost": "1"})
    assert response.status_code == 404
    assert "Not for your role" not in _page(response)
    assert Act.objects.get(pk=act.pk).status == "approved"


def test_production_404_and_403_pages_are_in_the_shell(client_for, staff):
    client = client_for(staff)
    page = _page(client.get("/no-such-page/"))
    assert "Page not found" in page
    assert 'aria-label="Main"' in page
    assert 'href="/">Go to the start page</a>' in page


def test_the_api_keeps_its_json_404(client, staff, named):
    _row, token = api_token_create(user=staff)
    response = client.get("/api/dashboard?team=all", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
