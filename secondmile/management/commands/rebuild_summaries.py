"""`python manage.py rebuild_summaries`: rewrite the dashboard's day summaries from the rows."""

import time

from django.core.management.base import BaseCommand

from acts import approval_waits, playbook, summaries
from core import points_to_date
from customers import advocates, referral_days
from stories import act_chain, outcome_days


class Command(BaseCommand):
    help = (
        "Rewrite every per-team, per-day summary the dashboard reads: the acts' totals, the "
        "approval waits, the outcomes (stories, referrals, NPS, recovery), the referral lineage, the "
        "points, the act chains and (SQLite) the playbook's search index. The services "
        "keep them up to date; run this after loading or changing rows in bulk."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = summaries.rebuild()
        waits = approval_waits.rebuild()
        outcomes = outcome_days.rebuild() + referral_days.rebuild()
        lineage = advocates.rebuild()
        points = points_to_date.rebuild()
        chains = act_chain.rebuild()
        searchable = playbook.playbook_rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Summarised {rows:,} team-days of acts, {waits:,} team-day waits and {outcomes:,} "
                f"team-days of outcomes, {lineage:,} referral lineage and customer-day rows, {points:,} "
                f"running points totals and {chains:,} act-chain customers, and indexed {searchable:,} "
                f"acts' problems for the playbook "
                f"(SQLite) in {time.perf_counter() - started:.1f} s."
            )
        )
