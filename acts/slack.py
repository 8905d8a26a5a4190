"""Acts in Slack: a request waiting for approval is posted to its team's Slack channel
with the three answers, the amount, the budget left and Approve / Open buttons."""

from django.conf import settings
from django.urls import reverse

from core.formatting import money
from integrations import slack

from . import selectors
from .models import Act, Status

QUESTIONS = (
    ("right_thing", "Is it the right thing to do?"),
    ("great_experience", "Will it make a great experience?"),
    ("how_they_know", "How will the customer know?"),
)


def approval_request_post(act_id: int) -> None:
    """After commit: enqueue the Slack post of a request that waits, if its team has a
    Slack channel and the request still waits."""
    act = Act.objects.select_related("team", "author", "customer").get(pk=act_id)
    if act.status != Status.PENDING_APPROVAL or not act.team.slack_webhook_url:
        return
    budget = selectors.budget_summary(team=act.team, month=act.date)
    asked = act.cost - (act.committed_amount or 0)
    message = slack.approval_request_message(
        act_id=act.pk,
        amount=money(act.cost),
        customer=str(act.customer),
        requester=act.author.display_name,
        solution=act.solution,
        answers=[(question, getattr(act, field)) for field, question in QUESTIONS],
        budget_left=money(budget["remaining"]),
        budget_left_after=money(budget["remaining"] - asked),
        open_url=f"{settings.SITE_URL}{reverse('acts:detail', args=[act.pk])}",
    )
    slack.slack_post.enqueue(act.team.slack_webhook_url, message)
