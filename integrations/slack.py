"""Slack's plumbing: a team's incoming webhook, the Block Kit message of an approval
request, Slack's request signing, and the posts themselves (a task for the worker).

Plain values in, plain values out: the acts app decides what to say and what a click
does (acts/slack.py).
"""

import hashlib
import hmac
import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.tasks import task

from core import errors
from core.audit import audited_update
from core.models import AuditEvent, Role, Team, User

from . import transport

logger = logging.getLogger(__name__)

# Slack's own rule for its signed requests: older than this is refused (a replay).
SIGNATURE_MAX_AGE_SECONDS = 5 * 60
APPROVE_ACTION = "approve"
OPEN_ACTION = "open"
SLACK_HOSTS = ("hooks.slack.com",)

MSG_NOT_SLACK_WEBHOOK = "A Slack incoming webhook starts with https://hooks.slack.com/."
MSG_ADMINS_ONLY = "Only admins set a team's Slack."
MSG_SIGNATURE_MISSING = "The request is not signed by Slack."
MSG_SIGNATURE_STALE = "The request's timestamp is more than 5 minutes away from now."
MSG_SIGNATURE_BAD = "The request's signature does not match."
MSG_NO_SIGNING_SECRET = "SLACK_SIGNING_SECRET is not set: Slack's requests cannot be checked."


# --- The team's incoming webhook -----------------------------------------------------


def slack_webhook_url_check(url: str) -> str:
    """The URL stripped ("" clears it), or InvalidInput when it is not a Slack incoming
    webhook on a public address (any address while WEBHOOK_ALLOW_PRIVATE is on)."""
    url = (url or "").strip()
    if not url:
        return ""
    if not settings.WEBHOOK_ALLOW_PRIVATE and (
        urlsplit(url).scheme != "https" or urlsplit(url).hostname not in SLACK_HOSTS
    ):
        raise errors.InvalidInput(MSG_NOT_SLACK_WEBHOOK, field="slack_webhook_url")
    if len(url) > Team._meta.get_field("slack_webhook_url").max_length:
        raise errors.InvalidInput("That address is too long for a Slack webhook.", field="slack_webhook_url")
    try:
        transport.target_addresses(url)
    except transport.UnsafeTarget as refusal:
        raise errors.InvalidInput(refusal.message, field="slack_webhook_url") from None
    return url


def _masked(url: str) -> str:
    """What the audit log keeps of a webhook URL, which is a secret: its host and last characters."""
    return f"{urlsplit(url).hostname}/…{url[-4:]}" if url else ""


def team_slack_webhook_set(*, user: User, team: Team, url: str) -> Team:
    """Set (or clear, with "") the Slack incoming webhook where the team's approval
    requests are posted (admins); written to the audit log without the secret part."""
    if user.role != Role.ADMIN:
        raise errors.NotAllowed(MSG_ADMINS_ONLY)
    url = slack_webhook_url_check(url)
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        audited_update(
            team,
            actor=user,
            action=AuditEvent.Action.SLACK_CHANGED,
            team=team,
            changes={"slack_webhook_url": url},
            shown=lambda values: {"slack_webhook": _masked(values["slack_webhook_url"])},
        )
    return team


# --- Messages ------------------------------------------------------------------------


def _escaped(text: str, limit: int = 2000) -> str:
    """User text made safe for Slack's mrkdwn (no <!channel>, no fake links), cut to fit."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def approval_request_message(
    *,
    act_id: int,
    amount: str,
    customer: str,
    requester: str,
    solution: str,
    answers: list[tuple[str, str]],
    budget_left: str,
    budget_left_after: str,
    open_url: str,
) -> dict:
    """The Block Kit message of a request waiting for approval: who asks how much for
    whom, the three answers, the budget left, and Approve / Open buttons."""
    summary = f"{requester} asks {amount} for {customer}"
    return {
        "text": _escaped(summary),
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*{_escaped(requester)}* asks *{_escaped(amount)}* for {_escaped(customer)}\n"
                    f">{_escaped(solution, 2500)}",
                },
            },
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{_escaped(question)}*\n{_escaped(answer, 1800) or '—'}"}
                    for question, answer in answers
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"Budget left this month: *{_escaped(budget_left)}* "
                        f"({_escaped(budget_left_after)} after this)",
                    }
                ],
            },
            {
                "type": "actions",
                "block_id": f"act-{act_id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": APPROVE_ACTION,
                        "style": "primary",
                        "text": {"type": "plain_text", "text": f"Approve {amount}"},
                        "value": str(act_id),
                    },
                    {
                        "type": "button",
                        "action_id": OPEN_ACTION,
                        "text": {"type": "plain_text", "text": "Open"},
                        "url": open_url,
                    },
                ],
            },
        ],
    }


def outcome_message(text: str, detail: str = "") -> dict:
    """The message that replaces an approval request once a click was answered."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": _escaped(text)}}]
    if detail:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _escaped(detail)}]})
    return {"replace_original": True, "text": _escaped(text), "blocks": blocks}


# --- Slack's requests to us ---------------------------------------------------------


def request_refusal(*, body: bytes, timestamp: str, signature: str, now: float, secret: str | None = None) -> str:
    """Why a request claiming to come from Slack is refused, or "" when its signature is
    Slack's: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` under
    SLACK_SIGNING_SECRET, made less than 5 minutes from now."""
    secret = settings.SLACK_SIGNING_SECRET if secret is None else secret
    if not secret:
        return MSG_NO_SIGNING_SECRET
    if not timestamp or not signature:
        return MSG_SIGNATURE_MISSING
    try:
        made_at = int(timestamp)
    except ValueError:
        return MSG_SIGNATURE_MISSING
    if abs(now - made_at) > SIGNATURE_MAX_AGE_SECONDS:
        return MSG_SIGNATURE_STALE
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return MSG_SIGNATURE_BAD
    return ""


def interaction_parse(payload: str | None) -> dict | None:
    """The `payload` form field of an interaction as a dict, or None when it is not JSON."""
    try:
        parsed = json.loads(payload or "")
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def response_url_check(url: str) -> bool:
    """Whether a click's response_url is Slack's (the only place an answer is posted)."""
    parts = urlsplit(url or "")
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return parts.scheme in ("https", "http") and bool(parts.hostname)
    return parts.scheme == "https" and parts.hostname in SLACK_HOSTS


# --- Posting -------------------------------------------------------------------------


@task()
def slack_post(url: str, message: dict) -> int:
    """POST a message to a Slack incoming webhook or response URL (the worker's job).
    A refusal or an answer other than 2xx fails the task, which the worker logs."""
    status = transport.post_json(url, json.dumps(message).encode())
    if not 200 <= status < 300:
        raise RuntimeError(f"Slack answered {status}")
    return status
