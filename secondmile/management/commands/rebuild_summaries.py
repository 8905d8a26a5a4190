"""`python manage.py rebuild_summaries`: rewrite the dashboard's day summaries from the acts."""

import time

from django.core.management.base import BaseCommand

from acts import summaries


class Command(BaseCommand):
    help = (
        "Rewrite every per-team, per-day summary the dashboard reads from the acts and their "
        "history. The services keep them up to date; run this after loading acts in bulk."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = summaries.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"Summarised {rows:,} team-days in {time.perf_counter() - started:.1f} s.")
        )
