"""The pages of a person's own empowerment limit: the act form's line, the history page
(the person, their managers and admins; 404 for a teammate or another team), pinning
from it, the look marked as a problem, the profile's card and GET /api/me."""

from decimal import Decimal

import pytest
from django.utils.html import escape

from acts import empowerment, policy, services
from acts.models import LimitChange
from tests.acts.test_empowerment import completed
from tests.factories import log_act
from tests.queries import assert_same_queries, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def grown(admin_user, team, staff, customer):
    """Staff at $60 (steps of 2 acts), then one declined request and a step again."""
    policy.team_policy_update(user=admin_user, team=team, limit_growth_acts=2)
    team.refresh_from_db()
    completed(staff, customer, 2)
    return staff


def test_the_act_form_says_what_the_person_approves_themselves(client_for, grown, staff2):
    page = client_for(grown).get("/acts/new/").content.decode()
    assert "You can approve up to $60.00 yourself; above that a manager decides." in page
    page = client_for(staff2).get("/acts/new/").content.decode()
    assert "You can approve up to $50.00 yourself; above that a manager decides." in page


def test_above_the_manager_limit_the_form_says_an_admin_decides(client_for, admin_user, staff):
    empowerment.limit_pin(user=admin_user, person=staff, amount="150", reason="Concierge.")
    page = client_for(staff).get("/acts/new/").content.decode()
    assert "You can approve up to $150.00 yourself; above that an admin decides." in page


def test_the_history_is_for_the_person_their_managers_and_admins(
    grown, staff2, manager, admin_user, other_manager, other_staff
):
    url = f"/people/{grown.pk}/limit/"
    for reader in (grown, manager, admin_user):
        page = signed_in(reader).get(url)
        assert page.status_code == 200, reader
        text = page.content.decode()
        assert "$50.00 → $60.00" in text
        assert LimitChange.Reason.GREW.label in text
    for outsider in (staff2, other_manager, other_staff):
        assert signed_in(outsider).get(url).status_code == 404, outsider
    assert signed_in(None).get(url).status_code == 302


def test_the_person_sees_the_reason_of_a_decline(client_for, grown, manager, customer):
    act = log_act(grown, customer=customer, cost="80.00")
    services.spend_decline(user=manager, act=act, note="A call would do here.")
    page = client_for(grown).get(f"/people/{grown.pk}/limit/").content.decode()
    assert "$60.00 → $50.00" in page
    assert "A call would do here." in page
    assert "Pin the limit" not in page  # admins only


def test_an_empty_history_teaches(client_for, staff):
    page = client_for(staff).get(f"/people/{staff.pk}/limit/").content.decode()
    assert "No change yet." in page
    assert "0 of 10 acts completed toward the next $10.00" in page


def test_an_admin_pins_and_unpins_from_the_page(client_for, admin_user, grown):
    client = client_for(admin_user)
    response = client.post(f"/people/{grown.pk}/limit/pin/", {"amount": "", "reason": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter the amount to pin the limit at." in text
    assert empowerment.MSG_PIN_NEEDS_REASON in text
    response = client.post(f"/people/{grown.pk}/limit/pin/", {"amount": "-5", "reason": "Trusted."})
    assert response.status_code == 400
    assert not LimitChange.objects.filter(reason=LimitChange.Reason.PINNED).exists()

    response = client.post(f"/people/{grown.pk}/limit/pin/", {"amount": "90", "reason": "Trusted."}, follow=True)
    text = response.content.decode()
    assert f"{grown.display_name}&#x27;s limit is pinned at $90.00 until you unpin it." in text
    assert "Pinned" in text
    assert empowerment.limit_of(grown, grown.team) == Decimal("90.00")

    response = client.post(f"/people/{grown.pk}/limit/unpin/", {"reason": "Back to the usual."}, follow=True)
    assert "is back at the team&#x27;s $50.00 and grows again" in response.content.decode()
    assert empowerment.limit_of(grown, grown.team) == Decimal("50.00")


def test_managers_and_staff_cannot_pin(client_for, manager, grown):
    for user in (manager, grown):
        response = client_for(user).post(f"/people/{grown.pk}/limit/pin/", {"amount": "99", "reason": "Me."})
        assert response.status_code == 404
    assert not LimitChange.objects.filter(reason=LimitChange.Reason.PINNED).exists()
    assert client_for(manager).get(f"/people/{grown.pk}/limit/pin/").status_code == 405


def test_a_look_marked_as_a_problem_from_the_act_page(client_for, admin_user, team, grown, manager, customer):
    policy.team_policy_update(user=admin_user, team=team, review_share=Decimal("1"))
    team.refresh_from_db()
    act = log_act(grown, customer=customer, cost="20.00")
    client = client_for(manager)
    page = client.get(f"/acts/{act.pk}/").content.decode()
    assert "Mark as a problem" in page
    response = client.post(f"/acts/{act.pk}/review/", {"note": "", "problem": "1"}, follow=True)
    assert escape(services.MSG_PROBLEM_NEEDS_NOTE) in response.content.decode()
    assert empowerment.limit_of(grown, team) == Decimal("60.00")
    response = client.post(f"/acts/{act.pk}/review/", {"note": "Not for a complaint we caused.", "problem": "1"})
    assert response.status_code == 302
    assert empowerment.limit_of(grown, team) == Decimal("50.00")
    act.refresh_from_db()
    assert act.review_problem


def test_the_profile_and_a_managers_view_of_a_person_show_the_limit(client_for, grown, manager, staff2):
    profile = client_for(grown).get("/accounts/profile/").content.decode()
    assert "Your empowerment limit" in profile
    assert "$60.00" in profile
    assert f"/people/{grown.pk}/limit/" in profile
    person = client_for(manager).get(f"/people/{grown.pk}/").content.decode()
    assert f"/people/{grown.pk}/limit/" in person
    teammate = client_for(staff2).get(f"/people/{grown.pk}/").content.decode()
    assert f"/people/{grown.pk}/limit/" not in teammate


def test_api_me_has_the_callers_own_limit(grown, staff2):
    assert signed_in(grown).get("/api/me").json()["empowerment_limit"] == "60.00"
    assert signed_in(staff2).get("/api/me").json()["empowerment_limit"] == "50.00"


def test_the_history_page_takes_as_many_queries_with_many_changes(admin_user, manager, grown):
    url = f"/people/{grown.pk}/limit/"
    pages = {who: (signed_in(user), url) for who, user in (("own", grown), ("manager", manager), ("admin", admin_user))}

    def grow():
        for n in range(12):
            empowerment.limit_pin(user=admin_user, person=grown, amount=str(60 + n), reason=f"Pin {n}")
        empowerment.limit_unpin(user=admin_user, person=grown, reason="Done")

    assert_same_queries(pages, grow)
