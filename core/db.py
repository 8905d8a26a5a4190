"""Migration operations the apps share: append-only tables, content types that follow a
moved model, and permissions granted to a role's group.

Append-only tables, enforced by the database itself.

`append_only(table, message)` is the migration operation that makes a table refuse
UPDATE, DELETE and TRUNCATE: the act and story histories and the audit log use it.
On PostgreSQL, a row trigger refuses UPDATE and DELETE and a statement trigger refuses
TRUNCATE (row triggers do not fire on TRUNCATE); on SQLite, which has no TRUNCATE (its
`DELETE FROM t` runs the DELETE trigger), triggers refuse UPDATE and DELETE. Both raise
an integrity error carrying `message`, so the app sees django.db.IntegrityError.

What this stops is a mistake or casual tampering through the app's own code: a role
that owns the tables can still drop the triggers. The test suite empties tables between
transactional tests by suspending these triggers inside its flush (tests/history_flush.py);
nothing in the app does.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STATEMENTS = ("UPDATE", "DELETE", "TRUNCATE")
# Every trigger this module makes is called "<table>_append_only_<statement>".
TRIGGER_INFIX = "_append_only_"


def trigger_name(table: str, statement: str) -> str:
    return f"{table}{TRIGGER_INFIX}{statement.lower()}"


def _function_name(table: str) -> str:
    return f"{table}_append_only_refuse"


def _literal(message: str) -> str:
    return "'" + message.replace("'", "''") + "'"


def _postgres_up(table: str, message: str) -> list[str]:
    function = _function_name(table)
    sql = [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION {_literal(message)} USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;""",
    ]
    for statement in STATEMENTS:
        level = "STATEMENT" if statement == "TRUNCATE" else "ROW"
        sql.append(
            f"CREATE TRIGGER {trigger_name(table, statement)} BEFORE {statement} ON {table} "
            f"FOR EACH {level} EXECUTE FUNCTION {function}();"
        )
    return sql


def _postgres_down(table: str) -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {trigger_name(table, s)} ON {table};" for s in STATEMENTS),
        f"DROP FUNCTION IF EXISTS {_function_name(table)}();",
    ]


def _sqlite_up(table: str, message: str) -> list[str]:
    return [
        f"CREATE TRIGGER {trigger_name(table, statement)} BEFORE {statement} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, {_literal(message)}); END;"
        for statement in ("UPDATE", "DELETE")
    ]


def _sqlite_down(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {trigger_name(table, s)};" for s in ("UPDATE", "DELETE")]


def append_only(table: str, message: str) -> migrations.RunPython:
    """The migration operation that makes `table` append-only (reversible)."""

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = {"postgresql": _postgres_up, "sqlite": _sqlite_up}.get(vendor)
        for sql in statements(table, message) if statements else ():
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = {"postgresql": _postgres_down, "sqlite": _sqlite_down}.get(vendor)
        for sql in statements(table) if statements else ():
            schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)


def content_types_move(old_label: str, new_label: str, models: list[str]) -> migrations.RunPython:
    """The migration operation that hands the content types of `models` from app
    `old_label` to `new_label` (reversible), for a model moved between apps with its
    table: its permissions, the groups that hold them and the admin's log follow it."""

    def move(apps, source: str, target: str) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not content_type.objects.filter(app_label=target, model=model).exists():
                content_type.objects.filter(app_label=source, model=model).update(app_label=target)

    return migrations.RunPython(
        lambda apps, schema_editor: move(apps, old_label, new_label),
        lambda apps, schema_editor: move(apps, new_label, old_label),
    )


def _permissions_made(apps, permissions: list[tuple[str, str]]) -> list:
    """The Permission rows of these (app_label, codename) pairs, made first if need be:
    Django normally makes permissions after all migrations, too late to grant them."""
    for label in {app_label for app_label, _ in permissions}:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    permission = apps.get_model("auth", "Permission")
    return [
        permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in permissions
    ]


def permissions_grant(group_name: str, permissions: list[tuple[str, str]]) -> migrations.RunPython:
    """The migration operation that grants `permissions` ((app_label, codename) pairs) to the
    group `group_name`, creating the group if it is missing; reversed, it takes them back
    (and leaves the group)."""

    def grant(apps, schema_editor):
        group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=group_name)
        group.permissions.add(*_permissions_made(apps, permissions))

    def revoke(apps, schema_editor):
        group = apps.get_model("auth", "Group").objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.remove(*_permissions_made(apps, permissions))

    return migrations.RunPython(grant, revoke)
