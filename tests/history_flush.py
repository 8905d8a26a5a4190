"""The test suite's way past the append-only triggers (secondmile/db.py), for its flush.

Transactional tests empty every table after each test (PostgreSQL: TRUNCATE, SQLite:
DELETE), which the triggers refuse. `append_only_suspended` turns them off inside the
flush's own transaction and back on before it commits: PostgreSQL disables and enables
them (ALTER TABLE ... DISABLE TRIGGER, as the table's owner); SQLite, which cannot disable
a trigger, drops each and creates it again from its stored SQL. The triggers themselves
have no switch the app could flip.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations

from core.db import TRIGGER_INFIX

_flush = BaseDatabaseOperations.execute_sql_flush


@contextmanager
def append_only_suspended(connection):
    qn = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks still pending would block ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
                " WHERE NOT tgisinternal AND position(%s in tgname) > 0",
                [TRIGGER_INFIX],
            )
            triggers = cursor.fetchall()
            for table, name in triggers:
                cursor.execute(f"ALTER TABLE {qn(table)} DISABLE TRIGGER {qn(name)}")
            yield
            for table, name in triggers:
                cursor.execute(f"ALTER TABLE {qn(table)} ENABLE TRIGGER {qn(name)}")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND instr(name, %s) > 0",
                [TRIGGER_INFIX],
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {qn(name)}")
            yield
            for _name, sql in triggers:
                cursor.execute(sql)
        else:
            yield


def execute_sql_flush(self, sql_list):
    with append_only_suspended(self.connection):
        _flush(self, sql_list)
