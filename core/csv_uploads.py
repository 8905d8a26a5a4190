"""The admin's CSV import in three steps: upload (the file is read and kept on the
server), preview (every row decided, nothing written), confirm (the kept file imported,
every row checked again). The importer is the same function the command calls
(`customers_import`, `people_import`), passed in by the admin of its app.
"""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from . import errors
from .csv_import import ImportReport, csv_text
from .models import CsvImport, Role, Team, User

Importer = Callable[..., ImportReport]

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
STALE_AFTER = datetime.timedelta(days=1)

MSG_ADMINS_ONLY = "Only admins import from a file."
MSG_TOO_LARGE = "At most 5 MB in one file here. For a larger one, ask whoever runs the server to use the command."
MSG_ALREADY_IMPORTED = "This file has been imported already."


def csv_import_upload(
    *, user: User, kind: str, team: Team, file_name: str, data: bytes, importer: Importer
) -> tuple[CsvImport, ImportReport]:
    """Keep an uploaded file for its preview, after a dry run of the import (so a file
    that cannot be read at all raises ImportFileError and is not kept). The uploader's
    unconfirmed files older than a day are dropped: they hold people's details."""
    if user.role != Role.ADMIN:
        raise errors.NotAllowed(MSG_ADMINS_ONLY)
    if len(data) > MAX_UPLOAD_BYTES:
        raise errors.InvalidInput(MSG_TOO_LARGE, field="file")
    text = csv_text(data)
    report = importer(user=user, team=team, text=text, dry_run=True)
    with transaction.atomic():
        CsvImport.objects.filter(
            uploaded_by=user, imported_at__isnull=True, uploaded_at__lt=timezone.now() - STALE_AFTER
        ).delete()
        upload = CsvImport.objects.create(
            kind=kind, team=team, uploaded_by=user, file_name=(file_name or "upload.csv")[:200], content=text
        )
    return upload, report


def csv_import_preview(*, user: User, upload: CsvImport, importer: Importer) -> ImportReport:
    """What confirming would do now: the kept file decided against today's rows."""
    if user.role != Role.ADMIN:
        raise errors.NotAllowed(MSG_ADMINS_ONLY)
    return importer(user=user, team=upload.team, text=upload.content, dry_run=True)


def csv_import_confirm(*, user: User, upload: CsvImport, importer: Importer) -> ImportReport:
    """Import the kept file (once: a second confirmation, a double click, is refused
    with Conflict). Every row is checked again as the import writes it; the counts are
    kept and the file's text emptied."""
    if user.role != Role.ADMIN:
        raise errors.NotAllowed(MSG_ADMINS_ONLY)
    claimed = CsvImport.objects.filter(pk=upload.pk, uploaded_by=user, imported_at__isnull=True).update(
        imported_at=timezone.now()
    )
    if not claimed:
        raise errors.Conflict(MSG_ALREADY_IMPORTED)
    report = importer(user=user, team=upload.team, text=upload.content, dry_run=False)
    CsvImport.objects.filter(pk=upload.pk).update(
        content="", imported=report.imported, already_there=report.already_there, refused=report.refused_rows
    )
    return report
