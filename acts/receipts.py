"""Moving receipt files between storages, for the switch from one server's disk to object
storage (manage.py move_receipts). A receipt keeps its name, so the act's row does not change."""

import enum

from django.core.files.storage import Storage


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
