"""Settings, roles, login, health check and the demo data command."""

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.utils import OperationalError

from acts.models import Act
from core.models import OutgoingMail, User
from tests.manage_process import manage_on

pytestmark = pytest.mark.django_db

# The policy form's answers, all valid: 40 for anyone, up to 120 for a manager.
POLICY = {
    "form": "policy",
    "monthly_budget": "800",
    "empowerment_limit": "40",
    "manager_limit": "120",
    "receipt_required_above": "75",
    "review_share": "0.2",
    "reminder_hours": "24",
    "escalation_hours": "48",
}


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
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_policy_page_edits_limits_and_a_months_budget(client, admin_user, team):
    client.force_login(admin_user)
    response = client.post(
        f"/team/policy/?team={team.pk}",
        {**POLICY, "manager_limit": "30"},
    )
    assert "cannot be below the empowerment limit" in response.content.decode()
    team.refresh_from_db()
    assert team.empowerment_limit == 50
    client.post(
        f"/team/policy/?team={team.pk}",
        POLICY,
    )
    team.refresh_from_db()
    assert (team.empowerment_limit, team.manager_limit) == (40, 120)
    policy = {key: value for key, value in POLICY.items() if not key.endswith("_hours")}
    response = client.post(f"/team/policy/?team={team.pk}", {**policy, "reminder_hours": "12", "escalation_hours": "6"})
    assert "Send to the admins no sooner than the reminder" in response.content.decode()
    client.post(f"/team/policy/?team={team.pk}", {**policy, "reminder_hours": "12", "escalation_hours": "36"})
    team.refresh_from_db()
    assert (team.reminder_hours, team.escalation_hours) == (12, 36)
    response = client.post(
        f"/team/policy/?team={team.pk}", {"form": "budget", "month": "2026-12", "budget": "1500"}, follow=True
    )
    assert "budget for December 2026 is now $1,500.00" in response.content.decode()


def test_seed_demo_refuses_without_debug_unless_forced():
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")


@pytest.mark.django_db(transaction=True)
def test_seed_demo_mails_nobody(mailoutbox):
    """The demo's requests and decisions would mail their demo people when the seed's
    transaction really commits; the seed sends nothing."""
    call_command("seed_demo", force=True)
    assert Act.objects.filter(status="pending_approval").exists()
    assert mailoutbox == []
    assert not OutgoingMail.objects.exists()


# --- Settings read in a fresh process ---------------------------------------------


def _settings_in_subprocess(**environment):
    import os
    import subprocess
    import sys

    env = {
        key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    # No .env file either: only what the test gives counts.
    env.update({"ENV_FILE": "/dev/null", "DJANGO_SETTINGS_MODULE": "secondmile.settings", **environment})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = _settings_in_subprocess(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
    result = _settings_in_subprocess(DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_secret_key_given_or_debug_on_starts():
    result = _settings_in_subprocess(DEBUG="0", SECRET_KEY="a-real-secret")
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout
    result = _settings_in_subprocess(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


# --- The roles migration runs both ways ---------------------------------------------


def test_the_roles_migration_reverses_and_applies_again():
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migration = import_module("core.migrations.0002_role_groups")
    assert migration.Migration.operations[0].reversible
    # The apps as they were at that migration, as `migrate` hands them to it.
    state_apps = MigrationExecutor(connection).loader.project_state(("secondmile", "0002_role_groups")).apps
    names = ["staff", "manager", "admin"]

    migration.remove_role_groups(state_apps, None)
    assert not Group.objects.filter(name__in=names).exists()

    migration.create_role_groups(state_apps, None)
    # The grants as that migration froze them (later migrations move models between apps
    # with their content types; tests/core/test_layout_migration.py follows them).
    for role, perms in migration.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = set(group.permissions.values_list("content_type__app_label", "codename"))
        assert granted == set(perms), role
    # Applying twice keeps one group per role.
    migration.create_role_groups(state_apps, None)
    assert Group.objects.filter(name__in=names).count() == 3


def test_migrate_secondmile_back_to_0001_and_forward_again(tmp_path):
    """The real migrations, down and up, on a database of their own (a fresh process and
    SQLite file, so the test database the other tests share is never rolled back)."""
    manage = manage_on(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")

    groups = "from django.contrib.auth.models import Group; print(sorted(Group.objects.values_list('name', flat=True)))"
    manage("migrate", "--no-input", "-v", "0")
    assert manage("shell", "-c", groups) == "['admin', 'manager', 'staff']"
    manage("migrate", "secondmile", "0001_initial", "--no-input", "-v", "0")
    assert manage("shell", "-c", groups) == "[]"
    manage("migrate", "--no-input", "-v", "0")
    assert manage("shell", "-c", groups) == "['admin', 'manager', 'staff']"
    permissions = (
        "from django.contrib.auth.models import Group; "
        "print(Group.objects.get(name='manager').permissions.filter(codename='decide_spend').exists())"
    )
    assert manage("shell", "-c", permissions) == "True"


# --- Every person has a team and one role, also in the Django admin ---------------


def _change_data(user, **changes):
    """What the Django admin's change form posts for `user`, with changes."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "team": user.team_id or "",
        "role": str(user.role),
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_sets_a_role_through_the_same_service(client, admin_user, staff):
    from django.contrib.auth.models import Group as G

    client.force_login(admin_user)
    url = f"/admin/secondmile/user/{staff.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="role"' in page
    assert 'name="groups"' not in page
    # An admin cannot make anyone a superuser, nor hand out single permissions.
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page

    response = client.post(url, _change_data(staff, role="admin"))
    assert response.status_code == 302, response.content.decode()[:2000]
    staff = User.objects.get(pk=staff.pk)
    assert [g.name for g in staff.groups.all()] == ["admin"]
    assert staff.is_staff
    assert not staff.is_superuser

    client.post(url, _change_data(staff, role="manager"))
    staff = User.objects.get(pk=staff.pk)
    assert [g.name for g in staff.groups.all()] == ["manager"]
    assert not staff.is_staff  # no longer reaches the Django admin
    assert G.objects.get(name="admin").user_set.filter(pk=staff.pk).count() == 0


def test_admin_form_requires_a_team_except_for_superusers(client, admin_user, staff):
    client.force_login(admin_user)
    response = client.post(f"/admin/secondmile/user/{staff.pk}/change/", _change_data(staff, team=""))
    assert response.status_code == 200
    assert "Every person belongs to a team: choose one." in response.content.decode()
    assert User.objects.get(pk=staff.pk).team_id == staff.team_id

    root = User.objects.create_superuser("root", "root@example.com", "x-pass-123")
    client.force_login(root)
    response = client.post(
        f"/admin/secondmile/user/{root.pk}/change/", _change_data(root, team="", is_superuser="on", is_staff="on")
    )
    assert response.status_code == 302
    assert User.objects.get(pk=root.pk).team_id is None


def test_admin_adds_a_person_with_a_team_and_a_role(client, admin_user, team):
    client.force_login(admin_user)
    assert client.get("/admin/secondmile/user/add/").status_code == 200
    data = {
        "username": "newbie",
        "usable_password": "true",
        "password1": "a-long-pass-9173",
        "password2": "a-long-pass-9173",
        "role": "manager",
    }
    response = client.post("/admin/secondmile/user/add/", data)
    assert "Every person belongs to a team: choose one." in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()

    response = client.post("/admin/secondmile/user/add/", {**data, "team": team.pk})
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert newbie.team == team
    assert newbie.role == "manager"
    assert [g.name for g in newbie.groups.all()] == ["manager"]


def test_an_admin_cannot_change_a_superuser(client, admin_user):
    root = User.objects.create_superuser("root", "root@example.com", "x-pass-123")
    client.force_login(admin_user)
    response = client.post(f"/admin/secondmile/user/{root.pk}/change/", _change_data(root, email="x@evil.test"))
    assert response.status_code == 403
    assert User.objects.get(pk=root.pk).email == "root@example.com"
    assert client.get(f"/admin/secondmile/user/{root.pk}/password/").status_code == 403


# --- The demo admin is an ordinary admin ----------------------------------------------
