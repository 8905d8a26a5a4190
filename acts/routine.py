"""The routine detector: warns, while an act is being logged, that a gesture is turning
into a routine for this customer (the same kind again and again, or gift after gift)."""

import datetime

from django.conf import settings
from django.utils import timezone

from core.models import User

from .models import GOING_AHEAD, Act, Kind, Trigger

GIFT_FATIGUE_ACTS = 3
GIFT_FATIGUE_DAYS = 60
PATTERN_WINDOW = 5
PATTERN_SAME_KIND = 3


def routine_warnings(*, user: User, customer, kind: str) -> list[str]:
    """Why the act being logged may turn a surprise into a routine (a warning, never a block).

    - the same kind of gesture went to this customer within ROUTINE_COOLDOWN_DAYS;
    - the customer had GIFT_FATIGUE_ACTS or more proactive acts in the last
      GIFT_FATIGUE_DAYS days (surprised too often);
    - PATTERN_SAME_KIND of the person's last PATTERN_WINDOW acts, the one being logged
      included (it is not saved yet), are of this kind: the third of a kind among the
      last five warns.
    Only acts going ahead count (not declined or withdrawn). Three small queries on
    the (customer, date) and (author, date) indexes.
    """
    if customer is None or kind not in Kind.values:
        return []
    today = timezone.localdate()
    label = Kind(kind).label.lower()
    going = Act.objects.filter(status__in=GOING_AHEAD)
    warnings = []
    cooldown = settings.SECONDMILE["ROUTINE_COOLDOWN_DAYS"]
    same = (
        going.filter(customer=customer, kind=kind, date__gte=today - datetime.timedelta(days=cooldown))
        .order_by("-date", "-id")
        .values_list("date", flat=True)
        .first()
    )
    if same is not None:
        days = (today - same).days
        when = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
        warnings.append(
            f"{customer.name} already had this kind of gesture ({label}) {when}. Repeated within "
            f"{cooldown} days, a gesture becomes an expectation: would another kind surprise more?"
        )
    recent = going.filter(
        customer=customer, trigger=Trigger.PROACTIVE, date__gte=today - datetime.timedelta(days=GIFT_FATIGUE_DAYS)
    ).count()
    if recent >= GIFT_FATIGUE_ACTS:
        warnings.append(
            f"{customer.name} had {recent} surprises in the last {GIFT_FATIGUE_DAYS} days. "
            f"Too many and they stop being surprises."
        )
    # The act being logged is the newest of the window, so four earlier acts complete it.
    last_kinds = [kind] + list(
        going.filter(author=user).order_by("-date", "-id").values_list("kind", flat=True)[: PATTERN_WINDOW - 1]
    )
    same_kind = last_kinds.count(kind)
    if same_kind >= PATTERN_SAME_KIND:
        warnings.append(
            f"This would make {same_kind} of your last {len(last_kinds)} acts of this kind ({label}). "
            f"Random, not routine: vary the gestures."
        )
    return warnings
