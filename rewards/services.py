"""Writes on rewards: the catalogue (admins), redeeming (anyone, on their own team's
catalogue) and handing out or refunding a redemption (a manager or admin of the team).

Each write runs in one transaction. A redemption locks the person's balance row, then the
reward's row (its stock), in that order everywhere, so concurrent redemptions queue
instead of overspending either. A decision locks the redemption first, checks it still
waits, and writes one history row; the mail goes out after commit.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import errors
from core.audit import audit_record, audited_update
from core.mail import on_commit_safely
from core.models import AuditEvent, Role, Team, User
from core.roles import require_team_of, team_require

from .balance import balance_locked, points_credit, points_debit
from .models import MAX_POINTS, MAX_STOCK, Redemption, RedemptionEvent, Reward
from .notifications import notify_redemption_decided, notify_redemption_requested

MSG_ONLY_ADMINS_KEEP_CATALOGUE = "Only admins keep the rewards catalogue."
MSG_REWARD_NEEDS_NAME = "Give the reward a name."
MSG_REWARD_NAME_TAKEN = "This team already has a reward called {name}; edit that one instead."
MSG_REWARD_POINTS = f"A reward costs a whole number of points from 1 to {MAX_POINTS:,}."
MSG_REWARD_STOCK = f"Stock is a whole number from 0 to {MAX_STOCK:,}, or empty for no limit."
MSG_REWARD_INACTIVE = "{reward} is not offered any more."
MSG_OUT_OF_STOCK = "{reward} is out of stock."
MSG_REWARD_OTHER_TEAM = "You redeem rewards of your own team's catalogue."
MSG_ONLY_MANAGERS_DECIDE = "Only a manager or an admin of the team hands out rewards."
MSG_NOT_OWN_REDEMPTION = "Another manager or an admin decides your own redemption."
MSG_ALREADY_DECIDED = "This redemption was already {status}."
MSG_REFUND_NEEDS_REASON = "Say why the points go back, so the person knows."

DESCRIPTION_MAX = 1000


def _require_admin(user: User) -> None:
    if user.role != Role.ADMIN:
        raise errors.NotAllowed(MSG_ONLY_ADMINS_KEEP_CATALOGUE)


def _whole_number(value, *, low: int, high: int, field: str, message: str) -> int:
    """`value` as an int from low to high, or InvalidInput naming `field`."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise errors.InvalidInput(message, field=field)
    try:
        number = int(value)
    except ValueError:
        raise errors.InvalidInput(message, field=field) from None
    if not low <= number <= high:
        raise errors.InvalidInput(message, field=field)
    return number


def _cleaned(*, name: str, description: str, points, stock) -> dict:
    name = (name or "").strip()
    if not name:
        raise errors.InvalidInput(MSG_REWARD_NEEDS_NAME, field="name")
    if len(name) > Reward._meta.get_field("name").max_length:
        raise errors.InvalidInput("A reward's name is at most 100 characters.", field="name")
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise errors.InvalidInput(f"A description is at most {DESCRIPTION_MAX} characters.", field="description")
    points = _whole_number(points, low=1, high=MAX_POINTS, field="points", message=MSG_REWARD_POINTS)
    if stock is not None and stock != "":
        stock = _whole_number(stock, low=0, high=MAX_STOCK, field="stock", message=MSG_REWARD_STOCK)
    else:
        stock = None
    return {"name": name, "description": description, "points": points, "stock": stock}


def _name_taken(name: str) -> errors.InvalidInput:
    return errors.InvalidInput(MSG_REWARD_NAME_TAKEN.format(name=name), field="name")


def reward_values(reward: Reward) -> dict:
    """The catalogue fields of a reward, as its form and the audit log take them."""
    return {f: getattr(reward, f) for f in ("name", "description", "points", "stock", "active")}


def reward_create(
    *,
    user: User,
    name: str,
    points,
    description: str = "",
    stock=None,
    active: bool = True,
    team: Team | None = None,
) -> Reward:
    """Add a reward to a team's catalogue (admins; their own team unless `team` is given).
    Its name is unique in the team; points from 1, stock from 0 or None for no limit."""
    _require_admin(user)
    if team is None:
        team_require(user)
        team = user.team
    values = _cleaned(name=name, description=description, points=points, stock=stock)
    try:
        with transaction.atomic():
            reward = Reward.objects.create(team=team, active=bool(active), **values)
            audit_record(
                actor=user,
                action=AuditEvent.Action.REWARD_ADDED,
                target=reward,
                team=team,
                before={},
                after=reward_values(reward),
            )
    except IntegrityError:  # the name is the one unique constraint the values above can break
        raise _name_taken(values["name"]) from None
    return reward


def reward_update(
    *, user: User, reward: Reward, name: str, points, description: str = "", stock=None, active: bool = True
) -> Reward:
    """Change a reward of the catalogue (admins). A new price applies to redemptions from
    now on; those already asked for keep theirs. Deactivating keeps it for its history."""
    _require_admin(user)
    values = {**_cleaned(name=name, description=description, points=points, stock=stock), "active": bool(active)}
    try:
        with transaction.atomic():
            locked = Reward.objects.select_for_update().get(pk=reward.pk)
            audited_update(
                locked, actor=user, action=AuditEvent.Action.REWARD_CHANGED, team=locked.team, changes=values
            )
    except IntegrityError:  # the name is the one unique constraint the values above can break
        raise _name_taken(values["name"]) from None
    return locked


def reward_deactivate(*, user: User, reward: Reward) -> Reward:
    """Stop offering a reward (admins): it leaves the catalogue; its redemptions stay.
    Only `active` changes, so a stock counted down meanwhile is kept."""
    _require_admin(user)
    with transaction.atomic():
        locked = Reward.objects.select_for_update().get(pk=reward.pk)
        if locked.active:
            audited_update(
                locked, actor=user, action=AuditEvent.Action.REWARD_CHANGED, team=locked.team, changes={"active": False}
            )
    return locked


def _record(redemption: Redemption, *, actor: User, from_status: str, points: int, note: str = "") -> RedemptionEvent:
    event = RedemptionEvent(
        redemption=redemption,
        actor=actor,
        from_status=from_status,
        to_status=redemption.status,
        points=points,
        note=note[:280],
        at=timezone.now(),
    )
    event.save(force_insert=True)
    return event


def reward_redeem(*, user: User, reward: Reward) -> Redemption:
    """Spend the reward's points on it (anyone, on their own team's catalogue).

    The reward must be active and in stock, and the person's balance must cover its
    points; otherwise Conflict and nothing changes. Locks the person's balance row, then
    the reward's; takes the points and one of the stock; the redemption waits
    (`requested`) for a manager, who is mailed after commit."""
    team_require(user)
    if reward.team_id != user.team_id:
        raise errors.NotAllowed(MSG_REWARD_OTHER_TEAM)
    with transaction.atomic():
        balance = balance_locked(user_id=user.pk)
        reward = Reward.objects.select_for_update().get(pk=reward.pk)
        if not reward.active:
            raise errors.Conflict(MSG_REWARD_INACTIVE.format(reward=reward.name))
        if reward.stock is not None and reward.stock < 1:
            raise errors.Conflict(MSG_OUT_OF_STOCK.format(reward=reward.name), field="stock")
        points_debit(balance=balance, points=reward.points, reward_name=reward.name)
        if reward.stock is not None:
            reward.stock -= 1
            reward.save(update_fields=["stock"])
        redemption = Redemption.objects.create(
            team_id=reward.team_id, user=user, reward=reward, points=reward.points, requested_at=timezone.now()
        )
        _record(redemption, actor=user, from_status="", points=-reward.points)
        on_commit_safely(notify_redemption_requested, redemption.pk)
    return redemption


def _decision_locked(*, user: User, redemption: Redemption) -> Redemption:
    """The redemption re-read under its lock, once the user may decide it and it waits."""
    if not user.is_manager:
        raise errors.NotAllowed(MSG_ONLY_MANAGERS_DECIDE)
    require_team_of(user, redemption, MSG_ONLY_MANAGERS_DECIDE)
    if redemption.user_id == user.pk:
        raise errors.NotAllowed(MSG_NOT_OWN_REDEMPTION)
    locked = Redemption.objects.select_for_update().select_related("reward").get(pk=redemption.pk)
    if locked.status != Redemption.Status.REQUESTED:
        raise errors.Conflict(MSG_ALREADY_DECIDED.format(status=locked.get_status_display().lower()))
    return locked


def _decided(locked: Redemption, *, user: User, status: str) -> None:
    locked.status = status
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])


def redemption_fulfil(*, user: User, redemption: Redemption, note: str = "") -> Redemption:
    """Mark a waiting redemption handed out (a manager or admin of its team, not the
    person who asked). requested → fulfilled; the person is mailed after commit."""
    with transaction.atomic():
        locked = _decision_locked(user=user, redemption=redemption)
        _decided(locked, user=user, status=Redemption.Status.FULFILLED)
        event = _record(locked, actor=user, from_status=Redemption.Status.REQUESTED, points=0, note=note.strip())
        on_commit_safely(notify_redemption_decided, locked.pk, event.pk)
    return locked


def redemption_refund(*, user: User, redemption: Redemption, note: str) -> Redemption:
    """Give a waiting redemption's points back, with a reason (a manager or admin of its
    team, not the person who asked). requested → refunded; the reward's stock, if it
    counts one, gets its item back; the person is mailed after commit."""
    note = (note or "").strip()
    if not note:
        raise errors.InvalidInput(MSG_REFUND_NEEDS_REASON, field="note")
    with transaction.atomic():
        locked = _decision_locked(user=user, redemption=redemption)
        # Same order as a redemption: the balance row, then the reward's.
        points_credit(balance=balance_locked(user_id=locked.user_id), points=locked.points)
        reward = Reward.objects.select_for_update().get(pk=locked.reward_id)
        if reward.stock is not None:
            reward.stock += 1
            reward.save(update_fields=["stock"])
        _decided(locked, user=user, status=Redemption.Status.REFUNDED)
        event = _record(locked, actor=user, from_status=Redemption.Status.REQUESTED, points=locked.points, note=note)
        on_commit_safely(notify_redemption_decided, locked.pk, event.pk)
    return locked
