"""The playbook's full-text search on acts' problems (acts/playbook.py), one per database:

- PostgreSQL: a GIN index on to_tsvector('english', problem), the expression the
  playbook's query uses; the database keeps it up to date and builds it over existing rows.
- SQLite: the FTS5 table acts_playbook_fts (rowid = the act's id), filled here from every
  existing act; act_log keeps it in step afterwards.

Each half does nothing on the other database.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

FTS_TABLE = "acts_playbook_fts"
INDEX_NAME = "acts_act_problem_search"


def _gin_index():
    return GinIndex(SearchVector("problem", config="english"), name=INDEX_NAME)


def create_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_index(apps.get_model("acts", "Act"), _gin_index())
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(problem, tokenize = 'porter unicode61')"
        )
        schema_editor.execute(f"INSERT INTO {FTS_TABLE} (rowid, problem) SELECT id, problem FROM acts_act")  # noqa: S608


def drop_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("acts", "Act"), _gin_index())
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("acts", "0007_history_reminders")]

    operations = [migrations.RunPython(create_search, drop_search)]
