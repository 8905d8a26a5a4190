"""Makes the story history append-only in the database itself, as the act history is.

PostgreSQL refuses UPDATE and DELETE of a history row; SQLite refuses UPDATE
(its test teardown empties tables with DELETE, which a trigger would block). The
story and actor of a history row are PROTECTed, so deleting either is refused by
Django before the trigger would be.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION customers_storyevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the story history is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER customers_storyevent_append_only
    BEFORE UPDATE OR DELETE ON customers_storyevent
    FOR EACH ROW EXECUTE FUNCTION customers_storyevent_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS customers_storyevent_append_only ON customers_storyevent;
DROP FUNCTION IF EXISTS customers_storyevent_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER customers_storyevent_append_only BEFORE UPDATE ON customers_storyevent
BEGIN SELECT RAISE(ABORT, 'the story history is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS customers_storyevent_append_only;"


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
    dependencies = [
        ("customers", "0002_customer_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="storyevent",
            name="actor",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="storyevent",
            name="story",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="events",
                to="customers.story",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
