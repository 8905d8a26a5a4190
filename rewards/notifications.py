"""The mails about redemptions: a new request for the team's managers, and each decision
for the person who asked. Each runs in the worker (enqueued after the write commits) and
only queues its mails, under a key naming the step: run twice, it queues nothing new."""

from django.conf import settings
from django.db.models import Q, QuerySet
from django.tasks import task
from django.urls import reverse

from core.mail import mail_queue, mail_queue_many
from core.models import Role, User

from .models import Redemption, RedemptionEvent


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def deciders_for(redemption: Redemption) -> QuerySet[User]:
    """Who can hand the reward out, with an address: the managers and admins of its team,
    never the person who asked."""
    return (
        User.objects.filter(is_active=True, team_id=redemption.team_id)
        .filter(Q(groups__name=Role.MANAGER) | Q(groups__name=Role.ADMIN))
        .exclude(pk=redemption.user_id)
        .exclude(email="")
        .distinct()
    )


@task()
def notify_redemption_requested(redemption_id: int) -> int:
    """Mail the team's managers that someone asked for a reward (once per redemption)."""
    redemption = Redemption.objects.select_related("user", "reward").get(pk=redemption_id)
    if redemption.status != Redemption.Status.REQUESTED:
        return 0
    who = redemption.user.display_name
    body = (
        f"{who} redeemed {redemption.points} points for {redemption.reward.name}.\n\n"
        f"Hand it out, or refund the points, in the queue: {_absolute(reverse('rewards:queue'))}\n"
    )
    return len(
        mail_queue_many(
            key=f"redemption:{redemption.pk}:requested",
            recipients=deciders_for(redemption),
            subject_text=f"{who} asks for {redemption.reward.name}",
            body=body,
        )
    )


@task()
def notify_redemption_decided(redemption_id: int, event_id: int) -> int:
    """Mail the person the step recorded by history row `event_id` (once)."""
    redemption = Redemption.objects.select_related("user", "reward").get(pk=redemption_id)
    event = RedemptionEvent.objects.select_related("actor").get(pk=event_id, redemption=redemption)
    decider = event.actor.display_name if event.actor else "A manager"
    if event.to_status == Redemption.Status.FULFILLED:
        subject_text = f"Your reward is ready: {redemption.reward.name}"
        opening = f"{decider} handed out {redemption.reward.name} to you."
    else:
        subject_text = f"Your {redemption.points} points for {redemption.reward.name} are back"
        opening = f"{decider} refunded the {redemption.points} points you spent on {redemption.reward.name}."
    body = (
        opening
        + "\n\n"
        + (f"{event.note}\n\n" if event.note else "")
        + f"Your rewards: {_absolute(reverse('rewards:catalogue'))}\n"
    )
    mail = mail_queue(
        key=f"redemption:{redemption.pk}:event:{event.pk}",
        to=redemption.user.email,
        subject_text=subject_text,
        body=body,
    )
    return int(mail is not None)
