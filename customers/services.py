"""Writes on customers: creating and editing them with the referral guards."""

import secrets

from django.db import transaction

from secondmile import errors
from secondmile.models import Role, Team, User

from .models import Customer

# No 0/O or 1/I/L: codes are read aloud and typed from paper.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def referral_code_new() -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        if not Customer.objects.filter(referral_code=code).exists():
            return code


def _check_referral(*, customer: Customer | None, referrer: Customer | None, team: Team) -> None:
    """The referral guards: same team, not oneself, no loop, referred at most once."""
    if referrer is None:
        return
    if referrer.team_id != team.pk:
        raise errors.InvalidInput("That referrer is not a customer of this team.", field="referred_by")
    if customer is None or customer.pk is None:
        return
    if referrer.pk == customer.pk:
        raise errors.InvalidInput(errors.MSG_SELF_REFERRAL, field="referred_by")
    if customer.referred_by_id and customer.referred_by_id != referrer.pk:
        raise errors.InvalidInput(errors.MSG_ALREADY_REFERRED, field="referred_by")
    # Walk up from the referrer: meeting the customer means the referral would loop.
    seen = set()
    ancestor = referrer
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == customer.pk:
            raise errors.InvalidInput(
                errors.MSG_REFERRAL_LOOP.format(name=referrer.name), field="referred_by"
            )
        seen.add(ancestor.pk)
        ancestor = ancestor.referred_by


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
    team = team if (team is not None and user.role == Role.ADMIN) else user.team
    name = (name or "").strip()
    if not name:
        raise errors.InvalidInput("A customer needs a name.", field="name")
    _check_referral(customer=None, referrer=referred_by, team=team)
    if referred_by_story is not None and (
        referred_by is None or referred_by_story.customer_id != referred_by.pk
    ):
        raise errors.InvalidInput(
            "The story that brought them must be one their referrer told.", field="referred_by_story"
        )
    if first_purchase_value is not None and first_purchase_value < 0:
        raise errors.InvalidInput("A purchase value cannot be negative.", field="first_purchase_value")
    with transaction.atomic():
        customer = Customer.objects.create(
            team=team, name=name, email=(email or "").strip(), phone=(phone or "").strip(),
            company=(company or "").strip(), notes=(notes or "").strip(),
            referral_code=referral_code_new(), referred_by=referred_by,
            referred_by_story=referred_by_story, first_purchase_value=first_purchase_value,
        )
        if referred_by_story is not None:
            from secondmile.services import points_for_referral

            points_for_referral(customer=customer)
    return customer


def customer_update(*, user: User, customer: Customer, **fields) -> Customer:
    """Edit a customer's details; a referrer can be set once and never makes a loop."""
    allowed = {"name", "email", "phone", "company", "notes", "referred_by", "first_purchase_value"}
    unknown = set(fields) - allowed
    if unknown:
        raise errors.InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    if "name" in fields and not (fields["name"] or "").strip():
        raise errors.InvalidInput("A customer needs a name.", field="name")
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if "referred_by" in fields:
            _check_referral(customer=customer, referrer=fields["referred_by"], team=customer.team)
            if fields["referred_by"] is None and customer.referred_by_id:
                raise errors.InvalidInput(errors.MSG_ALREADY_REFERRED, field="referred_by")
        for field, value in fields.items():
            setattr(customer, field, value.strip() if isinstance(value, str) else value)
        customer.save()
    return customer
