"""Writes on stories: recording the stories customers retell, and their moderation.

Every transition re-reads its row with select_for_update inside one transaction, checks
the state it starts from, and writes an append-only history row.
"""

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from core import errors
from core.models import Role, Team, User
from core.recognition import points_for_story
from core.roles import require_team_of
from customers.models import Customer
from integrations.models import Event

from . import act_chain, outcome_days
from .events import story_event_emit
from .models import Channel, Story, StoryEvent, StoryStatus

MSG_STORY_ACT_NOT_THEIRS = "A story retells acts done for {name}; that act was for another customer."


STORY_TEXT_MAX = 5000
_http_url = URLValidator(schemes=["http", "https"])


def story_url_clean(url: str | None) -> str:
    """A story's link, or "" for none. Only http(s) web addresses are kept: a
    `javascript:` or `data:` link would run in the browser of whoever clicks it."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # "http://[::1" and other addresses urlsplit cannot take apart
        raise errors.InvalidInput(errors.MSG_STORY_LINK_SCHEME, field="url") from None
    if scheme not in ("http", "https") or len(url) > Story._meta.get_field("url").max_length:
        raise errors.InvalidInput(errors.MSG_STORY_LINK_SCHEME, field="url")
    try:
        _http_url(url)
    except ValidationError:
        raise errors.InvalidInput(errors.MSG_STORY_LINK_SCHEME, field="url") from None
    return url


def story_text_clean(text: str | None, *, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise errors.InvalidInput(errors.MSG_STORY_NEEDS_TEXT, field=field)
    if len(text) > STORY_TEXT_MAX:
        raise errors.InvalidInput(f"A story can be at most {STORY_TEXT_MAX} characters.", field=field)
    return text


def story_row_create(
    *,
    customer: Customer,
    channel: str,
    told_on: datetime.date,
    text: str,
    url: str,
    acts: list,
    consent: bool,
    recorded_by: User | None,
) -> Story:
    story = Story.objects.create(
        team_id=customer.team_id,
        customer=customer,
        channel=channel,
        told_on=told_on,
        text=text,
        url=url,
        consent=consent,
        recorded_by=recorded_by,
        status=StoryStatus.SUBMITTED,
    )
    if acts:
        story.acts.set(acts)
    StoryEvent.objects.create(story=story, actor=recorded_by, to_status=StoryStatus.SUBMITTED)
    story_event_emit(story, Event.STORY_SUBMITTED)
    return story


def story_record(
    *,
    user: User,
    customer: Customer,
    channel: str,
    text: str,
    told_on: datetime.date | None = None,
    url: str = "",
    acts: Iterable = (),
    consent: bool = False,
) -> Story:
    """Record a story a customer told, as `submitted` (waiting for an admin's review).

    Preconditions: the customer is of the user's team (any team for an admin); the
    acts it retells were done for this customer; the link, if any, is http(s); the date
    is not in the future. Writes the story and its first history row.
    """
    require_team_of(user, customer, "That customer belongs to another team.")
    if channel not in Channel.values:
        raise errors.InvalidInput("Choose how the customer told it.", field="channel")
    text = story_text_clean(text)
    url = story_url_clean(url)
    told_on = told_on or timezone.localdate()
    if told_on > timezone.localdate():
        raise errors.InvalidInput("A story cannot be told in the future.", field="told_on")
    acts = list(acts)
    if any(act.customer_id != customer.pk for act in acts):
        # A story credits the staff of the acts it retells: only acts done for the
        # customer who told it, or anyone could claim a colleague's story.
        raise errors.InvalidInput(MSG_STORY_ACT_NOT_THEIRS.format(name=customer.name), field="acts")
    with transaction.atomic():
        return story_row_create(
            customer=customer,
            channel=channel,
            told_on=told_on,
            text=text,
            url=url,
            acts=acts,
            consent=bool(consent),
            recorded_by=user,
        )


class Decision:
    APPROVE = "approve"
    FEATURE = "feature"
    REJECT = "reject"


_DECISION_STATUS = {
    Decision.APPROVE: StoryStatus.APPROVED,
    Decision.FEATURE: StoryStatus.FEATURED,
    Decision.REJECT: StoryStatus.REJECTED,
}
_DECISION_VERB = {Decision.APPROVE: "approved", Decision.FEATURE: "featured", Decision.REJECT: "rejected"}
# Which moderation moves each status allows: a featured or rejected story is settled.
STORY_TRANSITIONS = {
    StoryStatus.SUBMITTED: {StoryStatus.APPROVED, StoryStatus.FEATURED, StoryStatus.REJECTED},
    StoryStatus.APPROVED: {StoryStatus.FEATURED},
}


def story_moderate(*, user: User, story: Story, decision: str, reason: str = "") -> Story:
    """An admin approves, features or rejects (with a reason) a story.

    Allowed moves: submitted → approved | featured | rejected, and approved → featured;
    anything else raises Conflict. The story is locked while it is checked, so two
    admins at once cannot both decide it. Writes who and when, a history row, and
    (approve or feature) the points for the staff the story credits.
    """
    if user.role != Role.ADMIN:
        raise errors.NotAllowed(errors.MSG_ONLY_ADMINS_MODERATE)
    if decision not in _DECISION_STATUS:
        raise errors.InvalidInput("Decide approve, feature or reject.", field="decision")
    reason = (reason or "").strip()
    if decision == Decision.REJECT and not reason:
        raise errors.InvalidInput(errors.MSG_REJECT_NEEDS_REASON, field="reason")
    new_status = _DECISION_STATUS[decision]
    with transaction.atomic():
        # The team's lock first, as a customer joining a referral chain takes it: the chains
        # this decision rewrites and a customer joining below them then take turns, where
        # locking the story and the customers in the other order could deadlock.
        Team.objects.select_for_update(no_key=True).get(pk=story.team_id)
        story = Story.objects.select_for_update().get(pk=story.pk)
        if new_status not in STORY_TRANSITIONS.get(story.status, set()):
            raise errors.Conflict(
                errors.MSG_STORY_TRANSITION.format(
                    status=story.get_status_display().lower(), verb=_DECISION_VERB[decision]
                )
            )
        from_status = story.status
        story.status = new_status
        story.moderated_by = user
        story.moderated_at = timezone.now()
        if decision == Decision.REJECT:
            story.reject_reason = reason
        story.save(update_fields=["status", "moderated_by", "moderated_at", "reject_reason"])
        StoryEvent.objects.create(story=story, actor=user, from_status=from_status, to_status=new_status, note=reason)
        outcome_days.story_changed(story)
        act_chain.story_changed(story)
        if new_status in (StoryStatus.APPROVED, StoryStatus.FEATURED):
            points_for_story(story=story)
            featured = new_status == StoryStatus.FEATURED
            story_event_emit(story, Event.STORY_FEATURED if featured else Event.STORY_APPROVED)
    return story
