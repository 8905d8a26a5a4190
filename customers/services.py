"""Writes on customers: creating and editing them, with the referral guards, and
recording that a customer came back.

Stories, NPS answers and survey links are written in stories/."""

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from core import errors
from core.audit import audit_changes, audit_event_build, audit_record
from core.formatting import money
from core.models import AuditEvent, Role, Team, User
from core.money import CENT
from core.recognition import points_for_referral
from core.roles import require_team_of, team_require, visible_to
from core.rows_insert import objects_insert

from . import advocates, referral_days
from .events import customer_referred_emit, customers_referred_emit
from .models import (
    Customer,
    CustomerReturn,
    TeamCustomerCount,
)
from .outcomes import referral_refresh, return_refresh
from .referrals import REFERRAL_FIELDS, referral_check, referral_codes_new

logger = logging.getLogger(__name__)


def customer_create(
    *,
    user: User,
    name: str,
    email: str = "",
    phone: str = "",
    company: str = "",
    notes: str = "",
    referred_by: Customer | None = None,
    referred_by_story=None,
    first_purchase_value=None,
    team: Team | None = None,
) -> Customer:
    """Create a customer of the user's team (admins may name a team).

    A referrer must be a customer of the same team; a story that brought them
    must be the referrer's. Points go to the staff credited by that story.
    """
    if team is None or user.role != Role.ADMIN:
        team_require(user)
        team = user.team
    (customer,) = customers_create_many(
        user=user,
        team=team,
        customers=[
            Customer(
                name=name,
                email=email,
                phone=phone,
                company=company,
                notes=notes,
                referred_by=referred_by,
                referred_by_story=referred_by_story,
                first_purchase_value=first_purchase_value,
            )
        ],
    )
    return customer


def customers_create_many(*, user: User | None, team: Team, customers: list[Customer]) -> list[Customer]:
    """Create customers of `team` at once (one of them from `customer_create`, thousands
    from an import), keeping what every new customer keeps: a unique referral code (the
    one given, else a fresh one), the team's customer count, the referral days, the
    customers per day and the referral lineage (customers/advocates.py), a
    `referral_set` audit row, the referral points and the `customer.referred` webhook for
    each referred one. `user` is who creates them (None for a command).

    `customers` are unsaved rows; a referrer is a customer of the team or a row earlier
    in the list. Each is checked as customer_create checks one (a name, no negative
    purchase, the referral guards); the first refusal raises InvalidInput and nothing is
    saved. One transaction; rows are inserted in as few statements as the referrals
    within the list allow (a row goes in once its referrer has an id).
    """
    earlier: set[int] = set()
    for customer in customers:
        customer.team = team
        for field in ("name", "email", "phone", "company", "notes"):
            setattr(customer, field, (getattr(customer, field) or "").strip())
        if not customer.name:
            raise errors.InvalidInput("A customer needs a name.", field="name")
        referrer = customer.referred_by
        if referrer is not None and referrer.pk is None and id(referrer) not in earlier:
            raise errors.InvalidInput("A referrer must be saved, or come earlier in the list.", field="referred_by")
        earlier.add(id(customer))
        if referrer is not None and referrer.pk is None:
            referrer.team = team  # an earlier row of the list: the same team
        referral_check(customer=None, team=team, referred_by=referrer, referred_by_story=customer.referred_by_story)
        if customer.first_purchase_value is not None and customer.first_purchase_value < 0:
            raise errors.InvalidInput("A purchase value cannot be negative.", field="first_purchase_value")
    given = {customer.referral_code for customer in customers if customer.referral_code}
    fresh = iter(referral_codes_new(count=sum(1 for c in customers if not c.referral_code), taken=given))
    for customer in customers:
        customer.referral_code = customer.referral_code or next(fresh)
    with transaction.atomic():
        if any(customer.referred_by is not None for customer in customers):
            # A new customer's place in the referral tree is copied from their referrer's;
            # the team's lock (taken too by an edit that names a referrer) keeps a referral
            # further up the same chain from landing in between unseen.
            Team.objects.select_for_update(no_key=True).get(pk=team.pk)
        _insert_referrers_first(customers)
        customer_count_add(team=team, count=len(customers))
        advocates.customers_added(customers)
        referred = [customer for customer in customers if customer.referred_by_id is not None]
        referral_days.customers_added(referred)
        if referred:
            referral_refresh(referred, chain=True, created=True)
        objects_insert(
            [
                audit_event_build(
                    actor=user,
                    action=AuditEvent.Action.REFERRAL_SET,
                    target=customer,
                    team=team,
                    before={},
                    after={"referred_by": customer.referred_by, "referred_by_story": customer.referred_by_story},
                )
                for customer in referred
            ]
        )
        for customer in customers:
            if customer.referred_by_story_id is not None:
                points_for_referral(customer=customer)
        customers_referred_emit(referred)
    return customers


def _insert_referrers_first(customers: list[Customer]) -> None:
    """INSERT the rows in their order, in as few statements as possible: a statement ends
    before a row whose referrer is in it, so that every referrer has an id first. The
    statements are written once each (core.rows_insert), not compiled value by value."""
    now = timezone.now()
    run: list[Customer] = []
    for customer in customers:
        if customer.created_at is None:
            customer.created_at = now  # auto_now_add, as a save or bulk_create sets it
        referrer = customer.referred_by
        if referrer is not None and referrer.pk is None:
            objects_insert(run)
            run = []
        if referrer is not None and customer.referred_by_id is None:
            customer.referred_by = referrer  # its id, now that it has one (as bulk_create does)
        run.append(customer)
    objects_insert(run)


def customer_count_add(*, team: Team, count: int = 1) -> None:
    """`count` more customers in the team's count, in the caller's transaction: the row is
    made if missing (a conflict is ignored, so two first customers at once both count),
    then incremented in the database, which locks it until commit."""
    TeamCustomerCount.objects.bulk_create([TeamCustomerCount(team=team, customers=0)], ignore_conflicts=True)
    TeamCustomerCount.objects.filter(team=team).update(customers=F("customers") + count)


def customer_counts_rebuild() -> None:
    """Set every team's customer count from its customers: after a bulk load that
    bypassed `customer_create` (the bench's data set), while nobody adds customers."""
    counts = Customer.objects.order_by().values("team_id").annotate(n=Count("pk")).values_list("team_id", "n")
    with transaction.atomic():
        TeamCustomerCount.objects.all().delete()
        TeamCustomerCount.objects.bulk_create([TeamCustomerCount(team_id=team, customers=n) for team, n in counts])


# What customer_update may change.
EDITABLE_FIELDS = {
    "name",
    "email",
    "phone",
    "company",
    "notes",
    "referred_by",
    "referred_by_story",
    "first_purchase_value",
}


def customer_update(*, user: User, customer: Customer, **fields) -> Customer:
    """Edit a customer's details; a referrer can be set once and never makes a loop.

    The story that brought them must be one their referrer told; naming it the first
    time earns the referral points for the staff that story credits.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise errors.InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    if "name" in fields and not (fields["name"] or "").strip():
        raise errors.InvalidInput("A customer needs a name.", field="name")
    with transaction.atomic():
        if fields.get("referred_by") is not None:
            # Two edits at once ("A referred by B", "B referred by A") would each see no loop
            # in the other's uncommitted row. Setting a referrer takes the team's lock first,
            # so such edits run one after the other and the second sees the first's loop.
            # NO KEY UPDATE: rows that merely point at the team (new acts) are not held up.
            Team.objects.select_for_update(no_key=True).get(pk=customer.team_id)
        customer = visible_to(user, Customer.objects.select_for_update()).filter(pk=customer.pk).first()
        if customer is None:
            raise errors.NotAllowed("That customer belongs to another team.")
        had_story = customer.referred_by_story_id is not None
        had_referrer = customer.referred_by_id is not None
        if REFERRAL_FIELDS[0] in fields or REFERRAL_FIELDS[1] in fields:
            referral_check(
                customer=customer,
                team=customer.team,
                referred_by=fields.get("referred_by", customer.referred_by),
                referred_by_story=fields.get("referred_by_story", customer.referred_by_story),
            )
        before = {field: getattr(customer, field) for field in fields}
        for field, value in fields.items():
            setattr(customer, field, value.strip() if isinstance(value, str) else value)
        story = customer.referred_by_story
        customer.save()
        changed_before, changed_after = audit_changes(before, {field: getattr(customer, field) for field in fields})
        referral_changed = set(REFERRAL_FIELDS) & set(changed_after)
        _referral_summaries_refresh(customer, changed=set(changed_after), had_referrer=had_referrer)
        audit_record(
            actor=user,
            target=customer,
            team=customer.team,
            before=changed_before,
            after=changed_after,
            action=AuditEvent.Action.REFERRAL_SET if referral_changed else AuditEvent.Action.CUSTOMER_EDITED,
        )
        if story is not None and not had_story:
            points_for_referral(customer=customer)
        if customer.referred_by_id is not None and not had_referrer:
            customer_referred_emit(customer)
    return customer


def _referral_summaries_refresh(customer: Customer, *, changed: set[str], had_referrer: bool) -> None:
    """After an edit: the referral summaries its changed fields move, in its transaction
    (the referral days, the lineage of a first referrer, the act chains)."""
    if {"referred_by", "first_purchase_value"} & changed:
        referral_days.customer_changed(customer)
    if customer.referred_by_id is not None and not had_referrer:
        advocates.referrer_set(customer)
    if {"referred_by", "referred_by_story", "first_purchase_value"} & changed:
        referral_refresh([customer], chain=bool(set(REFERRAL_FIELDS) & changed))


# --- Returns: the customer came back --------------------------------------------------

MAX_RETURN_VALUE = Decimal("1000000.00")
MSG_RETURN_DATE_FUTURE = "A return cannot be dated in the future."
MSG_RETURN_DATE_MISSING = "Say on which day they came back."
MSG_RETURN_VALUE = "Enter what they spent as an amount like 25 or 25.50, or leave it empty."
MSG_RETURN_VALUE_NEGATIVE = "What they spent cannot be negative."
MSG_RETURN_VALUE_TOO_HIGH = f"That is more than a return can be ({money(MAX_RETURN_VALUE)}); check the amount."
MSG_RETURN_OTHER_TEAM = "That customer belongs to another team."


def return_value_parse(value) -> Decimal | None:
    """What a returning customer spent, from user input: None when blank; else Decimal
    money (two decimals at most, 0 or more), or InvalidInput naming the `value` field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise errors.InvalidInput(MSG_RETURN_VALUE, field="value") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise errors.InvalidInput(MSG_RETURN_VALUE, field="value")
    if amount < 0:
        raise errors.InvalidInput(MSG_RETURN_VALUE_NEGATIVE, field="value")
    if amount > MAX_RETURN_VALUE:
        raise errors.InvalidInput(MSG_RETURN_VALUE_TOO_HIGH, field="value")
    return amount.quantize(CENT)


def customer_return_record(
    *, user: User, customer: Customer, date: datetime.date | None, value=None, note: str = ""
) -> CustomerReturn:
    """Record that a customer came back (a visit or a purchase) on `date`, with what they
    spent (optional) and a note.

    The customer is of the user's team (admins: any team; the return is the customer's
    team's). The date is given and not in the future; the value is money, 0 or more.
    Writes the return and an audit row, then — through customers.outcomes.return_refresh,
    in the same transaction — the recovery of the customer's reactive acts before it.
    """
    require_team_of(user, customer, MSG_RETURN_OTHER_TEAM)
    if date is None:
        raise errors.InvalidInput(MSG_RETURN_DATE_MISSING, field="date")
    if date > timezone.localdate():
        raise errors.InvalidInput(MSG_RETURN_DATE_FUTURE, field="date")
    amount = return_value_parse(value)
    note = (note or "").strip()
    with transaction.atomic():
        customer_return = CustomerReturn.objects.create(
            team_id=customer.team_id, customer=customer, date=date, value=amount, note=note, recorded_by=user
        )
        audit_record(
            actor=user,
            action=AuditEvent.Action.RETURN_RECORDED,
            target=customer_return,
            team=customer.team,
            before={},
            after={"date": date, "value": amount, "note": note},
            label=f"{customer.name}, {date:%Y-%m-%d}",
        )
        return_refresh(customer_return)
    return customer_return
