"""The audit log: what the services write for changes without a history of their own,
the admins' page that reads it, and the Django admin's edits going through the same
services."""

import datetime
from decimal import Decimal

import pytest

from acts import budgets as team_budgets
from acts import policy as spend_policy
from acts.models import BudgetMonth
from core import errors
from core.models import AuditEvent, Role
from core.services import member_set_role
from customers import services as customer_services
from tests.factories import TeamFactory, log_act
from tests.queries import page_queries

pytestmark = pytest.mark.django_db
DECEMBER = datetime.date(2026, 12, 1)


def test_budget_and_policy_changes_are_audited_with_money_as_decimal_strings(admin_user, team):
    team_budgets.budget_set(user=admin_user, team=team, month=DECEMBER, amount=Decimal("900"))
    spend_policy.team_policy_update(
        user=admin_user, team=team, empowerment_limit=Decimal("40.00"), review_share=team.review_share
    )
    budget, policy = AuditEvent.objects.filter(team=team).exclude(action="role_changed").order_by("id")
    assert (budget.action, budget.actor, budget.target_label) == ("budget_set", admin_user, "Harbour, December 2026")
    assert (budget.before, budget.after) == ({"budget": "1000.00"}, {"budget": "900.00"})
    assert policy.action == "policy_changed"
    # Only what changed: the review share was given but is the same.
    assert (policy.before, policy.after) == ({"empowerment_limit": "50.00"}, {"empowerment_limit": "40.00"})


def test_a_refused_budget_writes_no_audit_row(staff, admin_user, team):
    log_act(staff, cost="40.00")
    month = datetime.date.today().replace(day=1)
    with pytest.raises(errors.InvalidInput):
        team_budgets.budget_set(user=admin_user, team=team, month=month, amount=Decimal("10"))
    assert not AuditEvent.objects.filter(action="budget_set").exists()


def test_a_role_change_names_who_made_it(admin_user, staff):
    member_set_role(user=staff, role=Role.MANAGER, by=admin_user)
    member_set_role(user=staff, role=Role.MANAGER, by=admin_user)  # no change, no row
    event = AuditEvent.objects.get(action="role_changed", actor=admin_user)
    assert (event.target_label, event.before, event.after) == ("ana", {"role": "staff"}, {"role": "manager"})


def test_customer_update_is_scoped_to_the_users_team_and_audited(staff, other_staff, customer):
    with pytest.raises(errors.NotAllowed):
        customer_services.customer_update(user=other_staff, customer=customer, name="Taken over")
    customer.refresh_from_db()
    assert customer.name == "Elena Petrova"
    customer_services.customer_update(user=staff, customer=customer, name="Elena P.", email=customer.email)
    event = AuditEvent.objects.get(target_type="customer")
    assert (event.action, event.actor, event.before, event.after) == (
        "customer_edited",
        staff,
        {"name": "Elena Petrova"},
        {"name": "Elena P."},
    )


def test_a_new_customer_with_a_referrer_is_audited(staff, customer):
    brought = customer_services.customer_create(user=staff, name="Ben", referred_by=customer)
    event = AuditEvent.objects.get(target_type="customer", target_id=brought.pk)
    assert (event.action, event.after) == ("referral_set", {"referred_by": "Elena Petrova"})


# --- The page ------------------------------------------------------------------------


def test_the_audit_page_lists_changes_newest_first_and_filters_by_action(client_for, admin_user, team):
    team_budgets.budget_set(user=admin_user, team=team, month=DECEMBER, amount=Decimal("900"))
    spend_policy.team_policy_update(user=admin_user, team=team, manager_limit=Decimal("300.00"))
    client = client_for(admin_user)
    page = client.get("/audit/").content.decode()
    assert page.index("Spend policy changed: Harbour") < page.index("Budget set: Harbour, December 2026")
    assert "Budget: 1000.00 → 900.00" in page
    assert "Manager limit: 100.00 → 300.00" in page
    assert 'href="/audit/"' in page  # in the admin's navigation
    filtered = client.get("/audit/?action=budget_set").content.decode()
    assert "Budget set: Harbour" in filtered
    assert "Spend policy changed: Harbour" not in filtered


def test_an_unknown_change_on_the_audit_page_is_said_and_every_change_is_shown(client_for, admin_user, team):
    team_budgets.budget_set(user=admin_user, team=team, month=DECEMBER, amount=Decimal("900"))
    response = client_for(admin_user).get("/audit/?action=no_such_change")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice. no_such_change is not one of the available choices." in page
    assert 'aria-invalid="true"' in page
    assert "Budget set: Harbour, December 2026" in page


def test_the_audit_page_is_paginated(client_for, admin_user, team):
    for amount in range(600, 625):
        team_budgets.budget_set(user=admin_user, team=team, month=DECEMBER, amount=Decimal(amount))
    client = client_for(admin_user)
    first = client.get("/audit/?action=budget_set").content.decode()
    assert "Budget: 623.00 → 624.00" in first
    assert "Page 1 of 2" in first
    second = client.get("/audit/?action=budget_set&page=2").content.decode()
    assert "Budget: 1000.00 → 600.00" in second


def test_staff_and_managers_have_no_audit_link(client_for, manager):
    assert 'href="/audit/"' not in client_for(manager).get("/").content.decode()


# --- The Django admin saves through the services ---------------------------------------


def test_a_budget_edited_in_the_admin_is_set_by_the_service_and_audited(client_for, admin_user, team):
    budget = team_budgets.budget_set(user=admin_user, team=team, month=DECEMBER, amount=Decimal("500"))
    client = client_for(admin_user)
    response = client.post(f"/admin/acts/budgetmonth/{budget.pk}/change/", {"budget": "750.00"})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.budget == Decimal("750.00")
    event = AuditEvent.objects.filter(action="budget_set").first()
    assert (event.actor, event.before, event.after) == (admin_user, {"budget": "500.00"}, {"budget": "750.00"})


def test_a_budget_below_committed_in_the_admin_is_refused_beside_the_field(client_for, admin_user, staff, team):
    log_act(staff, cost="40.00")
    budget = BudgetMonth.objects.get(team=team)
    response = client_for(admin_user).post(f"/admin/acts/budgetmonth/{budget.pk}/change/", {"budget": "10.00"})
    assert response.status_code == 200
    assert "$40.00 is already committed this month" in response.content.decode()
    budget.refresh_from_db()
    assert budget.budget == Decimal("1000.00")
    assert not AuditEvent.objects.filter(action="budget_set").exists()


def test_a_team_policy_edited_in_the_admin_is_audited(client_for, admin_user, team):
    response = client_for(admin_user).post(
        f"/admin/secondmile/team/{team.pk}/change/",
        {
            "monthly_budget": "1000.00",
            "empowerment_limit": "50.00",
            "manager_limit": "250.00",
            "receipt_required_above": str(team.receipt_required_above),
            "review_share": str(team.review_share),
            "reminder_hours": str(team.reminder_hours),
            "escalation_hours": str(team.escalation_hours),
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.manager_limit == Decimal("250.00")
    event = AuditEvent.objects.get(action="policy_changed")
    assert (event.actor, event.before, event.after) == (
        admin_user,
        {"manager_limit": "100.00"},
        {"manager_limit": "250.00"},
    )


def test_moving_someone_to_another_team_in_the_admin_is_audited(client_for, admin_user, staff):
    riverside = TeamFactory(name="Riverside")
    response = client_for(admin_user).post(
        f"/admin/secondmile/user/{staff.pk}/change/",
        {
            "username": staff.username,
            "first_name": "",
            "last_name": "",
            "email": staff.email,
            "team": riverside.pk,
            "role": "manager",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    staff.refresh_from_db()
    assert staff.team == riverside
    moved = AuditEvent.objects.get(action="team_changed")
    assert (moved.actor, moved.before, moved.after) == (admin_user, {"team": "Harbour"}, {"team": "Riverside"})
    role = AuditEvent.objects.get(action="role_changed", actor=admin_user)
    assert (role.before, role.after) == ({"role": "staff"}, {"role": "manager"})


def test_the_audit_log_is_read_only_in_the_admin(client_for, admin_user, team):
    team_budgets.budget_set(user=admin_user, team=team, month=DECEMBER, amount=Decimal("900"))
    event = AuditEvent.objects.get(action="budget_set")
    client = client_for(admin_user)
    assert client.get("/admin/secondmile/auditevent/").status_code == 200
    assert client.get("/admin/secondmile/auditevent/add/").status_code == 403
    assert client.post(f"/admin/secondmile/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_audit_page_does_not_grow_with_events(client_for, admin_user, team, other_team, django_assert_num_queries):
    client = client_for(admin_user)
    team_budgets.budget_set(user=admin_user, team=team, month=DECEMBER, amount=Decimal("900"))
    one = page_queries(client, "/audit/")
    for index, each in enumerate([team, other_team] * 6):
        team_budgets.budget_set(user=admin_user, team=each, month=DECEMBER, amount=Decimal(700 + index))
        spend_policy.team_policy_update(user=admin_user, team=each, manager_limit=Decimal(200 + index))
    with django_assert_num_queries(one):
        page = client.get("/audit/").content.decode()
    assert page.count("<tr>") == 1 + 20  # the header and a page of twenty
