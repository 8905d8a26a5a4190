"""Every summary the dashboard reads, rewritten from the rows: what `rebuild_summaries` runs
after a bulk load, and what the demo runs once after loading through the services with their
per-change refresh deferred (acts.services.summaries_deferred)."""

from dataclasses import dataclass

from acts import approval_waits, playbook, summaries
from core import points_to_date
from customers import advocates, referral_days
from stories import act_chain, outcome_days


@dataclass(frozen=True)
class Rebuilt:
    team_days: int
    waits: int
    outcomes: int
    lineage: int
    points: int
    chains: int
    searchable: int


def summaries_rebuild() -> Rebuilt:
    """Rewrite them all, one table after another; returns how many rows each wrote."""
    return Rebuilt(
        team_days=summaries.rebuild(),
        waits=approval_waits.rebuild(),
        outcomes=outcome_days.rebuild() + referral_days.rebuild(),
        lineage=advocates.rebuild(),
        points=points_to_date.rebuild(),
        chains=act_chain.rebuild(),
        searchable=playbook.playbook_rebuild(),
    )
