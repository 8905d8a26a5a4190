"""What an integration hears when an act moves: the webhook event of each transition,
with the act as plain data, queued inside the transition's transaction."""

from integrations.models import Event
from integrations.webhooks import webhook_event_emit

from .models import Act


def _money(value) -> str | None:
    return None if value is None else str(value)


def act_event_data(act: Act) -> dict:
    """The act as a webhook's `data`: ids, state and money (as decimal strings)."""
    return {
        "id": act.pk,
        "status": act.status,
        "approval_level": act.approval_level,
        "cost": _money(act.cost),
        "approved_amount": _money(act.approved_amount),
        "actual_cost": _money(act.actual_cost),
        "team": act.team_id,
        "customer": act.customer_id,
        "author": act.author_id,
        "decided_by": act.decided_by_id,
        "date": act.date.isoformat(),
        "quadrant": act.quadrant,
        "trigger": act.trigger,
        "kind": act.kind,
    }


def act_event_emit(act: Act, event: Event) -> None:
    webhook_event_emit(event=event, team_id=act.team_id, data=act_event_data(act))
