"""The customer's own voice: personal, single-use survey links (/s/<token>), the quiet
period between two asks, and the answer given through a link."""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from acts.models import Act
from core import errors
from core.formatting import day
from core.mail import mail_queue
from core.models import User
from core.roles import require_team_of
from core.tokens import token_hash
from customers.models import Customer

from .models import Channel, NpsResponse, SurveyLink
from .nps import nps_row_create, score_clean
from .services import story_row_create, story_text_clean

MSG_SURVEY_ASKED_RECENTLY = "{name} was last asked on {asked}; to keep it rare, ask again from {until}."


# --- Reads: the link a token names, and the quiet period ----------------------------


def survey_link_open(token: str) -> SurveyLink | None:
    """The open (unused, unexpired) link a token names, or None."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyLink.objects.select_related("act__customer", "act__team", "act__author")
        .filter(token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def survey_link_answered(token: str) -> SurveyLink | None:
    """The used link a token names (for the thank-you page of whoever just answered)."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyLink.objects.select_related("act__customer", "act__team", "act__author")
        .filter(token_hash=token_hash(token), used_at__isnull=False)
        .first()
    )


def survey_last_asked(customer: Customer) -> datetime.datetime | None:
    """When the customer was last asked for their voice: the newest link sent to them
    (emailed by the app or marked as sent) or their last answer through one, whichever is
    later; None if never. A link made and never sent has not asked anybody: it does not
    start the quiet period, so a lost link can be replaced by a new one."""
    latest_sent = SurveyLink.objects.filter(act__customer_id=customer.pk).aggregate(latest=Max("sent_at"))["latest"]
    return max((t for t in (latest_sent, customer.last_surveyed_at) if t is not None), default=None)


def survey_link_unused(*, customer: Customer) -> SurveyLink | None:
    """The customer's open link (made, not answered, not expired), if any: the page
    offers to mark it as sent, or to make a new one in its place."""
    return (
        SurveyLink.objects.select_related("act", "created_by", "sent_by")
        .filter(act__customer_id=customer.pk, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at", "-id")
        .first()
    )


def survey_quiet(customer: Customer) -> dict | None:
    """While the customer is in their quiet period: when they were last asked (`asked`)
    and the first day they may be asked again (`until`). None when they may be asked now."""
    asked = survey_last_asked(customer)
    if asked is None:
        return None
    until = timezone.localtime(asked).date() + datetime.timedelta(days=settings.SECONDMILE["SURVEY_QUIET_DAYS"])
    return {"asked": asked, "until": until} if until > timezone.localdate() else None


def survey_quiet_until(customer: Customer) -> datetime.date | None:
    """The first day the customer may be asked again, or None when they may be now."""
    quiet = survey_quiet(customer)
    return quiet["until"] if quiet else None


# --- Writes ---------------------------------------------------------------------------

SURVEY_ACT_STATUSES = ("delivered", "customer_knows")


def survey_link_create(*, user: User, act, send_email: bool = False, site_url: str = "") -> tuple[SurveyLink, str]:
    """Make a personal, single-use link for the customer of a delivered act.

    Returns the link row and the token; only the token's SHA-256 is stored, so the
    token is shown once. Refused while the customer is in their quiet period: a link
    sent to them (answered or not) or an answer within it; a link made and not sent does
    not count. An earlier open link for the same customer is closed (it stops working),
    so they answer once. With `send_email`, the link (`site_url` + /s/<token>) is mailed
    to the customer after commit, and the link counts as sent by `user`.
    """
    require_team_of(user, act, "This act belongs to another team.")
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=act.customer_id)
        act = Act.objects.select_related("team", "author").get(pk=act.pk)
        if act.status not in SURVEY_ACT_STATUSES:
            raise errors.Conflict(errors.MSG_SURVEY_NOT_DELIVERED)
        # The customer row is locked: two staff making links at once cannot both ask.
        quiet = survey_quiet(customer)
        if quiet is not None:
            raise errors.Conflict(
                MSG_SURVEY_ASKED_RECENTLY.format(
                    name=customer.name, asked=day(quiet["asked"]), until=day(quiet["until"])
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
            token_hash=token_hash(token),
            created_by=user,
            expires_at=now + datetime.timedelta(days=settings.SECONDMILE["SURVEY_LINK_DAYS"]),
            sent_at=now if send_email else None,
            sent_by=user if send_email else None,
        )
        if send_email:
            url = site_url.rstrip("/") + reverse("survey", args=[token])
            # Queued in this transaction: the mail is the only place the link's token is
            # kept (the link row has its hash), and its body is erased once sent.
            _queue_survey_email(link, url)
    return link, token


MSG_SURVEY_NO_OPEN_LINK = "{name} has no open survey link to mark as sent."


def survey_link_mark_sent(*, user: User, act) -> SurveyLink:
    """Record that `user` sent the customer of `act` their open link by hand (text, chat,
    in person): who and when are kept on the link, and the customer's quiet period starts
    now. Marking a link already marked changes nothing. Refused for another team's act."""
    require_team_of(user, act, "This act belongs to another team.")
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=act.customer_id)
        link = (
            SurveyLink.objects.select_for_update()
            .filter(act__customer=customer, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at", "-id")
            .first()
        )
        if link is None:
            raise errors.Conflict(MSG_SURVEY_NO_OPEN_LINK.format(name=customer.name))
        if link.sent_at is None:
            link.sent_at = timezone.now()
            link.sent_by = user
            link.save(update_fields=["sent_at", "sent_by"])
    return link


def _queue_survey_email(link: SurveyLink, url: str) -> None:
    act = SurveyLink.objects.select_related("act__customer", "act__team", "act__author").get(pk=link.pk).act
    body = (
        f"Hello {act.customer.name},\n\n"
        f"{act.author.display_name} at {act.team.name} was glad to help. Would you tell us how it "
        f"went? It takes ten seconds:\n\n{url}\n\n"
        f"The link is yours alone and works once, until {day(link.expires_at)}.\n"
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
    score = score_clean(score)
    text = (text or "").strip()
    if text:
        text = story_text_clean(text)
    with transaction.atomic():
        link = SurveyLink.objects.select_for_update().filter(token_hash=token_hash(token or "")).first()
        now = timezone.now()
        if link is None or link.used_at is not None or link.expires_at <= now:
            raise errors.Conflict(errors.MSG_SURVEY_LINK_GONE)
        act = Act.objects.get(pk=link.act_id)
        customer = Customer.objects.select_for_update().get(pk=act.customer_id)
        if customer.last_surveyed_at is not None and customer.last_surveyed_at >= link.created_at:
            # They answered through another link since this one was made: asked once is enough.
            raise errors.Conflict(errors.MSG_SURVEY_LINK_GONE)
        response = nps_row_create(
            customer=customer,
            score=score,
            comment=text,
            date=timezone.localdate(),
            act=act,
            recorded_by=None,
        )
        if text:
            story_row_create(
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
