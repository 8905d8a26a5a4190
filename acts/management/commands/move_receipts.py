"""manage.py move_receipts: move the receipts kept on this server's disk (MEDIA_ROOT) to the
configured storage (object storage once AWS_STORAGE_BUCKET_NAME is set). Safe to run again:
what is already moved is skipped, so an interrupted run is finished by running it once more."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError

from acts import selectors
from acts.receipts import Moved, receipt_move
from core.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Move receipts from the local filesystem (MEDIA_ROOT) to the configured storage, "
        "keeping their names. Run it again at any time: receipts already moved are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default=str(settings.MEDIA_ROOT),
            help="the folder the receipts are in now (default: MEDIA_ROOT)",
        )
        parser.add_argument(
            "--keep-local",
            action="store_true",
            help="leave the local copies in place after copying them",
        )

    def handle(self, *args, source, keep_local, **options):
        source_storage = FileSystemStorage(location=source)
        target = storages["default"]
        if isinstance(target, FileSystemStorage) and Path(target.location).resolve() == Path(source).resolve():
            raise CommandError(
                f"Receipts are stored in {source} already. Set AWS_STORAGE_BUCKET_NAME (and the other "
                "AWS_* settings) to move them to object storage."
            )
        receipts = list(selectors.receipt_names())
        if not receipts:
            self.stdout.write("No act has a receipt: nothing to move.")
            return
        counts = dict.fromkeys(Moved, 0)
        problems = []
        progress = ProgressBar(self.stderr, len(receipts))
        for done, (act_id, name) in enumerate(receipts, start=1):
            outcome = receipt_move(name=name, source=source_storage, target=target, keep_source=keep_local)
            counts[outcome] += 1
            if outcome == Moved.MISSING:
                problems.append(f"act {act_id}: {name} is in neither storage")
            elif outcome == Moved.CONFLICT:
                problems.append(f"act {act_id}: {name} differs between the two storages; both copies kept")
            progress.show(done)
        self.stdout.write(
            f"Moved {counts[Moved.MOVED]} receipts, {counts[Moved.ALREADY_THERE]} were there already "
            f"({len(receipts)} in all)."
        )
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} receipts could not be moved: see above.")
