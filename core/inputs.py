"""Untrusted input, made safe in one place: ids from query strings and forms, text
without control characters, and user text on its way into a mail header."""

import re
from typing import Annotated

from pydantic import BeforeValidator

# Digits only, and few enough to fit a 64-bit primary key: `str.isdigit` also says yes
# to "²" (which int() refuses) and to 30 digits (which the database refuses).
_ID = re.compile(r"[0-9]{1,18}")

# C0 control characters and DEL, except tab, line feed and carriage return: PostgreSQL
# refuses NUL in text, and none of them means anything in a name, a note or a story.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What may not reach a mail header: line breaks (which would start a new header) as well.
_HEADER_BREAKERS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


# An API list filter where empty means "any", as absent does: `?status=` lists everything.
BlankIsAny = Annotated[str | None, BeforeValidator(lambda value: value or None)]


def id_parse(value) -> int | None:
    """The object id a query string or form names, or None when it names none."""
    text = str(value if value is not None else "").strip()
    return int(text) if _ID.fullmatch(text) else None


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def header_text(text: str) -> str:
    """`text` made fit for a mail header (a subject): every run of line breaks and control
    characters becomes one space, so a customer called "Ana\\nBcc: x" cannot add a header."""
    return _HEADER_BREAKERS.sub(" ", str(text)).strip()


def fields_of(data, *names: str) -> dict:
    """The named fields of a form's cleaned data (or of an API payload, `dict(payload)`), as
    keywords for the service whose arguments have the same names."""
    return {name: data[name] for name in names}
