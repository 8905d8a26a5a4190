"""The spend rules checked over the whole database, after a bulk load or a load run.

For every team-month that has a budget row:
  - committed ≤ budget (the database's own check constraint says the same);
  - committed = the sum of what its acts hold: the approved amount of each approved act
    (and of a delivered one's top-up still waiting), the actual cost of each delivered
    one less what it spent over its approved amount (a declined top-up, kept apart);
    nothing for those waiting for a first decision, declined or withdrawn;
  - each act's own `committed_amount` is that amount.
Each check is one GROUP BY in the database, so it reads each act once.
"""

from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from acts.models import Act, BudgetMonth, Status

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)

# What an act holds of its month's budget, by its state.
HOLDS = Case(
    When(
        status__in=[Status.DELIVERED, Status.CUSTOMER_KNOWS],
        then=Coalesce("actual_cost", Value(ZERO)) - F("over_approved"),
    ),
    When(status=Status.APPROVED, then=Coalesce("approved_amount", Value(ZERO))),
    # A top-up waiting for approval still holds what was approved before.
    When(status=Status.PENDING_APPROVAL, approved_amount__isnull=False, then=F("approved_amount")),
    default=Value(ZERO),
    output_field=MONEY,
)


def _cents(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def budget_problems(limit: int = 10) -> tuple[int, list[str]]:
    """(team-months checked, what is wrong: at most `limit` lines, none when all hold)."""
    problems = []
    wrong_acts = Act.objects.exclude(committed_amount=HOLDS).count()
    if wrong_acts:
        problems.append(f"{wrong_acts:,} acts hold an amount other than their state's")
    sums = {
        (row["team_id"], row["month"]): row
        for row in Act.objects.order_by()
        .annotate(month=TruncMonth("date"))
        .values("team_id", "month")
        .annotate(held=Sum(HOLDS), committed=Sum("committed_amount"))
    }
    months = list(BudgetMonth.objects.values_list("team_id", "month", "budget", "committed"))
    for team_id, month, budget, committed in months:
        row = sums.get((team_id, month), {})
        held = _cents(row.get("held"))
        if committed > budget:
            problems.append(f"team {team_id} {month:%Y-%m}: committed {committed} is over the budget {budget}")
        if committed != held or committed != _cents(row.get("committed")):
            problems.append(
                f"team {team_id} {month:%Y-%m}: committed {committed}, its acts' approved and delivered "
                f"amounts sum to {held}"
            )
    budgeted = {(team_id, month) for team_id, month, *_ in months}
    for key, row in sums.items():
        if key not in budgeted and _cents(row["held"]) != ZERO:
            problems.append(f"team {key[0]} {key[1]:%Y-%m}: acts hold {row['held']} with no budget row")
    over = BudgetMonth.objects.filter(Q(committed__gt=F("budget")) | Q(committed__lt=0)).count()
    if over and not problems:
        problems.append(f"{over} budget rows outside 0…budget")
    return len(months), problems[:limit]
