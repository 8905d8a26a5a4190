"""What every CSV import shares (customers/imports.py, core/people_import.py): the file's
text, its rows numbered by the line they start on, one refusal per field at fault and
the report a command prints and an admin page shows.

A file that cannot be read at all (not UTF-8, no header, a required column missing)
raises `ImportFileError`; a bad row is a `Refusal` and never stops the rows after it.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import errors
from .inputs import has_control_characters

MSG_NOT_UTF8 = "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."
MSG_EMPTY = "The file is empty: its first line should name the columns ({columns})."
MSG_MISSING_COLUMNS = "The file has no {missing} column. Its first line names the columns: {columns}."
MSG_UNKNOWN_COLUMNS = "The file has columns this import does not know: {unknown}. The columns are: {columns}."
MSG_UNREADABLE = "Line {line} cannot be read as CSV ({reason})."
MSG_EXTRA_VALUES = "This row has more values than the first line has columns."
MSG_CONTROL_CHARACTER = "This text holds a control character (such as NUL); remove it."
MSG_TOO_LONG = "At most {limit} characters."

# Large enough for any note a person writes; far below what would strain memory.
FIELD_SIZE_LIMIT = 100_000
EXTRA = "__extra__"


class ImportFileError(errors.InvalidInput):
    """The file as a whole cannot be imported; no row of it was read."""


@dataclass(frozen=True)
class Refusal:
    """One field of one row that keeps the row out: `line N: <field>: <message>`."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (or, as a preview, would do): rows imported, rows already
    there (same person or customer, in the database or earlier in the file), and the
    refusals of the rows kept out, in line order. `sample`: the first rows imported."""

    rows: int = 0
    imported: int = 0
    already_there: int = 0
    refused: list[Refusal] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)

    SAMPLE_SIZE = 10

    @property
    def refused_rows(self) -> int:
        return len({refusal.line for refusal in self.refused})

    @property
    def ok(self) -> bool:
        """Every row was imported or was already there."""
        return not self.refused

    def as_dict(self) -> dict:
        return {"rows": self.rows, "imported": self.imported, "already_there": self.already_there,
                "refused": self.refused_rows}  # fmt: skip


def plural(count: int, one: str, many: str) -> str:
    """ "1 row", "3 rows": a report's counts in words."""
    return f"{count} {one if count == 1 else many}"


def csv_text(data: bytes) -> str:
    """The file's text (UTF-8, with or without the byte-order mark spreadsheets write)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(MSG_NOT_UTF8, field="file") from None


def csv_rows(text: str, *, columns: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """The rows of `text` as (line it starts on, {column: value}), blank rows left out.

    The first line names the columns, in any order and case; each of `required` must be
    there and no column outside `columns`. Values are stripped; a missing one is "".
    A row with more values than columns gets them under EXTRA (a refusal for the caller).
    """
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""))
    listed = ", ".join(columns)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(MSG_UNREADABLE.format(line=1, reason=error), field="file") from None
    if not header or not any(cell.strip() for cell in header):
        raise ImportFileError(MSG_EMPTY.format(columns=listed), field="file")
    names = [cell.strip().lower().replace(" ", "_") for cell in header]
    missing = [name for name in required if name not in names]
    if missing:
        raise ImportFileError(MSG_MISSING_COLUMNS.format(missing=", ".join(missing), columns=listed), field="file")
    unknown = [name for name in names if name and name not in columns]
    if unknown:
        raise ImportFileError(MSG_UNKNOWN_COLUMNS.format(unknown=", ".join(unknown), columns=listed), field="file")
    rows = []
    starts_on = reader.line_num + 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                row = dict.fromkeys(columns, "")
                row.update((name, value.strip()) for name, value in zip(names, values, strict=False) if name)
                if len(values) > len(names) and any(value.strip() for value in values[len(names) :]):
                    row[EXTRA] = "yes"
                rows.append((starts_on, row))
            starts_on = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(MSG_UNREADABLE.format(line=starts_on, reason=error), field="file") from None
    return rows


def text_refusals(line: int, row: dict, limits: dict[str, int | None]) -> list[Refusal]:
    """The refusals every text field may earn: a control character, more than its limit."""
    refused = []
    if row.get(EXTRA):
        refused.append(Refusal(line, "row", MSG_EXTRA_VALUES))
    tainted = has_control_characters("".join(row.get(name, "") for name in limits))
    for name, limit in limits.items():
        value = row.get(name, "")
        if tainted and has_control_characters(value):
            refused.append(Refusal(line, name, MSG_CONTROL_CHARACTER))
        elif limit is not None and len(value) > limit:
            refused.append(Refusal(line, name, MSG_TOO_LONG.format(limit=limit)))
    return refused


def batches(rows: list, size: int) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
