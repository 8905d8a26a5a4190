"""Money and time as people read them: "$1,250.00", "12 Mar", "3 h ago".

Plain functions, so that services and pages format alike; core/templatetags/money.py
makes them template filters.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from .money import CENT


def money(value) -> str:
    """An amount with its currency sign and two decimals; "—" for nothing."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(CENT)
    sign = "−" if amount < 0 else ""
    return f"{sign}{settings.CURRENCY_SYMBOL}{abs(amount):,.2f}"


def day(value) -> str:
    """A date as "12 Mar" (with the year when it is not this year)."""
    if not value:
        return "—"
    if hasattr(value, "astimezone"):
        value = timezone.localtime(value).date()
    if value.year == timezone.localdate().year:
        return f"{value.day} {value:%b}"
    return f"{value.day} {value:%b %Y}"


def ago(value) -> str:
    """How long ago a moment was, in one short unit: "just now", "3 h ago", "2 d ago"."""
    if not value:
        return "—"
    seconds = (timezone.now() - value).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def waited(value) -> str:
    """How long something has waited: "12 min", "3 h", "2 d"."""
    text = ago(value)
    return text.removesuffix(" ago") if text != "just now" else "under a minute"


def duration(value: datetime.timedelta | None) -> str:
    """A length of time to the second, in its two largest units: "45 s", "3 min 22 s",
    "2 h 5 min", "1 d 3 h" (the smaller unit cut, never rounded up; dropped when zero);
    "—" for none."""
    if value is None:
        return "—"
    seconds = max(round(value.total_seconds()), 0)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count or parts:
            parts.append((count, unit))
        if len(parts) == 2:
            break
    if not parts:
        return "0 s"
    return " ".join(f"{count} {unit}" for count, unit in parts if count)


def percent(value) -> str:
    """A fraction 0..1 as a whole percentage; "—" when there is none."""
    if value is None:
        return "—"
    return f"{Decimal(value) * 100:.0f}%"


def sub(value, other):
    """value − other, for "left after approval" figures."""
    return Decimal(value or 0) - Decimal(other or 0)


def after_approval(remaining, cost) -> str:
    """What a request would leave of the budget, in words an approver reads at a glance."""
    left = Decimal(remaining or 0) - Decimal(cost or 0)
    if left < 0:
        return f"not enough budget left (short by {money(-left)})"
    return f"after approval {money(left)} left"
