"""Team budgets per month: the month's row, locked while an act's commitment changes
(so concurrent approvals queue on it and can never overspend it), and an admin
setting a month's budget."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from core import errors
from core.audit import audited_update
from core.formatting import money
from core.models import AuditEvent, Role, Team, User

from .models import Act, BudgetMonth
from .policy import cost_parse, month_start


def budget_month_locked(*, team: Team, month: datetime.date) -> BudgetMonth:
    """The team's budget row for a month, created from the team default, locked for update."""
    month = month_start(month)
    BudgetMonth.objects.get_or_create(team=team, month=month, defaults={"budget": team.monthly_budget})
    return BudgetMonth.objects.select_for_update().get(team=team, month=month)


def budget_adjust(*, act: Act, new_commitment: Decimal) -> None:
    """Move the act's hold on its month's budget to `new_commitment`.

    Raises BudgetExceeded (nothing written) when the month cannot cover the increase.
    """
    delta = new_commitment - act.committed_amount
    if delta == 0:
        return
    budget = budget_month_locked(team=act.team, month=act.date)
    if delta > 0 and delta > budget.remaining:
        raise errors.BudgetExceeded(
            errors.MSG_BUDGET_EXCEEDED.format(remaining=money(budget.remaining), amount=money(delta))
        )
    BudgetMonth.objects.filter(pk=budget.pk).update(committed=F("committed") + delta)
    act.committed_amount = new_commitment


def budget_excess_add(*, act: Act, amount: Decimal) -> None:
    """Add what an act cost beyond its approved amount (a declined top-up) to its month's
    excess, in the caller's transaction, under the month's lock. Never a commitment: the
    month's remaining budget does not change, so it cannot be overspent."""
    budget = budget_month_locked(team=act.team, month=act.date)
    BudgetMonth.objects.filter(pk=budget.pk).update(over_approved=F("over_approved") + amount)


def budget_set(*, user: User, team: Team, month: datetime.date, amount: Decimal) -> BudgetMonth:
    """Set a team's budget for one month (admins). It cannot go below what is committed."""
    if user.role != Role.ADMIN:
        raise errors.NotAllowed("Only admins set budgets.")
    amount = cost_parse(amount, field="budget")
    with transaction.atomic():
        budget = budget_month_locked(team=team, month=month)
        if amount < budget.committed:
            raise errors.InvalidInput(
                errors.MSG_BUDGET_BELOW_COMMITTED.format(committed=money(budget.committed)),
                field="budget",
            )
        audited_update(
            budget,
            actor=user,
            action=AuditEvent.Action.BUDGET_SET,
            team=team,
            changes={"budget": amount},
            label=f"{team.name}, {budget.month:%B %Y}",
        )
    return budget
