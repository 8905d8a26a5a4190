"""Mail about spend requests, sent after commit: to the approvers when a request waits,
to the requester when it is decided."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

from core.formatting import money
from core.mail import subject
from core.models import Role, User

from .models import Act, ActEvent, ApprovalLevel, Status

logger = logging.getLogger(__name__)


def _approvers_for(act: Act):
    users = User.objects.filter(is_active=True).exclude(pk=act.author_id).exclude(email="")
    admins = users.filter(groups__name=Role.ADMIN)
    if act.approval_level == ApprovalLevel.ADMIN:
        return admins.distinct()
    return (users.filter(team=act.team, groups__name=Role.MANAGER) | admins).distinct()


def _send(messages) -> None:
    # Called after commit through on_commit_safely: a failing mail server is logged there
    # and cannot undo a decision.
    send_mass_mail(messages)


def _absolute(path: str) -> str:
    """A link that works from a mail client: the site's address and the path."""
    return f"{settings.SITE_URL}{path}"


def notify_request_waiting(act_id: int) -> None:
    act = Act.objects.select_related("author", "customer").get(pk=act_id)
    if act.status != Status.PENDING_APPROVAL:
        return
    title = subject(f"Waiting for you: {money(act.cost)} for {act.customer}")
    body = (
        f"{act.author.display_name} asks {money(act.cost)} for {act.customer}:\n\n"
        f"{act.solution}\n\nDecide it in the approval queue: {_absolute(reverse('acts:approvals'))}\n"
        f"The act: {_absolute(reverse('acts:detail', args=[act.pk]))}\n"
    )
    messages = [(title, body, settings.DEFAULT_FROM_EMAIL, [approver.email]) for approver in _approvers_for(act)]
    _send(messages)


def notify_decided(act_id: int) -> None:
    act = Act.objects.select_related("author", "customer", "decided_by").get(pk=act_id)
    if not act.author.email:
        return
    last = act.events.order_by("-at", "-id").first()
    verb = "approved" if last and last.action == ActEvent.Action.APPROVED else "declined"
    title = subject(f"Your request for {act.customer} was {verb}")
    body = (
        f"{act.decided_by.display_name} {verb} {money(last.amount if last else act.cost)} "
        f"for {act.customer}.\n\n"
        + (f"{act.decision_note}\n\n" if act.decision_note else "")
        + f"The act: {_absolute(reverse('acts:detail', args=[act.pk]))}\n"
    )
    _send([(title, body, settings.DEFAULT_FROM_EMAIL, [act.author.email])])
