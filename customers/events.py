"""What an integration hears about customers: their webhook event,
with the customer as plain data, queued inside the write's transaction."""

from integrations.models import Event
from integrations.webhooks import webhook_event_emit


def _money(value) -> str | None:
    return None if value is None else str(value)


def customer_referred_emit(customer) -> None:
    """customer.referred: a customer was recorded as referred by another."""
    webhook_event_emit(
        event=Event.CUSTOMER_REFERRED,
        team_id=customer.team_id,
        data={
            "id": customer.pk,
            "name": customer.name,
            "team": customer.team_id,
            "referred_by": customer.referred_by_id,
            "referred_by_story": customer.referred_by_story_id,
            "first_purchase_value": _money(customer.first_purchase_value),
        },
    )
