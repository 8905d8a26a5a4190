"""The histories and the audit log are append-only in the database itself: UPDATE,
DELETE and (PostgreSQL) TRUNCATE are refused, whoever runs them."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from acts.models import ActEvent
from core.models import AuditEvent
from stories import services as story_services
from stories.models import StoryEvent
from tests.factories import UserFactory, log_act

pytestmark = pytest.mark.django_db

TABLES = {ActEvent: "the act history", StoryEvent: "the story history", AuditEvent: "the audit log"}


@pytest.fixture
def rows(staff, admin_user, customer):
    log_act(staff, cost="0")
    story_services.story_record(user=staff, customer=customer, channel="review", text="Lovely.")
    AuditEvent.objects.create(
        actor=admin_user,
        action="budget_set",
        team=staff.team,
        target_type="budget month",
        target_id=1,
        after={"budget": "900.00"},
    )
    return {model: model.objects.count() for model in TABLES}


@pytest.mark.parametrize("model", TABLES, ids=lambda model: model.__name__)
def test_update_and_delete_are_refused(rows, model):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        model.objects.all().update(at="2020-01-01T00:00:00Z")
    with pytest.raises(IntegrityError, match=f"{TABLES[model]} is append-only"), transaction.atomic():
        model.objects.all().delete()
    # A DELETE of every row (SQLite's "truncate optimisation" skips row triggers unless
    # the table has a DELETE trigger) and, on PostgreSQL, TRUNCATE.
    table = connection.ops.quote_name(model._meta.db_table)
    statements = [f"DELETE FROM {table}"]
    if connection.vendor == "postgresql":
        # The rows' deferred foreign-key checks would block TRUNCATE before the trigger.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        statements.append(f"TRUNCATE {table} CASCADE")
    for sql in statements:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert model.objects.count() == rows[model] >= 1


@pytest.mark.django_db(transaction=True)
def test_the_test_suites_flush_empties_them_and_leaves_them_guarded(rows, staff):
    """Transactional tests end with Django's flush (TRUNCATE on PostgreSQL, DELETE on
    SQLite), which suspends the triggers in its own transaction (tests/history_flush.py)."""
    assert all(rows.values())
    call_command("flush", verbosity=0, interactive=False)
    assert ActEvent.objects.count() == StoryEvent.objects.count() == AuditEvent.objects.count() == 0
    log_act(UserFactory(username="again"), cost="0")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ActEvent.objects.all().delete()
    assert ActEvent.objects.count() == 1
