"""A person's own empowerment limit: it starts at the team's, grows with their track
record, goes back to the team's after a declined request or a problem found in a look,
and can be pinned by an admin.

The rule, with a team's settings (defaults 10 acts and $10):
- every `team.limit_growth_acts` of the person's acts that reach "customer knows"
  (delivered, and the customer told) since the last change raise the limit by
  `team.limit_growth_step`, up to the team's manager limit;
- a declined request of theirs (a first request or a top-up) or a look at one of their
  empowered acts marked as a problem puts it back to the team's limit and starts the
  count again;
- an admin can pin it at any amount (higher or lower) with a reason; a pinned limit
  does not move by itself. Unpinning puts it back to the team's limit, count from zero;
- a change of the team's limits moves every unpinned limit back between them.

The act services call these functions inside their own transaction, after the act's
row lock and before the day summaries' (acts/services.py), so that the counter moves
with the act and every change has its LimitChange row. Spend routing reads
`limit_of` (acts/policy.py spend_route).
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import errors
from core.formatting import money
from core.models import Role, Team, User
from core.money import CENT

from .models import Act, LimitChange, PersonalLimit

MSG_PIN_NEEDS_REASON = "Say why this limit is pinned: the person sees it."
MSG_UNPIN_NEEDS_REASON = "Say why this limit is unpinned: the person sees it."
MSG_ONLY_ADMINS_PIN = "Only admins pin a person's empowerment limit."
MSG_PIN_AMOUNT = "Enter the limit as an amount from {low} to {high}, like 75 or 75.50."
MSG_NOT_PINNED = "This limit is not pinned."
MSG_NO_TEAM = "This person has no team, so no empowerment limit."


def limit_of(person: User, team: Team) -> Decimal:
    """What `person` may approve by themselves on an act of `team`: their own limit in
    that team, or the team's limit when they have none there yet (new, moved, or an
    admin logging for another team)."""
    row = PersonalLimit.objects.filter(person=person, team=team).only("amount").first()
    return row.amount if row is not None else team.empowerment_limit


def limit_summary(*, person: User) -> dict | None:
    """The person's limit as their profile shows it: the amount, pinned or not, and how
    far they are toward the next step (None without a team)."""
    team = person.team
    if team is None:
        return None
    row = PersonalLimit.objects.filter(person=person, team=team).first()
    amount = row.amount if row else team.empowerment_limit
    pinned = bool(row and row.pinned)
    counted = row.acts_since_change if row else 0
    return {
        "amount": amount,
        "team_limit": team.empowerment_limit,
        "manager_limit": team.manager_limit,
        "pinned": pinned,
        "acts_counted": counted,
        "acts_needed": team.limit_growth_acts,
        "step": team.limit_growth_step,
        "at_cap": amount >= team.manager_limit,
        "grows": not pinned and amount < team.manager_limit and team.limit_growth_step > 0,
    }


def routing_hint(*, person: User, team: Team) -> str:
    """The act form's line: what the person approves by themselves, and who decides above."""
    own = limit_of(person, team)
    above = "a manager decides" if own < team.manager_limit else "an admin decides"
    return f"You can approve up to {money(own)} yourself; above that {above}."


# --- Keeping it ------------------------------------------------------------------


def _locked_row(person_id: int, team: Team, *, actor: User | None, at) -> PersonalLimit:
    """The person's row, locked; made at the team's limit when missing. A row of
    another team (the person moved) starts again at this team's, with its history row."""
    PersonalLimit.objects.get_or_create(
        person_id=person_id, defaults={"team": team, "amount": team.empowerment_limit, "changed_at": at}
    )
    row = PersonalLimit.objects.select_for_update().get(person_id=person_id)
    if row.team_id != team.pk:
        _change(
            row,
            team=team,
            amount=team.empowerment_limit,
            reason=LimitChange.Reason.TEAM_JOINED,
            actor=actor,
            at=at,
            note=f"Started at {team.name}'s limit.",
        )
    return row


def _change(
    row: PersonalLimit, *, team: Team, amount: Decimal, reason, actor, at, pinned: bool = False, act=None, note=""
):
    before = row.amount
    row.team = team
    row.amount = amount
    row.pinned = pinned
    row.acts_since_change = 0
    row.changed_at = at
    row.save()
    LimitChange.objects.create(
        person_id=row.person_id,
        team=team,
        at=at,
        actor=actor,
        reason=reason,
        before=before,
        after=amount,
        pinned=pinned,
        act=act,
        note=note,
    )


def _counts_for(act: Act) -> bool:
    """An act moves its author's own limit only in the author's own team."""
    return act.author.team_id == act.team_id


def limit_after_completed(*, act: Act, at=None) -> None:
    """The act reached "customer knows": one more on its author's count; at the team's
    number of acts, the limit rises by the team's step (up to the manager limit) and the
    count starts again. Pinned limits do not count. In the caller's transaction."""
    if not _counts_for(act):
        return
    at = at or timezone.now()
    team = act.team
    row = _locked_row(act.author_id, team, actor=None, at=at)
    if row.pinned:
        return
    row.acts_since_change += 1
    if row.acts_since_change < team.limit_growth_acts:
        row.save(update_fields=["acts_since_change"])
        return
    grown = min(row.amount + team.limit_growth_step, team.manager_limit)
    if grown <= row.amount:
        # At the manager limit already: nothing to raise, the count starts again.
        row.acts_since_change = 0
        row.save(update_fields=["acts_since_change"])
        return
    _change(
        row,
        team=team,
        amount=grown,
        reason=LimitChange.Reason.GREW,
        actor=None,
        at=at,
        act=act,
        note=f"{team.limit_growth_acts} acts completed in a row, the last one #{act.pk}.",
    )


def _limit_reset(*, act: Act, actor: User, reason, note: str, at) -> None:
    if not _counts_for(act):
        return
    team = act.team
    row = _locked_row(act.author_id, team, actor=actor, at=at)
    if row.pinned:
        return
    if row.amount == team.empowerment_limit and row.acts_since_change == 0:
        return  # nothing to put back
    _change(row, team=team, amount=team.empowerment_limit, reason=reason, actor=actor, at=at, act=act, note=note)


def limit_after_declined(*, act: Act, user: User, note: str, at=None) -> None:
    """A request of the act's author was declined: their limit goes back to the team's
    and the count starts again (unless pinned). In the caller's transaction."""
    _limit_reset(act=act, actor=user, reason=LimitChange.Reason.DECLINED, note=note, at=at or timezone.now())


def limit_after_problem(*, act: Act, user: User, note: str, at=None) -> None:
    """A look at the act found a problem: as a decline, the author's limit goes back to
    the team's (unless pinned). In the caller's transaction."""
    _limit_reset(act=act, actor=user, reason=LimitChange.Reason.PROBLEM, note=note, at=at or timezone.now())


def limits_rebase(*, team: Team, user: User, before: dict) -> int:
    """The team's limits changed (its row already locked by the caller): every unpinned
    limit of the team is moved back between them — one at the old team limit, or below
    the new one, to the new team limit; one above the new manager limit, down to it.
    Returns how many changed."""
    old_base = before.get("empowerment_limit", team.empowerment_limit)
    at = timezone.now()
    changed = 0
    rows = PersonalLimit.objects.select_for_update().filter(team=team, pinned=False).order_by("pk")
    for row in rows:
        amount = row.amount
        if amount == old_base or amount < team.empowerment_limit:
            amount = team.empowerment_limit
        amount = min(amount, team.manager_limit)
        if amount != row.amount:
            note = f"Team limit {money(team.empowerment_limit)}, manager limit {money(team.manager_limit)}."
            _change(row, team=team, amount=amount, reason=LimitChange.Reason.TEAM_LIMITS, actor=user, at=at, note=note)
            changed += 1
    return changed


# --- Admins ----------------------------------------------------------------------


def _pin_amount(value) -> Decimal:
    high = settings.SECONDMILE["MAX_ACT_COST"]
    message = MSG_PIN_AMOUNT.format(low=money(0), high=money(high))
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise errors.InvalidInput(message, field="amount") from None
    if not amount.is_finite() or not Decimal(0) <= amount <= high or amount != amount.quantize(CENT):
        raise errors.InvalidInput(message, field="amount")
    return amount.quantize(CENT)


def _admin_check(user: User, person: User) -> Team:
    if user.role != Role.ADMIN:
        raise errors.NotAllowed(MSG_ONLY_ADMINS_PIN)
    if person.team_id is None:
        raise errors.InvalidInput(MSG_NO_TEAM)
    return Team.objects.get(pk=person.team_id)


def limit_pin(*, user: User, person: User, amount, reason: str) -> PersonalLimit:
    """An admin pins a person's own limit at `amount` (higher or lower than the team's,
    from $0 to the largest act cost), with a reason the person sees. A pinned limit
    does not move with the track record until unpinned."""
    return _admin_change(user=user, person=person, pinned=True, amount=amount, reason=reason)


def limit_unpin(*, user: User, person: User, reason: str) -> PersonalLimit:
    """An admin unpins a person's limit: it goes back to the team's limit and grows
    again from there, the count starting at zero."""
    return _admin_change(user=user, person=person, pinned=False, amount=None, reason=reason)


def _admin_change(*, user: User, person: User, pinned: bool, amount, reason: str) -> PersonalLimit:
    """Pin (at `amount`) or unpin a person's limit: only an admin, always with a reason
    the person sees, under the row's lock, with its history row."""
    team = _admin_check(user, person)
    if pinned:
        amount = _pin_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise errors.InvalidInput(MSG_PIN_NEEDS_REASON if pinned else MSG_UNPIN_NEEDS_REASON, field="reason")
    with transaction.atomic():
        at = timezone.now()
        row = _locked_row(person.pk, team, actor=user, at=at)
        if not pinned and not row.pinned:
            raise errors.Conflict(MSG_NOT_PINNED)
        _change(
            row,
            team=team,
            amount=amount if pinned else team.empowerment_limit,
            pinned=pinned,
            reason=LimitChange.Reason.PINNED if pinned else LimitChange.Reason.UNPINNED,
            actor=user,
            at=at,
            note=reason,
        )
    return row
