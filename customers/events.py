"""What an integration hears about customers: their webhook event,
with the customer as plain data, queued inside the write's transaction."""

from integrations.models import Event
from integrations.webhooks import webhook_events_emit


def _money(value) -> str | None:
    return None if value is None else str(value)


def _referred_data(customer) -> dict:
    return {
        "id": customer.pk,
        "name": customer.name,
        "team": customer.team_id,
        "referred_by": customer.referred_by_id,
        "referred_by_story": customer.referred_by_story_id,
        "first_purchase_value": _money(customer.first_purchase_value),
    }


def customer_referred_emit(customer) -> None:
    """customer.referred: a customer was recorded as referred by another."""
    customers_referred_emit([customer])


def customers_referred_emit(customers) -> None:
    """customer.referred for each of several customers of one team (created at once)."""
    customers = list(customers)
    if customers:
        webhook_events_emit(
            event=Event.CUSTOMER_REFERRED,
            team_id=customers[0].team_id,
            data_list=[_referred_data(customer) for customer in customers],
        )
