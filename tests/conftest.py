"""Shared fixtures: a fixed cast of role users in two teams, and browser set-up."""

import os
import shutil

import pytest
from django.db import connection

from core.models import Role

from .factories import CustomerFactory, TeamFactory, UserFactory
from .queries import SMALL
from .queries import Team as QueryTeam


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_role_requires_mfa(settings):
    """Tests run with DEBUG off, where admins must use two-factor sign-in; most tests sign
    admins in with force_login and are not about that. tests/test_mfa.py turns it on."""
    settings.MFA_REQUIRED_ROLES = []


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Tasks run where they are enqueued (mail after commit, for one): what most tests
    mean. The tests of the queue itself (tests/queue/) use the database backend
    and a real worker."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate-limit counters live in the database cache table, which a transactional test's
    flush does not empty: clear it so that one test's counts never reach the next."""
    yield
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from django.core.cache import cache

        cache.clear()


@pytest.fixture
def team(db):
    return TeamFactory(name="Harbour")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Riverside")


@pytest.fixture
def staff(team):
    return UserFactory(username="ana", team=team, role=Role.STAFF)


@pytest.fixture
def staff2(team):
    return UserFactory(username="sam", team=team, role=Role.STAFF)


@pytest.fixture
def manager(team):
    return UserFactory(username="marcus", team=team, role=Role.MANAGER)


@pytest.fixture
def manager2(team):
    return UserFactory(username="mia", team=team, role=Role.MANAGER)


@pytest.fixture
def admin_user(team):
    return UserFactory(username="priya", team=team, role=Role.ADMIN)


@pytest.fixture
def other_staff(other_team):
    return UserFactory(username="rita", team=other_team, role=Role.STAFF)


@pytest.fixture
def other_manager(other_team):
    return UserFactory(username="omar", team=other_team, role=Role.MANAGER)


@pytest.fixture
def customer(team):
    return CustomerFactory(team=team, name="Elena Petrova")


@pytest.fixture
def other_customer(other_team):
    return CustomerFactory(team=other_team, name="Walter Hughes")


@pytest.fixture
def client_for(client):
    """Log the test client in as a user: `client_for(manager)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def grown_team(staff, manager, admin_user):
    """The team of the query-count tests (tests/queries.py), with SMALL rounds of everything."""
    grown = QueryTeam(staff=staff, manager=manager, admin=admin_user)
    grown.grow(SMALL)
    return grown


# --- Browser tests -----------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    # Row-lock tests prove something only on PostgreSQL (SQLite ignores select_for_update
    # and serialises writers): on any other database they are skipped, here once.
    if connection.vendor != "postgresql":
        needs_postgres = pytest.mark.skip(reason="row locks need PostgreSQL")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(needs_postgres)
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI runs the browser tests, but there is no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: install Debian's chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot_dir():
    from django.conf import settings

    path = settings.BASE_DIR / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- Append-only tables ------------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def _flush_past_append_only_triggers():
    """Transactional tests end with a flush that the history and audit triggers refuse:
    the flush suspends them in its own transaction (tests/history_flush.py)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from .history_flush import execute_sql_flush

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


# --- Object storage ----------------------------------------------------------------


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """An S3-compatible server (moto in server mode) for the whole run."""
    from .servers import ObjectStore

    store = ObjectStore(tmp_path_factory.mktemp("object-store"))
    yield store
    store.stop()


@pytest.fixture
def receipts_bucket(object_store, settings):
    """Receipts go to a fresh private bucket, as with AWS_STORAGE_BUCKET_NAME set."""
    bucket = object_store.bucket_new()
    settings.STORAGES = {**settings.STORAGES, "default": object_store.storage(bucket)}
    return bucket
