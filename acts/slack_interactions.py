"""POST /integrations/slack/interactions: Slack's button clicks on approval requests.

Only a request signed with SLACK_SIGNING_SECRET, made within 5 minutes, is read (401
otherwise, and nothing changes). An `approve` click approves the act its value names as
the Second Mile user whose Slack member ID clicked, through spend_approve, so budget
locks, limits and "nobody approves their own spend" hold as on the page. The answer
replaces the Slack message with the outcome.
"""

import logging
import time

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.formatting import money
from core.inputs import id_parse
from core.models import User
from core.security import security_event
from integrations import slack

from . import selectors, services
from .models import Act

logger = logging.getLogger(__name__)

MSG_SLACK_USER_UNKNOWN = (
    "Not approved: this Slack account is not linked to anyone in Second Mile. "
    "Add your Slack member ID on your profile page, then click again."
)
MSG_ACT_NOT_FOUND = "Not approved: that request no longer exists."
MSG_NOT_APPROVED = "Not approved: {reason}"
MSG_APPROVED = "Approved {amount} — {remaining} left"


def slack_click_approve(*, slack_user_id: str, act_value: str) -> tuple[str, str]:
    """Approve the act `act_value` names as the user linked to `slack_user_id`; returns
    (outcome, detail) in words, whether it was approved or why not."""
    user = User.objects.filter(slack_user_id=slack_user_id, is_active=True).first() if slack_user_id else None
    if user is None:
        return MSG_SLACK_USER_UNKNOWN, ""
    act_id = id_parse(act_value)
    act = Act.objects.select_related("team", "customer").filter(pk=act_id).first() if act_id else None
    if act is None:
        return MSG_ACT_NOT_FOUND, ""
    try:
        act = services.spend_approve(user=user, act=act, note="Approved in Slack.")
    except DomainError as refusal:
        return MSG_NOT_APPROVED.format(reason=refusal.message), f"{act.customer} · {user.display_name}"
    remaining = selectors.budget_summary(team=act.team, month=act.date)["remaining"]
    return (
        MSG_APPROVED.format(amount=money(act.approved_amount), remaining=money(remaining)),
        f"{act.customer} · approved by {user.display_name} in Slack",
    )


@csrf_exempt
@require_POST
def slack_interactions(request):
    refusal = slack.request_refusal(
        body=request.body,
        timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
        signature=request.headers.get("X-Slack-Signature", ""),
        now=time.time(),
    )
    if refusal:
        security_event("slack_request_refused", reason=refusal)
        return JsonResponse({"detail": refusal}, status=401)
    payload = slack.interaction_parse(request.POST.get("payload"))
    if payload is None:
        return JsonResponse({"detail": "The payload is not JSON."}, status=400)
    actions = payload.get("actions") if payload.get("type") == "block_actions" else None
    actions = actions if isinstance(actions, list) else []
    approve = next((a for a in actions if isinstance(a, dict) and a.get("action_id") == slack.APPROVE_ACTION), None)
    if approve is None:
        # Open (a link button) and anything else: Slack only needs to hear us.
        return HttpResponse(status=200)
    slack_user = payload.get("user") if isinstance(payload.get("user"), dict) else {}
    outcome, detail = slack_click_approve(
        slack_user_id=str(slack_user.get("id") or ""), act_value=str(approve.get("value") or "")
    )
    reply = slack.outcome_message(outcome, detail)
    response_url = str(payload.get("response_url") or "")
    if slack.response_url_check(response_url):
        transaction.on_commit(lambda: slack.slack_post.enqueue(response_url, reply), robust=True)
    return JsonResponse(reply)
