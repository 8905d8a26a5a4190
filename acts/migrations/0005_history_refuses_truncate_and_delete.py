"""The act history refuses TRUNCATE on PostgreSQL and DELETE on SQLite too.

0003 wrote its triggers by hand: PostgreSQL refused UPDATE and DELETE (but not
TRUNCATE, which row triggers do not see), SQLite only UPDATE. This replaces them with
core.db.append_only's full set, the same for every append-only table.
"""

import importlib

from django.db import migrations

from core.db import append_only

handwritten = importlib.import_module("acts.migrations.0003_history_append_only")


class Migration(migrations.Migration):
    dependencies = [("acts", "0004_actevent_waited")]

    operations = [
        migrations.RunPython(handwritten.backwards, handwritten.forwards),
        append_only("acts_actevent", "the act history is append-only"),
    ]
