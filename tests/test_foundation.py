"""Settings, roles, login, health check and the demo data command."""

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.utils import OperationalError

from acts.models import Act
from secondmile.models import User

pytestmark = pytest.mark.django_db


def test_role_groups_come_from_the_migration_with_permissions():
    groups = {group.name: group for group in Group.objects.prefetch_related("permissions")}
    assert {"staff", "manager", "admin"} <= set(groups)
    codenames = {role: {p.codename for p in group.permissions.all()} for role, group in groups.items()}
    assert "add_act" in codenames["staff"]
    assert "decide_spend" not in codenames["staff"]
    assert "decide_spend" in codenames["manager"]
    assert "moderate_story" in codenames["admin"]
    assert "moderate_story" not in codenames["manager"]


def test_security_settings():
    assert not settings.DEBUG
    assert "*" not in settings.ALLOWED_HOSTS
    assert settings.SECURE_CSP["script-src"] == ["'self'", "<CSP_NONCE_SENTINEL>"]
    assert settings.SECURE_CSP["object-src"] == ["'none'"]
    assert settings.AUTH_USER_MODEL == "secondmile.User"


def test_pages_carry_a_strict_csp_with_a_nonce(client, staff):
    client.force_login(staff)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert "base-uri 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_login_and_logout(client, staff):
    from tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"username": "ana", "password": "wrong"})
    assert "do not match" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_navigation_shows_each_role_its_links(client, staff, manager, admin_user):
    def nav(user):
        client.force_login(user)
        return client.get("/").content.decode().split('aria-label="Main"')[1].split("</nav>")[0]

    assert "Approvals" not in nav(staff)
    assert "Approvals" in nav(manager)
    assert "Policy" not in nav(manager)
    assert "Policy" in nav(admin_user)


def test_profile_shows_team_and_role_and_makes_tokens(client, staff):
    client.force_login(staff)
    page = client.get("/accounts/profile/").content.decode()
    assert "Harbour" in page
    assert "Staff" in page
    page = client.post("/accounts/profile/tokens/", {"name": "Helpdesk"}, follow=True).content.decode()
    assert "Copy it now" in page
    token = staff.api_tokens.get()
    assert token.key_hash not in page
    assert client.get("/accounts/profile/").content.decode().count('id="new-token"') == 0
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert not staff.api_tokens.exists()


def test_healthz_503_when_the_database_is_unreachable(client):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor",
                    side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_policy_page_edits_limits_and_a_months_budget(client, admin_user, team):
    client.force_login(admin_user)
    response = client.post(f"/team/policy/?team={team.pk}", {
        "form": "policy", "monthly_budget": "800", "empowerment_limit": "40", "manager_limit": "30",
        "receipt_required_above": "75", "review_share": "0.2",
    })
    assert "cannot be below the empowerment limit" in response.content.decode()
    team.refresh_from_db()
    assert team.empowerment_limit == 50
    client.post(f"/team/policy/?team={team.pk}", {
        "form": "policy", "monthly_budget": "800", "empowerment_limit": "40", "manager_limit": "120",
        "receipt_required_above": "75", "review_share": "0.2",
    })
    team.refresh_from_db()
    assert (team.empowerment_limit, team.manager_limit) == (40, 120)
    response = client.post(f"/team/policy/?team={team.pk}",
                           {"form": "budget", "month": "2026-12", "budget": "1500"}, follow=True)
    assert "budget for December 2026 is now $1,500.00" in response.content.decode()


def test_seed_demo_refuses_without_debug_unless_forced():
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo", force=True)
    acts = Act.objects.count()
    users = User.objects.count()
    call_command("seed_demo", force=True)
    assert Act.objects.count() == acts
    assert User.objects.count() == users
    assert acts >= 60
    output = capsys.readouterr().out
    assert "secondmile-demo" in output
    for username in ("staff", "manager", "admin"):
        assert User.objects.get(username=username).check_password("secondmile-demo")
    assert User.objects.get(username="staff").team == User.objects.get(username="manager").team
    assert User.objects.get(username="river_staff").team != User.objects.get(username="staff").team
    assert Act.objects.filter(status="pending_approval", approval_level="manager").exists()
    assert Act.objects.filter(status="pending_approval", approval_level="admin").exists()
