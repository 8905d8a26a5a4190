"""Writing many rows of one model at once, for imports: the INSERT is written once per
statement from the model's columns and the values go in as plain parameters, instead
of `bulk_create` compiling every value of every row (about half a millisecond a row of
a customer, most of an import's time).

What `bulk_create` does that these do too: the database's own conversion of each value
(money, times, JSON; text and numbers go in as they are), as many rows a statement as the
database takes, `ignore_conflicts`, and for `objects_insert` the new ids set on the
objects (RETURNING, in the rows' order, as `bulk_create` reads them) with the objects
marked saved. What they leave to the caller: defaults and `auto_now_add` (the objects
are complete), and the signals, which `bulk_create` does not send either.
"""

from collections.abc import Callable, Sequence
from operator import attrgetter

from django.db import connections, models
from django.db.models.constants import OnConflict

ROWS_PER_STATEMENT = 1_000
_SEEN_LIMIT = 10_000
# Types whose value the database drivers take as Python gives it.
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "CharField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallAutoField",
    "SmallIntegerField",
    "TextField",
}


def _converter(field: models.Field, connection) -> Callable | None:
    """How a value of `field` becomes a parameter, or None when it goes in as it is."""
    target = field.target_field if field.is_relation else field
    if target.get_internal_type() in _AS_IS:
        return None

    if target.get_internal_type() == "JSONField":

        def convert_json(value):
            return field.get_db_prep_save(value, connection)

        return convert_json
    # Money and times repeat (one creation time for a batch, a few hundred prices): each
    # distinct value is converted once per statement's call.
    seen: dict = {}

    def convert(value):
        if value is None:
            return None
        try:
            return seen[value]
        except KeyError:
            if len(seen) >= _SEEN_LIMIT:
                seen.clear()
            converted = seen[value] = field.get_db_prep_save(value, connection)
            return converted

    return convert


def _unnest(fields: list[models.Field], connection) -> str | None:
    """On PostgreSQL, `UNNEST(%s::type[], ...)`: one array a column instead of a
    parameter a value, as bulk_create does there (far less for the driver to adapt and
    the server to plan); None where the plain VALUES list is used."""
    if connection.vendor != "postgresql" or any(hasattr(field, "get_placeholder_sql") for field in fields):
        return None
    types = []
    for field in fields:
        target = field.target_field if field.is_relation else field
        if target.get_internal_type() not in connection.data_types:
            return None
        types.append(f"(%s)::{field.db_type(connection).split('(')[0]}[]")
    return f"UNNEST({', '.join(types)})"


def rows_insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    ignore_conflicts: bool = False,
    returning: bool = False,
    using: str = "default",
) -> list:
    """INSERT `rows` (tuples of Python values in the order of `columns`, the fields'
    attnames: `team_id`) into `model`'s table in the caller's transaction. Returns the
    new primary keys in the rows' order when `returning`, else an empty list."""
    if not rows:
        return []
    connection = connections[using]
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    quote = connection.ops.quote_name
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    head = (
        f"{connection.ops.insert_statement(on_conflict=on_conflict)} {quote(meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
    )
    suffix = connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None) or ""
    if returning:
        suffix += f" RETURNING {quote(meta.pk.column)}"
    converters = [(index, convert) for index, field in enumerate(fields) if (convert := _converter(field, connection))]
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    unnest = _unnest(fields, connection)
    limit = connection.features.max_query_params  # None: no limit (PostgreSQL, client-side binding)
    per_statement = ROWS_PER_STATEMENT if limit is None else max(1, min(ROWS_PER_STATEMENT, limit // len(fields)))
    keys: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            if converters:
                converted = []
                for row in chunk:
                    values = list(row)
                    for index, convert in converters:
                        values[index] = convert(values[index])
                    converted.append(values)
                chunk = converted
            # Table and column names come from the model; every value is a parameter.
            if unnest is not None:
                params = [list(column) for column in zip(*chunk, strict=True)]
                cursor.execute(f"{head}SELECT * FROM {unnest} {suffix}", params)  # noqa: S608
            else:
                params = [value for row in chunk for value in row]
                cursor.execute(f"{head}VALUES {', '.join([one_row] * len(chunk))} {suffix}", params)
            if returning:
                keys.extend(key for (key,) in cursor.fetchall())
    return keys


def objects_insert(objects: Sequence[models.Model], *, using: str = "default") -> None:
    """INSERT unsaved objects of one model, every column as the objects hold it, and set
    their new ids; the objects are saved ones afterwards (as after `bulk_create`)."""
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    columns = [field.attname for field in meta.concrete_fields if not field.primary_key]
    values = attrgetter(*columns)
    rows = [values(obj) for obj in objects] if len(columns) > 1 else [(values(obj),) for obj in objects]
    keys = rows_insert(model, columns, rows, returning=True, using=using)
    for obj, key in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = using
