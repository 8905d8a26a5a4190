"""Writes on acts: logging (with the spend policy), approvals, delivery and review.

Every transition re-reads the act with select_for_update inside one transaction,
checks the state it starts from, writes the new state and one history row, and
only then (after commit) enqueues its mail (acts/notifications.py). Budget
commitments lock the month's budget row, so concurrent approvals queue on it and
can never overspend it.
"""

import datetime
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core import errors
from core.formatting import money
from core.mail import on_commit_safely
from core.models import Role, User
from core.money import ZERO
from core.roles import require_team_of
from core.security import security_event
from integrations.models import Event

from . import approval_waits, empowerment, summaries
from .budgets import budget_adjust, budget_excess_add
from .events import act_event_emit
from .followups import followups_after_delivery
from .models import Act, ActEvent, ApprovalLevel, Status
from .notifications import notify_decided, notify_request_waiting
from .outcomes import outcomes_refresh
from .playbook import playbook_index
from .policy import cost_parse, spend_route
from .receipts import RECEIPT_EXTENSIONS, receipt_content_type
from .slack import approval_request_post

logger = logging.getLogger(__name__)
_random = secrets.SystemRandom()


# --- History --------------------------------------------------------------------


# Set by `summaries_deferred()`: a bulk load that rebuilds every summary once at its end.
_summaries_deferred: ContextVar[bool] = ContextVar("summaries_deferred", default=False)


@contextmanager
def summaries_deferred() -> Iterator[None]:
    """For a load that runs the services many times over (the demo): inside, the act services
    skip their per-change summary refresh, and the caller must rebuild every summary from the
    rows at the end (`rebuild_summaries`), which gives the same rows by construction."""
    token = _summaries_deferred.set(True)
    try:
        yield
    finally:
        _summaries_deferred.reset(token)


def _summaries_refresh(act: Act) -> None:
    """Every dashboard summary a change of this act can move, in the change's transaction:
    its day's totals (whose row lock also orders the refresh of its day's waits), its
    day's approval waits, then the outcomes of its customer's days (NPS, recovery), which
    the stories app above acts handed down (acts.outcomes)."""
    if _summaries_deferred.get():
        return
    summaries.refresh_day(act.team_id, act.date)
    approval_waits.refresh_waits(act.team_id, act.date)
    outcomes_refresh(act)


def _record(act: Act, *, actor, action, from_status="", amount=None, note="", at=None) -> ActEvent:
    """One history row, at `at` (now by default). A decision (approved, declined) also
    records how long the request it answers waited: its time − act.requested_at, the
    time of the latest request (logging above the limit, or a top-up at delivery)."""
    # timezone.now() read here, at the moment of the write, rather than left to the field's
    # default.
    event = ActEvent(
        act=act,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=act.status,
        amount=amount,
        note=note,
        at=at or timezone.now(),
    )
    if action in (ActEvent.Action.APPROVED, ActEvent.Action.DECLINED) and act.requested_at is not None:
        event.waited = event.at - act.requested_at
    event.save(force_insert=True)
    return event


def _saved(act: Act, *, actor, action, events=(), from_status="", amount=None, note="", at=None) -> ActEvent:
    """The act's change saved with its history row (`_record`), then the webhook events it
    emits, in order. Returns the history row."""
    act.save()
    event = _record(act, actor=actor, action=action, from_status=from_status, amount=amount, note=note, at=at)
    for name in events:
        act_event_emit(act, name)
    return event


# --- Logging --------------------------------------------------------------------

# The approver's three questions: an act that waits for an approver (above the person's
# own empowerment limit) has to answer each of them; a $0 or empowered act has nobody to
# answer them for, so they are optional there.
ANSWER_FIELDS = ("right_thing", "great_experience", "how_they_know")
MSG_ANSWER_NEEDED = "Above your own limit a manager or admin approves: answer this for them."
MSG_ANSWERS_NEEDED = (
    "Above your own limit, answer the approver's three questions: is it the right thing to do, "
    "will it make a great experience, and how will the customer know."
)
APPROVER_LEVELS = (ApprovalLevel.MANAGER, ApprovalLevel.ADMIN)
MSG_CUSTOMER_OTHER_TEAM = "That customer belongs to another team."


class AnswersMissing(errors.InvalidInput):
    """An act that needs an approver without some of the three answers; `fields` maps
    each one missing to its message (the error's own `field` is the first of them)."""

    def __init__(self, missing: list[str]):
        super().__init__(MSG_ANSWERS_NEEDED, fields=dict.fromkeys(missing, MSG_ANSWER_NEEDED))


def act_answers_missing(*, level: str, **answers: str) -> list[str]:
    """The answers an act routed to `level` (acts/policy.py spend_route) still lacks, in
    form order: none when nobody has to approve it ($0, or within the person's own limit)."""
    if level not in APPROVER_LEVELS:
        return []
    return [name for name in ANSWER_FIELDS if not (answers.get(name) or "").strip()]


def act_log(
    *,
    user: User,
    customer,
    problem: str,
    solution: str,
    quadrant: str,
    trigger: str,
    kind: str,
    cost,
    right_thing: str = "",
    great_experience: str = "",
    how_they_know: str = "",
    date: datetime.date | None = None,
) -> Act:
    """Log an act for a customer, routed by the spend policy of the customer's team.

    The customer is of the user's team (admins: of any team; the act then belongs to
    the customer's team, its limits and its budget). A cost above the person's own
    limit needs the three answers for the approver. A zero cost needs no approval; up to the empowerment limit it is
    approved at once and committed against the month's budget (refused if the budget
    cannot cover it); above, it waits for a manager or, above the manager limit, an admin.
    """
    require_team_of(user, customer, MSG_CUSTOMER_OTHER_TEAM)
    cost = cost_parse(cost)
    if not problem.strip():
        raise errors.InvalidInput("Say what the customer expected or needed.", field="problem")
    if not solution.strip():
        raise errors.InvalidInput("Say what you did.", field="solution")
    team = customer.team
    own_limit = empowerment.limit_of(user, team)
    level = spend_route(team=team, cost=cost, own_limit=own_limit)
    missing = act_answers_missing(
        level=level,
        right_thing=right_thing,
        great_experience=great_experience,
        how_they_know=how_they_know,
    )
    if missing:
        raise AnswersMissing(missing)
    act = Act(
        team=team,
        author=user,
        customer=customer,
        date=date or timezone.localdate(),
        problem=problem.strip(),
        solution=solution.strip(),
        quadrant=quadrant,
        trigger=trigger,
        kind=kind,
        cost=cost,
        right_thing=right_thing.strip(),
        great_experience=great_experience.strip(),
        how_they_know=how_they_know.strip(),
        approval_level=level,
    )
    if act.date > timezone.localdate():
        raise errors.InvalidInput("An act cannot be dated in the future.", field="date")
    with transaction.atomic():
        if level in (ApprovalLevel.NONE, ApprovalLevel.EMPOWERED):
            _logged_approved(act, user=user, own_limit=own_limit)
        else:
            _logged_waiting(act, user=user)
        playbook_index(act=act)
        _summaries_refresh(act)
    return act


def _logged_approved(act: Act, *, user: User, own_limit: Decimal) -> None:
    """A new act that needs no approval (no cost) or is within its author's own limit:
    approved at once and committed against the month's budget (refused if the budget
    cannot cover it); an empowered one may be picked for a manager's look."""
    act.status = Status.APPROVED
    act.approved_amount = act.cost
    act.decided_at = timezone.now()
    empowered = act.approval_level == ApprovalLevel.EMPOWERED
    act.for_review = empowered and _random.random() < float(act.team.review_share)
    budget_adjust(act=act, new_commitment=act.cost)
    _saved(act, actor=user, action=ActEvent.Action.LOGGED, amount=act.cost, events=(Event.ACT_LOGGED,))
    if empowered:
        _record(
            act,
            actor=user,
            action=ActEvent.Action.AUTO_APPROVED,
            from_status=Status.APPROVED,
            amount=act.cost,
            note=f"Within {user.display_name}'s empowerment limit of {money(own_limit)}.",
        )
        act_event_emit(act, Event.ACT_APPROVED)


def _logged_waiting(act: Act, *, user: User) -> None:
    """A new act above its author's own limit: it waits for a manager (or an admin)."""
    _sent_for_approval(
        act, user=user, action=ActEvent.Action.LOGGED, events=(Event.ACT_LOGGED, Event.ACT_APPROVAL_REQUESTED)
    )


def _sent_for_approval(act: Act, *, user: User, action: str, events: tuple, from_status="", note="", at=None) -> None:
    """The act waits for an approver from `at` (now): saved with its history row (the
    request's time is the row's), and the approvers hear of it once the transaction commits."""
    act.status = Status.PENDING_APPROVAL
    act.requested_at = at or timezone.now()
    _saved(
        act,
        actor=user,
        action=action,
        from_status=from_status,
        amount=act.cost,
        at=act.requested_at,
        note=note,
        events=events,
    )
    on_commit_safely(notify_request_waiting, act.pk)
    transaction.on_commit(lambda: approval_request_post(act.pk), robust=True)


# --- Decisions ------------------------------------------------------------------


def _locked(act: Act) -> Act:
    # The act's row only (of self): locking its team too would hold the team row FOR UPDATE
    # while the day summaries are locked next, and any transaction holding a summary row
    # whose commit checks a foreign key to the team (an act logged, an NPS answer: a KEY
    # SHARE lock) would then deadlock with it. The budget has its own row lock.
    return Act.objects.select_for_update(of=("self",)).select_related("team").get(pk=act.pk)


def user_may_decide(user: User, act: Act) -> str | None:
    """Why `user` may not decide `act` (a message), or None when they may."""
    if user.role == Role.STAFF:
        return errors.MSG_STAFF_CANNOT_DECIDE
    if act.author_id == user.pk:
        return errors.MSG_NOT_OWN_REQUEST
    if user.role == Role.MANAGER:
        if act.team_id != user.team_id:
            return "This request belongs to another team."
        if act.approval_level == ApprovalLevel.ADMIN:
            return errors.MSG_ABOVE_MANAGER_LIMIT
    return None


def _check_decider(user: User, act: Act) -> None:
    if act.status != Status.PENDING_APPROVAL:
        raise errors.Conflict(errors.MSG_ALREADY_DECIDED)
    refusal = user_may_decide(user, act)
    if refusal:
        raise errors.NotAllowed(refusal)


MSG_TOP_UP_BELOW_APPROVED = (
    "This act was already approved for {approved}: approve at least that, or decline the top-up."
)


def _top_up_delivered(act: Act) -> None:
    """A decided top-up of an act already delivered (its actual cost recorded with the
    request): it is delivered now, at its actual cost. What stays above the approved amount
    is `over_approved`, added to the month's excess beside (never into) its commitments;
    the delivery's follow-ups are scheduled now."""
    act.status = Status.DELIVERED
    act.over_approved = max(act.actual_cost - (act.approved_amount or ZERO), ZERO)
    if act.over_approved:
        budget_excess_add(act=act, amount=act.over_approved)
    followups_after_delivery(act=act)


def spend_approve(*, user: User, act: Act, amount=None, note: str = "") -> Act:
    """Approve a waiting request, optionally for less than asked.

    Preconditions: the act is pending approval; the user may decide it (a manager of
    its team up to the manager limit, or an admin; never the author); the month's
    remaining budget covers the amount. Moves it to `approved` and commits the amount.
    A top-up (an act delivered above its approved amount, its actual cost recorded) is
    approved for at least what was approved before and becomes `delivered` at its actual
    cost; an amount below that cost leaves the rest as over the approved amount.
    """
    with transaction.atomic():
        act = _locked(act)
        _check_decider(user, act)
        amount = act.cost if amount in (None, "") else cost_parse(amount, field="amount")
        if amount > act.cost:
            raise errors.InvalidInput(f"You can approve up to the {money(act.cost)} asked, not more.", field="amount")
        if amount == 0:
            raise errors.InvalidInput("Approve an amount above zero, or decline the request.", field="amount")
        top_up = act.actual_cost is not None
        if top_up and amount < (act.approved_amount or ZERO):
            raise errors.InvalidInput(
                MSG_TOP_UP_BELOW_APPROVED.format(approved=money(act.approved_amount)), field="amount"
            )
        try:
            budget_adjust(act=act, new_commitment=amount)
        except errors.BudgetExceeded:
            security_event("approval_refused_over_budget", user=user, act_id=act.pk, amount=str(amount))
            raise
        act.status = Status.APPROVED
        act.approved_amount = amount
        act.decided_by = user
        act.decided_at = timezone.now()
        act.decision_note = note.strip()
        if top_up:
            _top_up_delivered(act)
        event = _saved(
            act,
            actor=user,
            action=ActEvent.Action.APPROVED,
            from_status=Status.PENDING_APPROVAL,
            amount=amount,
            note=note.strip(),
            at=act.decided_at,
            events=(Event.ACT_APPROVED, Event.ACT_DELIVERED) if top_up else (Event.ACT_APPROVED,),
        )
        on_commit_safely(notify_decided, act.pk, event.pk)
        _summaries_refresh(act)
    return act


def spend_decline(*, user: User, act: Act, note: str, moves_limit: bool = True) -> Act:
    """Decline a waiting request with a reason.

    A first request becomes `declined`. A top-up of an act delivered above its approved
    amount leaves it `delivered` at its actual cost, which spend counts: the budget keeps
    holding what was approved, and the rest is shown apart as over the approved amount
    (declined) — an exception for managers to look at. (A top-up asked before actual costs
    were kept with the request returns the act to `approved`, as it used to.)

    With `moves_limit` False the author's own empowerment limit stands still (the demo
    loads its history out of order; acts/empowerment.py).
    """
    note = (note or "").strip()
    if not note:
        raise errors.InvalidInput(errors.MSG_DECLINE_NEEDS_REASON, field="note")
    with transaction.atomic():
        act = _locked(act)
        _check_decider(user, act)
        top_up = act.actual_cost is not None
        act.status = Status.APPROVED if act.approved_amount is not None else Status.DECLINED
        act.decided_by = user
        act.decided_at = timezone.now()
        act.decision_note = note
        if top_up:
            _top_up_delivered(act)
        event = _saved(
            act,
            actor=user,
            action=ActEvent.Action.DECLINED,
            from_status=Status.PENDING_APPROVAL,
            amount=act.cost,
            note=note,
            at=act.decided_at,
            events=(Event.ACT_DECLINED, Event.ACT_DELIVERED) if top_up else (Event.ACT_DECLINED,),
        )
        if moves_limit:
            empowerment.limit_after_declined(act=act, user=user, note=note, at=act.decided_at)
        on_commit_safely(notify_decided, act.pk, event.pk)
        _summaries_refresh(act)
    return act


def spend_withdraw(*, user: User, act: Act, note: str = "") -> Act:
    """The requester takes back a request while it waits. A withdrawn top-up returns the
    act to `approved`, undelivered, so that it can be delivered again with the right cost
    (the history keeps the cost it was asked for)."""
    with transaction.atomic():
        act = _locked(act)
        if act.author_id != user.pk:
            raise errors.NotAllowed("Only the person who asked can withdraw a request.")
        if act.status != Status.PENDING_APPROVAL:
            raise errors.Conflict("Only a request that is still waiting can be withdrawn.")
        if act.approved_amount is not None:
            # Back to the approval it had: an empowered act asked no one, so its level
            # returns with it (a manager's level would need an approver to be approved).
            act.status = Status.APPROVED
            if act.decided_by_id is None:
                act.approval_level = spend_route(team=act.team, cost=act.approved_amount)
        else:
            act.status = Status.WITHDRAWN
        act.actual_cost = None
        act.delivered_at = None
        # The amount withdrawn is the one asked, as a decline records it.
        _saved(
            act,
            actor=user,
            action=ActEvent.Action.WITHDRAWN,
            from_status=Status.PENDING_APPROVAL,
            amount=act.cost,
            note=note.strip(),
            events=(Event.ACT_WITHDRAWN,),
        )
        _summaries_refresh(act)
    return act


# --- After approval -------------------------------------------------------------


def act_deliver(*, user: User, act: Act, actual_cost, receipt=None, note: str = "") -> Act:
    """Mark an approved act delivered with what it really cost.

    A receipt is required above the team's threshold. A cost above what was approved
    goes back for approval of the higher amount (unless it stays within the
    empowerment limit), with the actual cost and the delivery recorded at once so that
    the decision cannot lose them (spend_approve, spend_decline); a lower one releases
    the difference to the budget.
    """
    actual_cost = cost_parse(actual_cost, field="actual_cost")
    if receipt is not None:
        # Stored under a name of our own whose extension matches the content, so the
        # file is always served as what it is (never as HTML, whatever it was called).
        # The random part makes every name new: object storage has no exclusive create,
        # so two servers saving the same name at once would keep only one of the files.
        receipt.name = f"receipt-{secrets.token_hex(12)}" + RECEIPT_EXTENSIONS[receipt_content_type(receipt)]
    with transaction.atomic():
        act = _locked(act)
        require_team_of(user, act, "This act belongs to another team.")
        if act.status != Status.APPROVED:
            raise errors.Conflict("Only an approved act can be delivered.")
        if actual_cost > act.team.receipt_required_above and not (receipt or act.receipt):
            raise errors.InvalidInput(
                f"Attach a receipt: it is required above {money(act.team.receipt_required_above)}.",
                field="receipt",
            )
        if receipt is not None:
            act.receipt = receipt
        approved = act.approved_amount or ZERO
        if actual_cost > approved:
            # The author's own limit: a teammate delivering it does not change whose spend it is.
            level = spend_route(team=act.team, cost=actual_cost, own_limit=empowerment.limit_of(act.author, act.team))
            if level in (ApprovalLevel.MANAGER, ApprovalLevel.ADMIN):
                return _more_requested(act, user=user, actual_cost=actual_cost, level=level, note=note)
            act.approved_amount = actual_cost
        budget_adjust(act=act, new_commitment=actual_cost)
        act.actual_cost = actual_cost
        act.status = Status.DELIVERED
        act.delivered_at = timezone.now()
        _saved(
            act,
            actor=user,
            action=ActEvent.Action.DELIVERED,
            from_status=Status.APPROVED,
            amount=actual_cost,
            note=note.strip(),
            events=(Event.ACT_DELIVERED,),
        )
        followups_after_delivery(act=act)
        _summaries_refresh(act)
    return act


def _more_requested(act: Act, *, user: User, actual_cost: Decimal, level: str, note: str) -> Act:
    """A delivery that cost more than approved, above its author's own limit: the act goes
    back for approval of the whole actual cost, the delivery recorded with it."""
    approved = act.approved_amount or ZERO
    act.cost = actual_cost
    act.actual_cost = actual_cost
    act.approval_level = level
    act.delivered_at = timezone.now()
    _sent_for_approval(
        act,
        user=user,
        action=ActEvent.Action.MORE_REQUESTED,
        from_status=Status.APPROVED,
        note=note or f"Cost {money(actual_cost)}, {money(actual_cost - approved)} more than approved.",
        events=(Event.ACT_APPROVAL_REQUESTED,),
        at=act.delivered_at,
    )
    _summaries_refresh(act)
    return act


def act_customer_knows(*, user: User, act: Act, how: str, moves_limit: bool = True) -> Act:
    """Record how the customer learned of a delivered act: the act is then complete, and
    counts toward its author's own empowerment limit (unless `moves_limit` is False)."""
    how = (how or "").strip()
    if not how:
        raise errors.InvalidInput("Say how the customer learned of it.", field="how")
    with transaction.atomic():
        act = _locked(act)
        require_team_of(user, act, "This act belongs to another team.")
        if act.status != Status.DELIVERED:
            raise errors.Conflict("Only a delivered act can be marked as known to the customer.")
        act.status = Status.CUSTOMER_KNOWS
        act.customer_knew_how = how
        _saved(
            act,
            actor=user,
            action=ActEvent.Action.CUSTOMER_KNOWS,
            from_status=Status.DELIVERED,
            amount=act.actual_cost,
            note=how,
            events=(Event.ACT_CUSTOMER_KNOWS,),
        )
        if moves_limit:
            empowerment.limit_after_completed(act=act)
        _summaries_refresh(act)
    return act


MSG_PROBLEM_NEEDS_NOTE = "Say what was wrong: the person sees it, and their limit goes back to the team's."


def act_review(*, user: User, act: Act, note: str = "", problem: bool = False) -> Act:
    """A manager marks an empowered act drawn for a random look as seen, or as a problem
    (with a note saying what was wrong): a problem puts its author's own empowerment
    limit back to the team's (acts/empowerment.py)."""
    note = (note or "").strip()
    if problem and not note:
        raise errors.InvalidInput(MSG_PROBLEM_NEEDS_NOTE, field="note")
    with transaction.atomic():
        act = _locked(act)
        if user.role == Role.STAFF:
            raise errors.NotAllowed("Only a manager or an admin looks at empowered acts.")
        if user.role == Role.MANAGER and act.team_id != user.team_id:
            raise errors.NotAllowed("This act belongs to another team.")
        if not act.for_review or act.reviewed_at is not None:
            raise errors.Conflict("This act is not waiting for a look.")
        act.reviewed_by = user
        act.reviewed_at = timezone.now()
        act.review_problem = problem
        act.save(update_fields=["reviewed_by", "reviewed_at", "review_problem"])
        _record(
            act,
            actor=user,
            action=ActEvent.Action.REVIEW_PROBLEM if problem else ActEvent.Action.REVIEWED,
            from_status=act.status,
            note=note,
            at=act.reviewed_at,
        )
        if problem:
            empowerment.limit_after_problem(act=act, user=user, note=note, at=act.reviewed_at)
    return act
