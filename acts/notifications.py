"""The mails about acts: a request waiting for its approvers, a decision for its
requester, and the reminders of a request that has waited (acts/reminders.py).

Each runs in the worker (enqueued after the write commits) and only queues its mails,
one per recipient, under a key naming the request or decision it is about: run twice, it
queues nothing new (core/mail.py).
"""

from django.conf import settings
from django.db.models import QuerySet
from django.tasks import task
from django.urls import reverse

from core.formatting import money
from core.mail import mail_queue, mail_queue_many
from core.models import Role, User

from .models import Act, ActEvent, ApprovalLevel, Status


def approvers_for(act: Act) -> QuerySet[User]:
    """Who can decide the act's request, with an address: its team's managers (or only
    the admins, for a request above the manager limit) and the admins; never its author."""
    users = User.objects.filter(is_active=True).exclude(pk=act.author_id).exclude(email="")
    admins = users.filter(groups__name=Role.ADMIN)
    if act.approval_level == ApprovalLevel.ADMIN:
        return admins.distinct()
    return (users.filter(team=act.team, groups__name=Role.MANAGER) | admins).distinct()


def admins_for(act: Act) -> QuerySet[User]:
    """The admins, with an address, other than the act's author."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.ADMIN)
        .exclude(pk=act.author_id)
        .exclude(email="")
        .distinct()
    )


def absolute(path: str) -> str:
    """A link that works from a mail client: the site's address and the path."""
    return f"{settings.SITE_URL}{path}"


def request_key(act: Act) -> str:
    """Names the act's current request: a top-up at delivery is a new request."""
    return f"act:{act.pk}:request:{int(act.requested_at.timestamp()) if act.requested_at else 0}"


def request_body(act: Act, *, opening: str = "") -> str:
    return (
        opening
        + f"{act.author.display_name} asks {money(act.cost)} for {act.customer}:\n\n"
        + f"{act.solution}\n\nDecide it in the approval queue: {absolute(reverse('acts:approvals'))}\n"
        + f"The act: {absolute(reverse('acts:detail', args=[act.pk]))}\n"
    )


@task()
def notify_request_waiting(act_id: int) -> int:
    """Mail the approvers of a request that waits for them (once per request)."""
    act = Act.objects.select_related("author", "customer", "team").get(pk=act_id)
    if act.status != Status.PENDING_APPROVAL:
        return 0
    return len(
        mail_queue_many(
            key=f"{request_key(act)}:waiting",
            recipients=approvers_for(act),
            subject_text=f"Waiting for you: {money(act.cost)} for {act.customer}",
            body=request_body(act),
        )
    )


@task()
def notify_decided(act_id: int, event_id: int) -> int:
    """Mail the requester the decision recorded by history row `event_id` (once)."""
    act = Act.objects.select_related("author", "customer", "decided_by").get(pk=act_id)
    event = ActEvent.objects.get(pk=event_id, act=act)
    verb = "approved" if event.action == ActEvent.Action.APPROVED else "declined"
    decider = event.actor.display_name if event.actor else "An approver"
    body = (
        f"{decider} {verb} {money(event.amount if event.amount is not None else act.cost)} for {act.customer}.\n\n"
        + (f"{event.note}\n\n" if event.note else "")
        + f"The act: {absolute(reverse('acts:detail', args=[act.pk]))}\n"
    )
    mail = mail_queue(
        key=f"act:{act.pk}:decision:{event.pk}",
        to=act.author.email,
        subject_text=f"Your request for {act.customer} was {verb}",
        body=body,
    )
    return int(mail is not None)
