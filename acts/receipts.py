"""Receipts: what a delivered act's receipt may be (read from its first bytes, not its
name), and how large; and moving the files between storages, for the switch from one
server's disk to object storage (manage.py move_receipts)."""

import enum

from django.conf import settings
from django.core.files.storage import Storage

from core import errors

RECEIPT_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


RECEIPT_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}


def receipt_content_type(upload) -> str:
    """The receipt's type read from its first bytes, or InvalidInput if it is not one we take."""
    if upload.size > settings.SECONDMILE["RECEIPT_MAX_BYTES"]:
        raise errors.InvalidInput(errors.MSG_RECEIPT_TOO_LARGE, field="receipt")
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    for magic, content_type in RECEIPT_TYPES.items():
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise errors.InvalidInput("A receipt is an image (PNG, JPEG, GIF, WebP) or a PDF.", field="receipt")


# --- Moving between storages: a receipt keeps its name, so the act's row does not change.


class Moved(enum.StrEnum):
    MOVED = "moved"
    ALREADY_THERE = "already there"
    MISSING = "missing"
    CONFLICT = "conflict"


def receipt_move(*, name: str, source: Storage, target: Storage, keep_source: bool = False) -> Moved:
    """Copy one receipt from `source` to `target` under the same name, then delete it from
    `source` (unless `keep_source`) once the copy has its size.

    Safe to repeat: a receipt already in `target` with the source's size (or no longer in
    `source`) is left as it is. A file of another size under that name in `target` is a
    conflict and neither copy is touched; a receipt in neither storage is missing.
    """
    in_source = source.exists(name)
    in_target = target.exists(name)
    if not in_source:
        return Moved.ALREADY_THERE if in_target else Moved.MISSING
    size = source.size(name)
    if in_target:
        if target.size(name) != size:
            return Moved.CONFLICT
        outcome = Moved.ALREADY_THERE
    else:
        with source.open(name, "rb") as content:
            saved_as = target.save(name, content)
        if saved_as != name or target.size(name) != size:
            # Another file took the name meanwhile, or the copy is short: keep the original.
            return Moved.CONFLICT
        outcome = Moved.MOVED
    if not keep_source:
        source.delete(name)
    return outcome
