"""Writes on customers: creating and editing them with the referral guards, the stories
they retell and their moderation, NPS answers, and the personal survey links.

Every transition re-reads its row with select_for_update inside one transaction, checks
the state it starts from, and writes an append-only history row; mail goes out after
commit.
"""

import datetime
import logging
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from secondmile import errors
from secondmile.audit import audit_changes, audit_record
from secondmile.mail import mail_queue
from secondmile.models import AuditEvent, Role, Team, User
from secondmile.roles import team_require, visible_to
from secondmile.services import followup_done  # noqa: F401  (follow-ups are written there)

from .models import (
    Channel,
    Customer,
    FollowUp,
    NpsResponse,
    Story,
    StoryEvent,
    StoryStatus,
    SurveyLink,
)
from .selectors import survey_quiet, survey_token_hash

logger = logging.getLogger(__name__)

MSG_STORY_ACT_NOT_THEIRS = "A story retells acts done for {name}; that act was for another customer."
MSG_SURVEY_ASKED_RECENTLY = "{name} was last asked on {asked}; to keep it rare, ask again from {until}."

# No 0/O or 1/I/L: codes are read aloud and typed from paper.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def referral_code_new() -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        if not Customer.objects.filter(referral_code=code).exists():
            return code


def _check_referral(*, customer: Customer | None, referrer: Customer | None, team: Team) -> None:
    """The referral guards: same team, not oneself, no loop, referred at most once.

    The referrer's ancestry is read afresh from the database, one step at a time (never
    from a cached `referred_by`): with the team locked by the caller, it is what other
    edits have committed.
    """
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
    # Walk up from the referrer: meeting the customer means the referral would loop. The
    # `seen` set ends the walk even on a loop that somehow already exists.
    seen: set[int] = set()
    ancestor_id: int | None = referrer.pk
    while ancestor_id is not None and ancestor_id not in seen:
        if ancestor_id == customer.pk:
            raise errors.InvalidInput(errors.MSG_REFERRAL_LOOP.format(name=referrer.name), field="referred_by")
        seen.add(ancestor_id)
        ancestor_id = Customer.objects.filter(pk=ancestor_id).values_list("referred_by_id", flat=True).first()


MSG_STORY_NOT_REFERRERS = "The story that brought them must be one their referrer told."
REFERRAL_FIELDS = ("referred_by", "referred_by_story")


def referral_check(*, customer: Customer | None, team: Team, referred_by, referred_by_story) -> None:
    """Every rule a customer's referral must keep, given the referrer and story it would
    have: the guards of `_check_referral`, a referrer once set stays, and the story
    that brought them is one their referrer told. Raises InvalidInput naming the field.
    Reads only; the services call it with the rows locked, forms to show the message."""
    _check_referral(customer=customer, referrer=referred_by, team=team)
    if referred_by is None and customer is not None and customer.referred_by_id:
        raise errors.InvalidInput(errors.MSG_ALREADY_REFERRED, field="referred_by")
    if referred_by_story is not None and (referred_by is None or referred_by_story.customer_id != referred_by.pk):
        raise errors.InvalidInput(MSG_STORY_NOT_REFERRERS, field="referred_by_story")


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
        if referred_by is not None:
            audit_record(
                actor=user,
                action=AuditEvent.Action.REFERRAL_SET,
                target=customer,
                team=team,
                before={},
                after={"referred_by": referred_by, "referred_by_story": referred_by_story},
            )
        if referred_by_story is not None:
            from secondmile.services import points_for_referral

            points_for_referral(customer=customer)
    return customer


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
        audit_record(
            actor=user,
            target=customer,
            team=customer.team,
            before=changed_before,
            after=changed_after,
            action=AuditEvent.Action.REFERRAL_SET if referral_changed else AuditEvent.Action.CUSTOMER_EDITED,
        )
        if story is not None and not had_story:
            from secondmile.services import points_for_referral

            points_for_referral(customer=customer)
    return customer


# --- Stories ----------------------------------------------------------------------

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


def _story_text_clean(text: str | None, *, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise errors.InvalidInput(errors.MSG_STORY_NEEDS_TEXT, field=field)
    if len(text) > STORY_TEXT_MAX:
        raise errors.InvalidInput(f"A story can be at most {STORY_TEXT_MAX} characters.", field=field)
    return text


def _story_create(
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
    if customer.team_id != user.team_id and user.role != Role.ADMIN:
        raise errors.NotAllowed("That customer belongs to another team.")
    if channel not in Channel.values:
        raise errors.InvalidInput("Choose how the customer told it.", field="channel")
    text = _story_text_clean(text)
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
        return _story_create(
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
        if new_status in (StoryStatus.APPROVED, StoryStatus.FEATURED):
            from secondmile.services import points_for_story

            points_for_story(story=story)
    return story


# --- NPS --------------------------------------------------------------------------


def _score_clean(score) -> int:
    """A whole number from 0 to 10 (an int, or its digits as text), else InvalidInput."""
    if isinstance(score, bool) or (isinstance(score, float) and not score.is_integer()):
        raise errors.InvalidInput(errors.MSG_NPS_SCORE_RANGE, field="score")
    try:
        value = int(score) if isinstance(score, int | float) else int(str(score).strip(), 10)
    except (TypeError, ValueError):
        raise errors.InvalidInput(errors.MSG_NPS_SCORE_RANGE, field="score") from None
    if not 0 <= value <= 10:
        raise errors.InvalidInput(errors.MSG_NPS_SCORE_RANGE, field="score")
    return value


def _nps_create(
    *, customer: Customer, score: int, comment: str, date: datetime.date, act, recorded_by: User | None
) -> NpsResponse:
    response = NpsResponse.objects.create(
        team_id=customer.team_id,
        customer=customer,
        act=act,
        score=score,
        comment=comment,
        date=date,
        recorded_by=recorded_by,
    )
    if score <= 6:
        # A problem put right brings most customers back: someone calls them today.
        FollowUp.objects.create(
            team_id=customer.team_id,
            customer=customer,
            act=act,
            nps_response=response,
            kind=FollowUp.Kind.DETRACTOR,
            due_on=timezone.localdate(),
        )
    return response


def nps_record(
    *,
    user: User,
    customer: Customer,
    score,
    comment: str = "",
    date: datetime.date | None = None,
    act=None,
) -> NpsResponse:
    """Record a customer's 0–10 answer, optionally after one of their acts.

    A detractor (0–6) opens a follow-up for the team, due today.
    """
    if customer.team_id != user.team_id and user.role != Role.ADMIN:
        raise errors.NotAllowed("That customer belongs to another team.")
    score = _score_clean(score)
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise errors.InvalidInput("An answer cannot be dated in the future.", field="date")
    if act is not None and act.customer_id != customer.pk:
        raise errors.InvalidInput("That act was not for this customer.", field="act")
    with transaction.atomic():
        return _nps_create(
            customer=customer,
            score=score,
            comment=(comment or "").strip()[:STORY_TEXT_MAX],
            date=date,
            act=act,
            recorded_by=user,
        )


# --- The customer's own voice: personal survey links ------------------------------

SURVEY_ACT_STATUSES = ("delivered", "customer_knows")


def survey_link_create(*, user: User, act, send_email: bool = False, site_url: str = "") -> tuple[SurveyLink, str]:
    """Make a personal, single-use link for the customer of a delivered act.

    Returns the link row and the token; only the token's SHA-256 is stored, so the
    token is shown once. Refused while the customer is in their quiet period: a link
    made for them (answered or not) or an answer within it. An earlier open link for the
    same customer is closed, so they answer once. With `send_email`, the link
    (`site_url` + /s/<token>) is mailed to the customer after commit.
    """
    if act.team_id != user.team_id and user.role != Role.ADMIN:
        raise errors.NotAllowed("This act belongs to another team.")
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=act.customer_id)
        from acts.models import Act

        act = Act.objects.select_related("team", "author").get(pk=act.pk)
        if act.status not in SURVEY_ACT_STATUSES:
            raise errors.Conflict(errors.MSG_SURVEY_NOT_DELIVERED)
        # The customer row is locked: two staff making links at once cannot both ask.
        quiet = survey_quiet(customer)
        if quiet is not None:
            raise errors.Conflict(
                MSG_SURVEY_ASKED_RECENTLY.format(
                    name=customer.name, asked=_day(quiet["asked"]), until=_day(quiet["until"])
                )
            )
        if send_email and not customer.email:
            raise errors.InvalidInput(f"{customer.name} has no email address.", field="send_email")
        now = timezone.now()
        SurveyLink.objects.filter(act__customer=customer, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        token = secrets.token_urlsafe(32)
        link = SurveyLink.objects.create(
            act=act,
            token_hash=survey_token_hash(token),
            created_by=user,
            expires_at=now + datetime.timedelta(days=settings.SECONDMILE["SURVEY_LINK_DAYS"]),
        )
        if send_email:
            url = site_url.rstrip("/") + reverse("survey", args=[token])
            # Queued in this transaction: the mail is the only place the link's token is
            # kept (the link row has its hash), and its body is erased once sent.
            _queue_survey_email(link, url)
    return link, token


def _day(value) -> str:
    from secondmile.templatetags.money import day

    return day(value)


def _queue_survey_email(link: SurveyLink, url: str) -> None:
    act = SurveyLink.objects.select_related("act__customer", "act__team", "act__author").get(pk=link.pk).act
    body = (
        f"Hello {act.customer.name},\n\n"
        f"{act.author.display_name} at {act.team.name} was glad to help. Would you tell us how it "
        f"went? It takes ten seconds:\n\n{url}\n\n"
        f"The link is yours alone and works once, until {_day(link.expires_at)}.\n"
    )
    mail_queue(
        key=f"survey-link:{link.pk}",
        to=act.customer.email,
        subject_text=f"A quick question from {act.team.name}",
        body=body,
    )


def survey_submit(*, token: str, score, text: str = "", consent: bool = False) -> NpsResponse:
    """The customer answers through their link: a score, and maybe their story.

    Records an NPS response for the link's act (a detractor opens a follow-up) and,
    with text, a `submitted` story told through the survey, with consent as given.
    The link is locked and used once: a second submission raises Conflict.
    """
    score = _score_clean(score)
    text = (text or "").strip()
    if text:
        text = _story_text_clean(text)
    with transaction.atomic():
        link = SurveyLink.objects.select_for_update().filter(token_hash=survey_token_hash(token or "")).first()
        now = timezone.now()
        if link is None or link.used_at is not None or link.expires_at <= now:
            raise errors.Conflict(errors.MSG_SURVEY_LINK_GONE)
        from acts.models import Act

        act = Act.objects.get(pk=link.act_id)
        customer = Customer.objects.select_for_update().get(pk=act.customer_id)
        if customer.last_surveyed_at is not None and customer.last_surveyed_at >= link.created_at:
            # They answered through another link since this one was made: asked once is enough.
            raise errors.Conflict(errors.MSG_SURVEY_LINK_GONE)
        response = _nps_create(
            customer=customer,
            score=score,
            comment=text,
            date=timezone.localdate(),
            act=act,
            recorded_by=None,
        )
        if text:
            _story_create(
                customer=customer,
                channel=Channel.SURVEY,
                told_on=timezone.localdate(),
                text=text,
                url="",
                acts=[act],
                consent=bool(consent),
                recorded_by=None,
            )
        link.used_at = now
        link.save(update_fields=["used_at"])
        customer.last_surveyed_at = now
        customer.save(update_fields=["last_surveyed_at"])
    return response
