"""API routes for customers (stories and NPS answers: stories/api.py)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Q
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.errors import InvalidInput
from core.inputs import BlankIsAny, fields_of
from core.paging import Counted, PageNumber

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


class ReturnOut(Schema):
    id: int
    date: datetime.date
    value: str | None
    note: str
    recorded_by: int | None = Field(None, alias="recorded_by_id")
    created_at: datetime.datetime

    @staticmethod
    def resolve_value(obj) -> str | None:
        return None if obj.value is None else str(obj.value)


RETURNS_LISTED = 50


class CustomerDetailOut(CustomerOut):
    returns_count: int
    returns: list[ReturnOut] = Field(description=f"the latest {RETURNS_LISTED} times they came back, latest first")

    @staticmethod
    def resolve_returns(obj) -> list:
        return obj.returns_listed


class ReturnIn(Schema):
    date: datetime.date = Field(description="YYYY-MM-DD, not in the future")
    value: str | None = Field(None, description="what they spent, a decimal string; omit or null for a visit")
    note: str = Field("", max_length=2000)


class CustomerFilter(FilterSchema):
    """`GET /api/customers?q=`: customers whose name, email, company or referral code match."""

    q: BlankIsAny = None

    def filter_q(self, value: str | None) -> Q:
        return selectors.customer_matching(value)


@router.get("/customers", response=list[CustomerOut])
@paginate(PageNumber, page_size=20)
def customer_list(request, filters: Query[CustomerFilter]):
    """Customers of your team (every team for an admin), newest first, optionally those
    matching `q` (name, email, company or referral code). Without `q`, `count` is the
    team's customer count the services keep; with it, the matches are counted."""
    user = request.auth
    customers = filters.filter(selectors.customer_search(user=user)).order_by("-created_at", "-id")
    if (filters.q or "").strip():
        return customers
    return Counted(customers, selectors.customers_count(user=user))


@router.get("/customers/{customer_id}", response=CustomerDetailOut)
def customer_get(request, customer_id: int):
    """One customer, with the times they came back (the latest 50 and how many in all)."""
    customer = selectors.customer_get(user=request.auth, pk=customer_id)
    returns = selectors.customer_returns(customer=customer)
    customer.returns_count = returns.count()
    customer.returns_listed = list(returns[:RETURNS_LISTED])
    return customer


@router.post("/customers/{customer_id}/returns", response={201: ReturnOut})
def customer_return_create(request, customer_id: int, payload: ReturnIn):
    """Record that the customer came back (a visit, or a purchase with its `value`) on
    `date`: 201 with the return; 400 for a future date or a value that is not money; 404
    for another team's customer. It counts for the recovery rate of their reactive acts."""
    customer = selectors.customer_get(user=request.auth, pk=customer_id)
    customer_return = services.customer_return_record(
        user=request.auth, customer=customer, date=payload.date, value=payload.value, note=payload.note
    )
    return Status(201, customer_return)


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
        referred_by=referrer,
        referred_by_story=story,
        **fields_of(dict(payload), "name", "email", "phone", "company", "notes", "first_purchase_value"),
    )
    return Status(201, customer)
