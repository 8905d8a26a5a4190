"""The goodwill ledger, for the finance lead: month by month, what acts cost against the
referral revenue they brought in, added up as the period goes on, with the running cost
per referred customer; its rows (for the table and the CSV) and its chart's geometry.

For each month the period touches (clipped to the period's dates):
- spend = spend_total of the month's days (acts going ahead: the actual cost once
  delivered, else the approved amount; a pending act counts 0);
- referral_revenue and referred = referral_revenue and referred_customers_count of the
  month's days (customers created then who have a referrer, their first purchases);
- spend_to_date, revenue_to_date, referred_to_date: the same added up from the period's
  first month to this one (the last row's equal the period's spend_total,
  referral_revenue and referred_customers_count);
- cost_per_referred_to_date = spend_to_date ÷ referred_to_date, in cents; None while
  nobody was referred; balance_to_date = revenue_to_date − spend_to_date.
Both inputs are day summaries (DaySummary, ReferralDay): two queries of at most one row
per day of the period, whatever the number of acts and customers.
"""

import datetime
import math
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from core.days import month_end
from core.formatting import money
from core.models import ReferralDay
from core.money import ZERO, cents

from . import figures as metrics
from .scope import Scope

WIDTH = 480


def daily_referrals(scope: Scope) -> dict[datetime.date, tuple[int, Decimal]]:
    """Referred customers and their revenue per day of the period with any (one query)."""
    return {
        day: (n, cents(revenue))
        for day, n, revenue in ReferralDay.objects.filter(
            scope.teams(), date__gte=scope.start, date__lte=scope.end, referred_customers_count__gt=0
        )
        .order_by()
        .values("date")
        .annotate(n=Sum("referred_customers_count"), revenue=Sum("referral_revenue"))
        .values_list("date", "n", "revenue")
    }


def ledger(scope: Scope, *, daily: dict | None = None) -> list[dict]:
    """The ledger's rows, oldest month first (see the module's definitions). `daily` is
    figures.daily_act_totals(scope) when the caller has it already."""
    daily = metrics.daily_act_totals(scope) if daily is None else daily
    referrals = daily_referrals(scope)
    months: dict[datetime.date, dict] = {}
    month = scope.start.replace(day=1)
    while month <= scope.end:
        first, last = max(month, scope.start), min(month_end(month), scope.end)
        months[month] = {
            "month": month,
            "start": first,
            "end": last,
            "partial": (first, last) != (month, month_end(month)),
            "spend": ZERO,
            "referral_revenue": ZERO,
            "referred": 0,
        }
        month = month_end(month) + datetime.timedelta(days=1)
    for day, (_count, spend) in daily.items():
        months[day.replace(day=1)]["spend"] += spend
    for day, (n, revenue) in referrals.items():
        row = months[day.replace(day=1)]
        row["referred"] += n
        row["referral_revenue"] += revenue
    spend_to_date, revenue_to_date, referred_to_date = ZERO, ZERO, 0
    for row in months.values():
        spend_to_date += row["spend"]
        revenue_to_date += row["referral_revenue"]
        referred_to_date += row["referred"]
        row.update(
            spend_to_date=spend_to_date,
            revenue_to_date=revenue_to_date,
            referred_to_date=referred_to_date,
            cost_per_referred_to_date=metrics.cost_per_referred_customer(spend_to_date, referred_to_date),
            balance_to_date=revenue_to_date - spend_to_date,
        )
    return list(months.values())


# --- The chart: spend and revenue to date as paired bars per month -------------------------


def _axis_max(value: Decimal) -> int:
    """A round axis maximum at or above `value`: 1, 2 or 5 times a power of ten (100 at least)."""
    value = max(math.ceil(value), 100)
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover (value <= 10 × magnitude always)


def _axis_money(value: int) -> str:
    """An axis label short enough for a phone: "$500", "$5k", "$2.5k"."""
    symbol = settings.CURRENCY_SYMBOL
    if value >= 1000:
        return f"{symbol}{value / 1000:g}k"
    return f"{symbol}{value:,}"


def _r(value: float) -> float:
    return round(value, 1)


def ledger_summary(rows: list[dict]) -> str:
    """The ledger in one sentence."""
    if not rows:
        return "No month in this period."
    last = rows[-1]
    spend, revenue, referred = last["spend_to_date"], last["revenue_to_date"], last["referred_to_date"]
    months = f"{len(rows)} month{'s' if len(rows) != 1 else ''}"
    if not spend and not referred:
        return f"Nothing spent and nobody referred over {months}."
    text = f"Over {months}, {money(spend)} spent on acts against {money(revenue)} of referral revenue"
    if not referred:
        return text + "; nobody referred yet, so no cost per referred customer."
    return (
        text + f" from {referred} referred customer{'s' if referred != 1 else ''}: "
        f"{money(last['cost_per_referred_to_date'])} per referred customer so far."
    )


def ledger_chart(rows: list[dict]) -> dict:
    """Spend to date (accent) and referral revenue to date (blue) per month, side by side on
    one money axis: where the blue bar overtakes the orange one, the goodwill has paid off."""
    height, left, right, top, bottom = 220, 52, 8, 14, 30
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = _axis_max(max([r["spend_to_date"] for r in rows] + [r["revenue_to_date"] for r in rows] + [ZERO]))
    slot = plot_w / max(len(rows), 1)
    bar_w = max(min(slot * 0.36, 36), 1.5)
    label_every = max(1, math.ceil(len(rows) / 6))

    def y_of(value) -> float:
        return top + plot_h - plot_h * float(value) / top_value

    bars, labels = [], []
    for index, row in enumerate(rows):
        centre = left + slot * index + slot / 2
        for x, value, css in (
            (centre - bar_w, row["spend_to_date"], "bar"),
            (centre, row["revenue_to_date"], "bar--revenue"),
        ):
            y = y_of(value)
            bars.append(
                {"x": _r(x), "y": _r(y), "width": _r(bar_w), "height": _r(top + plot_h - y), "css": css, "row": row}
            )
        if index % label_every == 0:
            text = f"{row['month']:%b}" if len(rows) <= 12 else f"{row['month']:%b %y}"
            labels.append({"x": _r(centre), "text": text})
    grid = [
        {"y": _r(y_of(value)), "text_y": _r(y_of(value) + 4), "label": _axis_money(value)}
        for value in (0, top_value // 2, top_value)
    ]
    return {
        "width": WIDTH,
        "height": height,
        "bars": bars,
        "grid": grid,
        "labels": labels,
        "left": left,
        "right": WIDTH - right,
        "axis_label_x": left - 6,
        "baseline": _r(top + plot_h),
        "label_y": height - 10,
        "summary": ledger_summary(rows),
        "rows": rows,
    }
