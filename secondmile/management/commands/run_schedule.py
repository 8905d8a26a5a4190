"""Keep the schedule (secondmile/schedule.py): enqueue each scheduled task at its time.

One process beside the workers (`make run` starts it); `--once` runs one tick, for a
cron line or a test.
"""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from secondmile.schedule import schedule_tick


class Command(BaseCommand):
    help = "Enqueue the scheduled tasks (reminders, digest, mail retries, pruning) at their times."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one tick and stop.")
        parser.add_argument("--interval", type=float, default=20.0, help="Seconds between ticks (default 20).")

    def handle(self, *, once: bool, interval: float, verbosity: int, **options):
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        if not once:
            signal.signal(signal.SIGINT, stop)
            signal.signal(signal.SIGTERM, stop)
            if verbosity:
                self.stdout.write(f"Keeping the schedule, a tick every {interval:g} s (Ctrl-C stops).")
        while running:
            close_old_connections()
            for name in schedule_tick():
                if verbosity:
                    self.stdout.write(f"Enqueued {name}")
            if once:
                return
            slept = 0.0
            while running and slept < interval:
                time.sleep(0.5)
                slept += 0.5
