"""What the two import commands share (`import_customers`, `import_people`): the team by
its name, the file's text, the progress bar on a terminal, the report and the exit code
(0: every row imported or already there; 2: a row was refused; 1: nothing could be
read)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from . import errors
from .csv_import import ImportReport, csv_text, plural
from .models import Team
from .progress import ProgressBar

REFUSED_EXIT_CODE = 2


class ImportCommand(BaseCommand):
    """A subclass names what it imports (`noun`) and runs it in `run_import`."""

    noun = "rows"
    # The system checks read every model and URL (a second or two of a large import's
    # CPU); `manage.py check` and every server start run them, as for `migrate`.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8; the first line names the columns)")
        parser.add_argument("--team", required=True, help="the team's name, as the admin shows it")
        parser.add_argument("--dry-run", action="store_true", help="check every row and report, saving nothing")

    def run_import(self, *, team: Team, text: str, dry_run: bool, progress) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args, file, team, dry_run, **options):
        found = Team.objects.filter(name=team).first() or Team.objects.filter(name__iexact=team).first()
        if found is None:
            names = ", ".join(Team.objects.order_by("name").values_list("name", flat=True)[:20])
            raise CommandError(f"There is no team called {team!r}. Teams: {names or 'none yet'}.")
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        bar: list[ProgressBar] = []

        def progress(done: int, total: int) -> None:
            if not bar:
                bar.append(ProgressBar(self.stdout, total, terminal_only=True))
            bar[0].show(done)

        started = time.perf_counter()
        try:
            report = self.run_import(team=found, text=csv_text(data), dry_run=dry_run, progress=progress)
        except errors.DomainError as error:
            raise CommandError(error.message) from None
        for refusal in report.refused:
            self.stderr.write(str(refusal))
        verb = "Would import" if dry_run else "Imported"
        summary = (
            f"{verb} {report.imported} {self.noun} into {found.name}; {report.already_there} already there; "
            f"{plural(report.refused_rows, 'row', 'rows')} refused (of {report.rows}), "
            f"in {time.perf_counter() - started:.1f} s."
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS(summary))
            return
        self.stdout.write(summary)
        raise CommandError(
            f"{plural(report.refused_rows, 'row was', 'rows were')} refused (listed above); nothing of them was saved. "
            "Fix them and run the same file again: rows already imported are skipped.",
            returncode=REFUSED_EXIT_CODE,
        )
