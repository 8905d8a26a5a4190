"""API routes for customers (stories and NPS answers: stories/api.py)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Q
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.errors import InvalidInput
from core.inputs import BlankIsAny
from core.paging import PageNumber

from . import selectors, services

router = Router(tags=["customers"])


class CustomerIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    company: str = Field("", max_length=120)
    notes: str = ""
    referred_by: int | None = Field(None, description="id of the customer who referred them")
    referred_by_story: int | None = Field(None, description="id of the referrer's story")
    first_purchase_value: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class CustomerOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    company: str
    referral_code: str
    referred_by: int | None = Field(None, alias="referred_by_id")
    first_purchase_value: Decimal | None
    team: int = Field(alias="team_id")
    created_at: datetime.datetime


class CustomerFilter(FilterSchema):
    """`GET /api/customers?q=`: customers whose name, email, company or referral code match."""

    q: BlankIsAny = None

    def filter_q(self, value: str | None) -> Q:
        return selectors.customer_matching(value)


@router.get("/customers", response=list[CustomerOut])
@paginate(PageNumber, page_size=20)
def customer_list(request, filters: Query[CustomerFilter]):
    return filters.filter(selectors.customer_search(user=request.auth)).order_by("-created_at", "-id")


@router.get("/customers/{customer_id}", response=CustomerOut)
def customer_get(request, customer_id: int):
    return selectors.customer_get(user=request.auth, pk=customer_id)


@router.post("/customers", response={201: CustomerOut})
def customer_create(request, payload: CustomerIn):
    if payload.email:
        try:
            validate_email(payload.email)
        except DjangoValidationError:
            raise InvalidInput("Enter a valid email address.", field="email") from None
    user = request.auth
    referrer = selectors.customer_get(user=user, pk=payload.referred_by) if payload.referred_by else None
    story = selectors.story_for_referral(referrer=referrer, story_id=payload.referred_by_story)
    if payload.referred_by_story and story is None:
        raise InvalidInput("That story is not one the referrer told.", field="referred_by_story")
    customer = services.customer_create(
        user=user,
        name=payload.name,
        email=payload.email,
        phone=payload.phone,
        company=payload.company,
        notes=payload.notes,
        referred_by=referrer,
        referred_by_story=story,
        first_purchase_value=payload.first_purchase_value,
    )
    return Status(201, customer)
