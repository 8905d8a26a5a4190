"""API routes for customers (and, with them, stories and NPS responses)."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from acts import selectors as act_selectors
from secondmile.paging import Counted, PageNumber

from . import selectors, services
from .models import StoryStatus

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


@router.get("/customers", response=list[CustomerOut])
@paginate(PageNumber, page_size=20)
def customer_list(request, q: str = ""):
    """Customers of your team (every team for an admin), newest first, optionally those
    matching `q` (name, email, company or referral code). Without `q`, `count` is the
    team's customer count the services keep; with it, the matches are counted."""
    user = request.auth
    customers = selectors.customer_search(user=user, query=q).order_by("-created_at", "-id")
    if q.strip():
        return customers
    return Counted(customers, selectors.customers_count(user=user))


@router.get("/customers/{customer_id}", response=CustomerOut)
def customer_get(request, customer_id: int):
    return selectors.customer_get(user=request.auth, pk=customer_id)


@router.post("/customers", response={201: CustomerOut})
def customer_create(request, payload: CustomerIn):
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import validate_email

    from secondmile.errors import InvalidInput

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


# --- Stories ----------------------------------------------------------------------


class StoryIn(Schema):
    customer: int
    channel: Literal["review", "social", "word_of_mouth", "letter", "survey"]
    told_on: datetime.date | None = Field(None, description="default today")
    text: str = Field(min_length=1, max_length=services.STORY_TEXT_MAX)
    url: str = Field("", max_length=500, description="http:// or https:// only")
    acts: list[int] = Field(default_factory=list, description="ids of the acts it retells")
    consent: bool = False


class StoryOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    team: int = Field(alias="team_id")
    channel: str
    told_on: datetime.date
    text: str
    url: str
    acts: list[int]
    consent: bool
    status: Literal["submitted", "approved", "featured", "rejected"]
    reject_reason: str
    moderated_by: str | None
    moderated_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_acts(story) -> list[int]:
        return [act.pk for act in story.acts.all()]

    @staticmethod
    def resolve_moderated_by(story) -> str | None:
        return story.moderated_by.username if story.moderated_by else None


class ModerateIn(Schema):
    decision: Literal["approve", "feature", "reject"]
    reason: str = Field("", max_length=1000, description="required to reject")


@router.get("/stories", response=list[StoryOut], tags=["stories"])
@paginate(PageNumber, page_size=20)
def story_list(request, status: str = Query("", description="submitted, approved, featured or rejected")):
    """Stories of your team (every team for an admin), newest first, optionally of one
    status; an unknown status is 422, not an empty list that looks like "none"."""
    if status and status not in StoryStatus.values:
        *first, last = StoryStatus.values
        raise HttpError(422, f"Unknown status '{status}': use {', '.join(first)} or {last}.")
    return selectors.story_list(user=request.auth, status=status)


@router.post("/stories", response={201: StoryOut}, tags=["stories"])
def story_create(request, payload: StoryIn):
    """Record a story a customer told; it waits for an admin's review (`submitted`)."""
    user = request.auth
    customer = selectors.customer_get(user=user, pk=payload.customer)
    acts = [act_selectors.act_get(user=user, pk=act_id) for act_id in dict.fromkeys(payload.acts)]
    story = services.story_record(
        user=user,
        customer=customer,
        channel=payload.channel,
        text=payload.text,
        told_on=payload.told_on,
        url=payload.url,
        acts=acts,
        consent=payload.consent,
    )
    return Status(201, selectors.story_list(user=user).get(pk=story.pk))


@router.post("/stories/{story_id}/moderate", response=StoryOut, tags=["stories"])
def story_moderate(request, story_id: int, payload: ModerateIn):
    """Approve, feature or reject (with a reason) a story: admins only (403 otherwise);
    409 when the story's status does not allow it."""
    user = request.auth
    story = selectors.story_get(user=user, pk=story_id)
    services.story_moderate(user=user, story=story, decision=payload.decision, reason=payload.reason)
    return selectors.story_list(user=user).get(pk=story.pk)


# --- NPS --------------------------------------------------------------------------


class NpsIn(Schema):
    customer: int
    score: int = Field(ge=0, le=10)
    comment: str = Field("", max_length=services.STORY_TEXT_MAX)
    act: int | None = None
    date: datetime.date | None = Field(None, description="default today")


class NpsOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    act: int | None = Field(None, alias="act_id")
    score: int
    comment: str
    date: datetime.date
    created_at: datetime.datetime


@router.post("/nps", response={201: NpsOut}, tags=["nps"])
def nps_create(request, payload: NpsIn):
    """Record a customer's 0–10 answer; a detractor (0–6) opens a follow-up due today."""
    user = request.auth
    customer = selectors.customer_get(user=user, pk=payload.customer)
    act = act_selectors.act_get(user=user, pk=payload.act) if payload.act else None
    response = services.nps_record(
        user=user,
        customer=customer,
        score=payload.score,
        comment=payload.comment,
        date=payload.date,
        act=act,
    )
    return Status(201, response)
