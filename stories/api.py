"""API routes for stories and NPS answers."""

import datetime
from typing import Literal

from django.db.models import Q
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from acts import selectors as act_selectors
from core.inputs import BlankIsAny, fields_of
from core.paging import PageNumber
from customers import selectors as customer_selectors

from . import nps, selectors, services
from .models import StoryStatus

router = Router(tags=["stories"])


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


class StoryFilter(FilterSchema):
    status: BlankIsAny = Field(None, description="submitted, approved, featured or rejected")

    def filter_status(self, value: str | None) -> Q:
        # ninja asks for the expression of an absent filter too (then leaves it out).
        if value is None:
            return Q()
        # An unknown status is 422, not an empty list that looks like "none".
        if value not in StoryStatus.values:
            *first, last = StoryStatus.values
            raise HttpError(422, f"Unknown status '{value}': use {', '.join(first)} or {last}.")
        return Q(status=value)


@router.get("/stories", response=list[StoryOut], tags=["stories"])
@paginate(PageNumber, page_size=20)
def story_list(request, filters: Query[StoryFilter]):
    """Stories of your team (every team for an admin), newest first, optionally of one status."""
    return filters.filter(selectors.story_list(user=request.auth))


@router.post("/stories", response={201: StoryOut}, tags=["stories"])
def story_create(request, payload: StoryIn):
    """Record a story a customer told; it waits for an admin's review (`submitted`)."""
    user = request.auth
    customer = customer_selectors.customer_get(user=user, pk=payload.customer)
    acts = [act_selectors.act_get(user=user, pk=act_id) for act_id in dict.fromkeys(payload.acts)]
    story = services.story_record(
        user=user,
        customer=customer,
        acts=acts,
        **fields_of(dict(payload), "channel", "text", "told_on", "url", "consent"),
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
    customer = customer_selectors.customer_get(user=user, pk=payload.customer)
    act = act_selectors.act_get(user=user, pk=payload.act) if payload.act else None
    response = nps.nps_record(
        user=user,
        customer=customer,
        act=act,
        **fields_of(dict(payload), "score", "comment", "date"),
    )
    return Status(201, response)
