"""Reminders, run by the schedule (TASK_SCHEDULE in settings).

- A request that has waited its team's reminder time (24 h by default) reminds its
  approvers, once per request; after the escalation time (48 h) it goes to the admins
  too, once. Each is a history row on the act ("Approvers reminded", "Sent to the admins
  too") written in the same transaction as its mails are queued, so a second run, or
  two schedulers at once, find it and send nothing.
- Each morning, the owner of a follow-up due today (the author of its act, or the
  team's managers for one without an act) gets one mail listing them.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from core.formatting import money
from core.mail import mail_queue, mail_queue_many
from core.models import Role, Team, User

from .models import Act, ActEvent, FollowUp, Status
from .notifications import absolute, admins_for, approvers_for, request_body, request_key


def _hours(delta: datetime.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} days" if hours >= 48 else f"{hours} hours"


def _not_yet(action: str) -> Exists:
    """No `action` row since the act's current request was made."""
    return ~Exists(ActEvent.objects.filter(act=OuterRef("pk"), action=action, at__gte=OuterRef("requested_at")))


def _waiting_since(team: Team, cutoff: datetime.datetime, action: str) -> QuerySet[Act]:
    return Act.objects.filter(
        team=team, status=Status.PENDING_APPROVAL, requested_at__isnull=False, requested_at__lte=cutoff
    ).filter(_not_yet(action))


def _remind(act_id: int, *, action: str, now: datetime.datetime) -> bool:
    """Record the reminder (or escalation) of one waiting act and queue its mails, under
    the act's lock; False when it was decided, or reminded, in the meantime."""
    with transaction.atomic():
        act = Act.objects.select_for_update().select_related("author", "customer", "team").get(pk=act_id)
        if act.status != Status.PENDING_APPROVAL or act.events.filter(action=action, at__gte=act.requested_at).exists():
            return False
        waited = _hours(now - act.requested_at)
        escalating = action == ActEvent.Action.ESCALATED
        recipients = list(admins_for(act) if escalating else approvers_for(act))
        ActEvent.objects.create(
            act=act,
            actor=None,
            action=action,
            from_status=act.status,
            to_status=act.status,
            amount=act.cost,
            at=now,
            note=(
                f"Waited {waited}: sent to the admins too ({len(recipients)})."
                if escalating
                else f"Waited {waited}: reminded its approvers ({len(recipients)})."
            ),
        )
        opening = (
            f"This request has waited {waited} without a decision, so it comes to the admins too.\n\n"
            if escalating
            else f"A reminder: this request has waited {waited} for a decision.\n\n"
        )
        mail_queue_many(
            key=f"{request_key(act)}:{action}",
            recipients=recipients,
            subject_text=f"{'Still waiting' if escalating else 'Reminder'}: {money(act.cost)} for {act.customer}",
            body=request_body(act, opening=opening),
        )
    return True


@task()
def approval_reminders_send() -> dict:
    """Remind (and escalate) every request that has waited its team's times."""
    now = timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    for team in Team.objects.order_by("pk"):
        reminder_due = _waiting_since(
            team, now - datetime.timedelta(hours=team.reminder_hours), ActEvent.Action.REMINDED
        )
        for act_id in reminder_due.values_list("pk", flat=True):
            counts["reminded"] += _remind(act_id, action=ActEvent.Action.REMINDED, now=now)
        escalation_due = _waiting_since(
            team, now - datetime.timedelta(hours=team.escalation_hours), ActEvent.Action.ESCALATED
        )
        for act_id in escalation_due.values_list("pk", flat=True):
            counts["escalated"] += _remind(act_id, action=ActEvent.Action.ESCALATED, now=now)
    return counts


def _owners(followup: FollowUp, managers: dict[int, list[User]]) -> list[User]:
    author = followup.act.author if followup.act_id else None
    if author is not None and author.is_active and author.email:
        return [author]
    return managers.get(followup.team_id, [])


@task()
def followup_reminders_send() -> int:
    """Mail each owner the follow-ups due today that are not done (one mail a day each)."""
    today = timezone.localdate()
    due = list(
        FollowUp.objects.filter(done_at__isnull=True, due_on=today)
        .select_related("customer", "act__author")
        .order_by("due_on", "id")
    )
    if not due:
        return 0
    managers: dict[int, list[User]] = {}
    team_ids = {f.team_id for f in due}
    for manager in User.objects.filter(is_active=True, team_id__in=team_ids, groups__name=Role.MANAGER).exclude(
        email=""
    ):
        managers.setdefault(manager.team_id, []).append(manager)
    by_owner: dict[int, tuple[User, list[FollowUp]]] = {}
    for followup in due:
        for owner in _owners(followup, managers):
            by_owner.setdefault(owner.pk, (owner, []))[1].append(followup)
    for owner, followups in by_owner.values():
        lines = "\n".join(f"- {f.get_kind_display()}: {f.customer.name}" for f in followups)
        mail_queue(
            key=f"followups:{today.isoformat()}:{owner.pk}",
            to=owner.email,
            subject_text=f"{len(followups)} follow-up{'s' if len(followups) != 1 else ''} due today",
            body=(
                f"Good morning {owner.display_name},\n\nDue today:\n{lines}\n\n"
                f"They are on your home page: {absolute(reverse('home'))}\n"
            ),
        )
    return len(by_owner)
