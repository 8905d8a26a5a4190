"""Makes the act history append-only in the database itself.

PostgreSQL refuses UPDATE and DELETE of a history row; SQLite refuses UPDATE
(its test teardown empties tables with DELETE, which a trigger would block).
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION acts_actevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the act history is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER acts_actevent_append_only
    BEFORE UPDATE OR DELETE ON acts_actevent
    FOR EACH ROW EXECUTE FUNCTION acts_actevent_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS acts_actevent_append_only ON acts_actevent;
DROP FUNCTION IF EXISTS acts_actevent_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER acts_actevent_append_only BEFORE UPDATE ON acts_actevent
BEGIN SELECT RAISE(ABORT, 'the act history is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS acts_actevent_append_only;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("acts", "0002_act_links")]

    operations = [migrations.RunPython(forwards, backwards)]
