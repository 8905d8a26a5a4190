"""Per-team, per-day summaries of acts, kept up to date by the services.

The dashboard's summable figures (acts going ahead, proactive and reactive counts,
spend, empowered acts, decisions, counts by quadrant and kind) are sums over days, so
they are read from `DaySummary` — at most teams × days rows for a period, whatever the
number of acts — instead of from every act of the period. Each column is computed by
the aggregate expressions defined here (`act_aggregates`, `decision_aggregates`), which
the dashboard's figures (secondmile/dashboard/figures.py) use too, so a figure is defined once.

Keeping them right: `refresh_day(team_id, date)` recomputes one team-day's row from
that day's acts (a team logs a handful a day: a cheap, indexed query). Recomputing
rather than adding deltas means a row can never drift, whatever the transition did.

Where it is called: once at the end of each transaction block in acts/services.py
that creates an act or changes its status, amounts or approval level (log, approve,
decline, withdraw, deliver, deliver with a top-up, customer knows). Explicit calls
were chosen over a post_save signal on Act because (1) the call runs after the
transition's history row is written, so a figure defined from the history (decisions
with top-ups) is summarised from the final state of the transaction, whereas
post_save fires before that row exists; (2) it runs inside the same transaction as
the change, after the act and budget locks, so the lock order is always act → budget
→ summary (no deadlock); (3) a reader of a service sees that it maintains the
summary. No service changes an act's date or team, and the Django admin shows acts
read-only, so the act's (team, date) is the only row to refresh. Writes that bypass
the services (bulk_create, queryset.update) are followed by `manage.py
rebuild_summaries`.

Concurrency: two transactions changing acts of the same team-day would each recompute
from a snapshot missing the other's change. refresh_day therefore first locks the
row (INSERT … ON CONFLICT DO NOTHING, then SELECT … FOR UPDATE) and only then reads
the acts: under PostgreSQL's READ COMMITTED the second transaction waits for the
first to commit, and its read (a new statement, a new snapshot) sees the first's
change. SQLite serialises writers, so it cannot interleave at all.
"""

import datetime

from django.db import transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from core.money import MONEY_SUM as MONEY
from core.money import ZERO, cents

from .models import GOING_AHEAD, Act, ActEvent, DaySummary, Kind, Quadrant, Status, Trigger

# The acts that count: declined and withdrawn acts do not.
GOING = Q(status__in=GOING_AHEAD)


# --- Figures over the period's acts: one aggregate query ------------------------------


def acts_count() -> Count:
    """acts_count = COUNT(acts dated in the period WHERE status is going ahead).

    Going ahead: pending approval, approved, delivered, customer knows — declined and
    withdrawn acts do not count."""
    return Count("pk", filter=GOING)


def proactive_count() -> Count:
    """COUNT(acts going ahead WHERE trigger = proactive): the unprompted surprises."""
    return Count("pk", filter=GOING & Q(trigger=Trigger.PROACTIVE))


def reactive_count() -> Count:
    """COUNT(acts going ahead WHERE trigger = reactive): recoveries after a complaint."""
    return Count("pk", filter=GOING & Q(trigger=Trigger.REACTIVE))


def act_spend() -> Case:
    """One act's spend: actual_cost once delivered (delivered, customer knows), else
    approved_amount (approved); 0 while pending approval, and for declined or withdrawn."""
    return Case(
        When(
            status__in=[Status.DELIVERED, Status.CUSTOMER_KNOWS],
            then=Coalesce(F("actual_cost"), Value(ZERO), output_field=MONEY),
        ),
        When(status=Status.APPROVED, then=Coalesce(F("approved_amount"), Value(ZERO), output_field=MONEY)),
        default=Value(ZERO),
        output_field=MONEY,
    )


def spend_total() -> Coalesce:
    """spend_total = SUM(act_spend) over the acts going ahead in the period; 0.00 with none."""
    return Coalesce(Sum(act_spend(), filter=GOING), Value(ZERO), output_field=MONEY)


# --- Decisions: read from the acts' history, so that each decision counts once ---------
# An act's current fields forget earlier decisions: a declined top-up puts the act back to
# approved, and a top-up rewrites approval_level and requested_at. The history does not.

DECISIONS = [ActEvent.Action.APPROVED, ActEvent.Action.DECLINED]
# A request for approval: logged above the empowerment limit, or a higher cost at delivery.
REQUESTS = Q(action__in=[ActEvent.Action.REQUESTED, ActEvent.Action.MORE_REQUESTED]) | Q(
    action=ActEvent.Action.LOGGED, to_status=Status.PENDING_APPROVAL
)


def decision_aggregates() -> dict:
    """Counts over the history (ActEvent rows) of a set of acts:

    requests_decided_count = COUNT(approved or declined events): every decision a manager
    or an admin made, a first request and a top-up (a higher cost at delivery) each once;
    declined_count = COUNT(declined events), a declined top-up included;
    empowered_count = COUNT(acts going ahead whose logging approved them at once: no cost,
    or within the empowerment limit), whatever a later top-up did to their level."""
    return {
        "requests_decided_count": Count("pk", filter=Q(action__in=DECISIONS)),
        "declined_count": Count("pk", filter=Q(action=ActEvent.Action.DECLINED)),
        "empowered_count": Count(
            "pk", filter=Q(action=ActEvent.Action.LOGGED, to_status=Status.APPROVED, act__status__in=GOING_AHEAD)
        ),
    }


def act_aggregates() -> dict:
    """The counts and the spend over a set of acts, plus the acts going ahead by quadrant
    (`quadrant_<name>`) and by kind (`kind_<name>`), as aggregate expressions."""
    aggregates = {
        "acts_count": acts_count(),
        "proactive_count": proactive_count(),
        "reactive_count": reactive_count(),
        "spend_total": spend_total(),
    }
    for quadrant in Quadrant:
        aggregates[f"quadrant_{quadrant.value}"] = Count("pk", filter=GOING & Q(quadrant=quadrant))
    for kind in Kind:
        aggregates[f"kind_{kind.value}"] = Count("pk", filter=GOING & Q(kind=kind))
    return aggregates


BATCH = 2_000


def summed_fields(model=DaySummary) -> list[str]:
    """The summary's figure columns (everything but the id, team and date)."""
    return [f.name for f in model._meta.concrete_fields if f.name not in ("id", "team", "date")]


def _value(name: str, value):
    # SQLite sums money as a float-like number; the column keeps cents.
    if name == "spend_total":
        return cents(value)
    return value or 0


def _aggregates() -> tuple[dict, dict]:
    """(aggregates over acts, aggregates over their history rows)."""
    return act_aggregates(), decision_aggregates()


def refresh_day(team_id: int, date: datetime.date) -> None:
    """Recompute the team's summary row for `date` from its acts (every status) and their
    history, in the caller's transaction. Five small queries: create the row if missing,
    lock it, sum the day's acts through the (team, date) index, count their history rows,
    write the row."""
    on_acts, on_events = _aggregates()
    with transaction.atomic():
        DaySummary.objects.bulk_create([DaySummary(team_id=team_id, date=date)], ignore_conflicts=True)
        row = DaySummary.objects.select_for_update().get(team_id=team_id, date=date)
        totals = Act.objects.filter(team_id=team_id, date=date).order_by().aggregate(**on_acts)
        totals.update(ActEvent.objects.filter(act__team_id=team_id, act__date=date).order_by().aggregate(**on_events))
        for name in summed_fields():
            setattr(row, name, _value(name, totals[name]))
        row.save()


def rebuild(*, act_model=Act, event_model=ActEvent, summary_model=DaySummary) -> int:
    """Rewrite every summary row from the acts and their history: one GROUP BY (team,
    date) over the acts, one over the history rows joined to their acts, then bulk
    inserts. For bulk loads and existing data; run it while nobody logs acts (a service
    writing meanwhile may be overwritten by the rebuild's older snapshot; that day is
    right again at its next change or the next rebuild). Returns the number of rows
    written. The data migration passes its historical models."""
    names = summed_fields(summary_model)
    on_acts, on_events = _aggregates()
    if set(on_acts) | set(on_events) != set(names):
        raise RuntimeError("DaySummary's columns no longer match the figures above.")
    with transaction.atomic():
        days: dict[tuple[int, datetime.date], dict] = {}
        acts = (
            act_model.objects.order_by()
            .values("team_id", "date")
            .annotate(**on_acts)
            .values_list("team_id", "date", *on_acts)
        )
        for team_id, date, *values in acts.iterator(chunk_size=BATCH):
            days[(team_id, date)] = dict(zip(on_acts, values, strict=True))
        events = (
            event_model.objects.order_by()
            .values("act__team_id", "act__date")
            .annotate(**on_events)
            .values_list("act__team_id", "act__date", *on_events)
        )
        for team_id, date, *values in events.iterator(chunk_size=BATCH):
            days.setdefault((team_id, date), {}).update(zip(on_events, values, strict=True))
        summary_model.objects.all().delete()
        rows = [
            summary_model(team_id=team_id, date=date, **{name: _value(name, totals.get(name)) for name in names})
            for (team_id, date), totals in days.items()
        ]
        summary_model.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
