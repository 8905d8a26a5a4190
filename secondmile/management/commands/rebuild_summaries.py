"""`python manage.py rebuild_summaries`: rewrite the dashboard's day summaries from the rows."""

import time

from django.core.management.base import BaseCommand

from secondmile.summaries_rebuild import summaries_rebuild


class Command(BaseCommand):
    help = (
        "Rewrite every per-team, per-day summary the dashboard reads: the acts' totals, the "
        "approval waits, the outcomes (stories, referrals, NPS, recovery), the referral lineage, the "
        "points, the act chains and (SQLite) the playbook's search index. The services "
        "keep them up to date; run this after loading or changing rows in bulk."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        done = summaries_rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Summarised {done.team_days:,} team-days of acts, {done.waits:,} team-day waits and "
                f"{done.outcomes:,} team-days of outcomes, {done.lineage:,} referral lineage and customer-day "
                f"rows, {done.points:,} running points totals and {done.chains:,} act-chain customers, and "
                f"indexed {done.searchable:,} acts' problems for the playbook "
                f"(SQLite) in {time.perf_counter() - started:.1f} s."
            )
        )
