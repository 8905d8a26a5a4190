"""Workers racing for one delivery on PostgreSQL: it is sent once.

Several workers share one queue; a retry and the sweep may enqueue the same delivery
twice. The lease taken by a conditional UPDATE lets exactly one of them send it.
"""

import pytest
from django.db import connection

from integrations import webhooks
from integrations.models import Event, WebhookAttempt, WebhookDelivery
from tests.concurrency import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.mark.usefixtures("private_allowed")
def test_eight_workers_taking_one_delivery_send_it_once(admin_user, receiver, queue):
    hook = receiver(200)
    webhooks.webhook_endpoint_create(user=admin_user, url=hook.url, events=["act.logged"], team_id=None)
    [delivery_id] = webhooks.webhook_event_emit(event=Event.ACT_LOGGED, team_id=None, data={"id": 1})

    queue.clear()  # the workers below take it, not the queue
    outcomes = run_at_once([lambda: webhooks.webhook_delivery_attempt(delivery_id=delivery_id)] * 8)

    assert sorted(result for _, result in outcomes) == ["delivered"] + ["not due"] * 7
    assert len(hook.requests) == 1
    assert WebhookAttempt.objects.count() == 1
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
