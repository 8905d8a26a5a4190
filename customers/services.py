"""Writes on customers: creating and editing them, with the referral guards.

Stories, NPS answers and survey links are written in stories/."""

import logging

from django.db import transaction
from django.db.models import Count, F

from core import errors
from core.audit import audit_changes, audit_record
from core.models import AuditEvent, Role, Team, User
from core.recognition import points_for_referral
from core.roles import team_require, visible_to

from . import advocates, referral_days
from .events import customer_referred_emit
from .models import (
    Customer,
    TeamCustomerCount,
)
from .referrals import REFERRAL_FIELDS, referral_check, referral_code_new

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
    name = (name or "").strip()
    if not name:
        raise errors.InvalidInput("A customer needs a name.", field="name")
    referral_check(customer=None, team=team, referred_by=referred_by, referred_by_story=referred_by_story)
    if first_purchase_value is not None and first_purchase_value < 0:
        raise errors.InvalidInput("A purchase value cannot be negative.", field="first_purchase_value")
    with transaction.atomic():
        if referred_by is not None:
            # The new customer's place in the tree is copied from their referrer's; the
            # team's lock (taken too by an edit that names a referrer) keeps a referral
            # further up the same chain from landing in between unseen.
            Team.objects.select_for_update(no_key=True).get(pk=team.pk)
        customer = Customer.objects.create(
            team=team,
            name=name,
            email=(email or "").strip(),
            phone=(phone or "").strip(),
            company=(company or "").strip(),
            notes=(notes or "").strip(),
            referral_code=referral_code_new(),
            referred_by=referred_by,
            referred_by_story=referred_by_story,
            first_purchase_value=first_purchase_value,
        )
        customer_count_add(team=team)
        advocates.customer_created(customer)
        if referred_by is not None:
            referral_days.customer_changed(customer)
            audit_record(
                actor=user,
                action=AuditEvent.Action.REFERRAL_SET,
                target=customer,
                team=team,
                before={},
                after={"referred_by": referred_by, "referred_by_story": referred_by_story},
            )
        if referred_by_story is not None:
            points_for_referral(customer=customer)
        if referred_by is not None:
            customer_referred_emit(customer)
    return customer


def customer_count_add(*, team: Team) -> None:
    """One more customer in the team's count, in the caller's transaction: the row is made
    if missing (a conflict is ignored, so two first customers at once both count), then
    incremented in the database, which locks it until commit."""
    TeamCustomerCount.objects.bulk_create([TeamCustomerCount(team=team, customers=0)], ignore_conflicts=True)
    TeamCustomerCount.objects.filter(team=team).update(customers=F("customers") + 1)


def customer_counts_rebuild() -> None:
    """Set every team's customer count from its customers: after a bulk load that
    bypassed `customer_create` (the bench's data set), while nobody adds customers."""
    counts = Customer.objects.order_by().values("team_id").annotate(n=Count("pk")).values_list("team_id", "n")
    with transaction.atomic():
        TeamCustomerCount.objects.all().delete()
        TeamCustomerCount.objects.bulk_create([TeamCustomerCount(team_id=team, customers=n) for team, n in counts])


def customer_update(*, user: User, customer: Customer, **fields) -> Customer:
    """Edit a customer's details; a referrer can be set once and never makes a loop.

    The story that brought them must be one their referrer told; naming it the first
    time earns the referral points for the staff that story credits.
    """
    allowed = {
        "name",
        "email",
        "phone",
        "company",
        "notes",
        "referred_by",
        "referred_by_story",
        "first_purchase_value",
    }
    unknown = set(fields) - allowed
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
        if {"referred_by", "first_purchase_value"} & set(changed_after):
            referral_days.customer_changed(customer)
        if customer.referred_by_id is not None and not had_referrer:
            advocates.referrer_set(customer)
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
