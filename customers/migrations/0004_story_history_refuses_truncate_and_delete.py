"""The story history refuses TRUNCATE on PostgreSQL and DELETE on SQLite too.

0003 wrote its triggers by hand: PostgreSQL refused UPDATE and DELETE (but not
TRUNCATE, which row triggers do not see), SQLite only UPDATE. This replaces them with
core.db.append_only's full set, the same for every append-only table.
"""

import importlib

from django.db import migrations

from core.db import append_only

handwritten = importlib.import_module("customers.migrations.0003_story_history_append_only")


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_story_history_append_only")]

    operations = [
        migrations.RunPython(handwritten.backwards, handwritten.forwards),
        append_only("customers_storyevent", "the story history is append-only"),
    ]
