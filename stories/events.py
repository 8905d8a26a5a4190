"""What an integration hears about stories and NPS: their webhook events, with the
record as plain data, queued inside the write's transaction."""

from integrations.models import Event
from integrations.webhooks import webhook_event_emit


def story_event_emit(story, event: Event) -> None:
    """story.submitted / story.approved / story.featured."""
    webhook_event_emit(
        event=event,
        team_id=story.team_id,
        data={
            "id": story.pk,
            "status": story.status,
            "team": story.team_id,
            "customer": story.customer_id,
            "channel": story.channel,
            "told_on": story.told_on.isoformat(),
            "text": story.text if story.consent else "",
            "consent": story.consent,
            "url": story.url,
            "acts": sorted(story.acts.values_list("pk", flat=True)) if story.pk else [],
        },
    )


def nps_detractor_emit(response) -> None:
    """nps.detractor: a customer answered 0 to 6."""
    webhook_event_emit(
        event=Event.NPS_DETRACTOR,
        team_id=response.team_id,
        data={
            "id": response.pk,
            "team": response.team_id,
            "customer": response.customer_id,
            "score": response.score,
            "comment": response.comment,
            "date": response.date.isoformat(),
            "act": response.act_id,
        },
    )
