"""The spend policy: what a cost is, who approves it (nobody, a manager or an admin,
by the team's limits), and the team's policy itself (limits, budget, receipts, review
share), changed by an admin with an audit row."""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction

from core import errors
from core.audit import audit_record
from core.formatting import money
from core.models import AuditEvent, Role, Team, User
from core.money import CENT

from . import empowerment
from .models import ApprovalLevel
from .outcomes import team_policy_refresh


def cost_parse(value, *, field: str = "cost") -> Decimal:
    """Turn user input into a cost in cents, or raise InvalidInput saying what is wrong."""
    if isinstance(value, float):
        value = str(value)
    try:
        cost = Decimal(str(value).strip() or "0")
    except (InvalidOperation, ValueError):
        raise errors.InvalidInput(errors.MSG_NOT_A_NUMBER, field=field) from None
    if not cost.is_finite():
        raise errors.InvalidInput(errors.MSG_NOT_A_NUMBER, field=field)
    if cost < 0:
        raise errors.InvalidInput(errors.MSG_NEGATIVE_COST, field=field)
    limit = settings.SECONDMILE["MAX_ACT_COST"]
    if cost > limit:
        raise errors.InvalidInput(errors.MSG_COST_TOO_HIGH.format(limit=money(limit)), field=field)
    if cost != cost.quantize(CENT):
        raise errors.InvalidInput("A cost has at most two decimals.", field=field)
    return cost.quantize(CENT)


def spend_route(*, team: Team, cost: Decimal, own_limit: Decimal | None = None) -> str:
    """Who has to approve a cost: nobody, nobody (empowered: up to the person's own
    limit, acts/empowerment.py; the team's when not given), a manager (up to the
    team's manager limit), or an admin."""
    if cost == 0:
        return ApprovalLevel.NONE
    if cost <= (team.empowerment_limit if own_limit is None else own_limit):
        return ApprovalLevel.EMPOWERED
    if cost <= team.manager_limit:
        return ApprovalLevel.MANAGER
    return ApprovalLevel.ADMIN


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def team_create(*, user: User, name: str, **policy) -> Team:
    """Make a team (admins), with a spend policy or the defaults; written to the audit log."""
    if user.role != Role.ADMIN:
        raise errors.NotAllowed("Only admins make teams.")
    with transaction.atomic():
        team = Team.objects.create(name=(name or "").strip(), **policy)
        audit_record(
            actor=user,
            action=AuditEvent.Action.POLICY_CHANGED,
            target=team,
            team=team,
            before={},
            after={field: getattr(team, field) for field in POLICY_FIELDS},
        )
    return team


POLICY_FIELDS = (
    "monthly_budget",
    "empowerment_limit",
    "manager_limit",
    "receipt_required_above",
    "review_share",
    "reminder_hours",
    "escalation_hours",
    "recovery_days",
    "limit_growth_acts",
    "limit_growth_step",
)


MAX_WAIT_HOURS = 24 * 30
MSG_REMINDER_HOURS = f"Remind after 1 to {MAX_WAIT_HOURS} hours."
MSG_ESCALATION_HOURS = f"Send to the admins no sooner than the reminder, and within {MAX_WAIT_HOURS} hours."
MAX_RECOVERY_DAYS = 3650
MSG_RECOVERY_DAYS = f"A recovery window is 1 to {MAX_RECOVERY_DAYS} days."
MAX_LIMIT_GROWTH_ACTS = 1000
MSG_LIMIT_GROWTH_ACTS = f"A person's limit grows after 1 to {MAX_LIMIT_GROWTH_ACTS} acts."
MSG_LIMIT_GROWTH_STEP = "The step a person's limit grows by cannot be negative."


def team_policy_update(*, user: User, team: Team, **policy) -> Team:
    """Change a team's spend policy (admins): default budget, limits, receipt threshold,
    review share, the hours after which a waiting request reminds and escalates, and the
    recovery window (days within which a customer's return makes a reactive act a
    recovery). Calls acts.outcomes.team_policy_refresh in the transaction, so that the
    figures kept on a setting (recovery) follow it."""
    if user.role != Role.ADMIN:
        raise errors.NotAllowed("Only admins change a team's spend policy.")
    unknown = set(policy) - set(POLICY_FIELDS)
    if unknown:
        raise errors.InvalidInput(f"Unknown policy fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        before = {field: getattr(team, field) for field in policy}
        for field, value in policy.items():
            setattr(team, field, value)
        if team.manager_limit < team.empowerment_limit:
            raise errors.InvalidInput("The manager limit cannot be below the empowerment limit.", field="manager_limit")
        if not Decimal(0) <= team.review_share <= Decimal(1):
            raise errors.InvalidInput("The review share is between 0 and 1.", field="review_share")
        if not 1 <= team.reminder_hours <= MAX_WAIT_HOURS:
            raise errors.InvalidInput(MSG_REMINDER_HOURS, field="reminder_hours")
        if not team.reminder_hours <= team.escalation_hours <= MAX_WAIT_HOURS:
            raise errors.InvalidInput(MSG_ESCALATION_HOURS, field="escalation_hours")
        if not 1 <= team.recovery_days <= MAX_RECOVERY_DAYS:
            raise errors.InvalidInput(MSG_RECOVERY_DAYS, field="recovery_days")
        if not 1 <= team.limit_growth_acts <= MAX_LIMIT_GROWTH_ACTS:
            raise errors.InvalidInput(MSG_LIMIT_GROWTH_ACTS, field="limit_growth_acts")
        if team.limit_growth_step < 0:
            raise errors.InvalidInput(MSG_LIMIT_GROWTH_STEP, field="limit_growth_step")
        team.save()
        if {"empowerment_limit", "manager_limit"} & set(policy):
            empowerment.limits_rebase(team=team, user=user, before=before)
        audit_record(
            actor=user, action=AuditEvent.Action.POLICY_CHANGED, target=team, team=team, before=before, after=policy
        )
        changed = {field: value for field, value in policy.items() if before[field] != getattr(team, field)}
        if changed:
            team_policy_refresh(team=team, changed=changed)
    return team
