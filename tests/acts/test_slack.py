"""Approving from Slack: the request posted to the team's channel, and the signed click."""

import hashlib
import hmac
import json
import time
import urllib.parse
from decimal import Decimal

import pytest

from acts.models import ActEvent, Status
from acts.slack_interactions import MSG_SLACK_USER_UNKNOWN
from core import errors
from core.models import AuditEvent
from integrations import slack
from tests.factories import log_act

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
URL = "/integrations/slack/interactions"


@pytest.fixture(autouse=True)
def signing_secret(settings):
    settings.SLACK_SIGNING_SECRET = SECRET


@pytest.fixture
def waiting(staff, team):
    """A $75 request of a team with $160 left this month."""
    team.monthly_budget = Decimal("160.00")
    team.save()
    return log_act(staff, cost="75")


def _click(*, act_id, slack_user, action="approve", response_url="https://hooks.slack.com/actions/T1/1/x"):
    payload = {
        "type": "block_actions",
        "user": {"id": slack_user, "username": "someone"},
        "response_url": response_url,
        "actions": [{"action_id": action, "block_id": f"act-{act_id}", "value": str(act_id), "type": "button"}],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def _post(client, body, *, timestamp=None, secret=SECRET, signature=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = signature or "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return client.post(
        URL,
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature},
    )


def _link(user, slack_id):
    user.slack_user_id = slack_id
    user.save(update_fields=["slack_user_id"])


def test_a_signed_click_approves_as_the_linked_manager(client, waiting, manager, queue):
    _link(manager, "UMARCUS01")
    response = _post(client, _click(act_id=waiting.pk, slack_user="UMARCUS01"))
    assert response.status_code == 200
    assert response.json()["replace_original"] is True
    assert response.json()["text"] == "Approved $75.00 — $85.00 left"
    waiting.refresh_from_db()
    assert waiting.status == Status.APPROVED
    assert waiting.decided_by == manager
    event = waiting.events.get(action=ActEvent.Action.APPROVED)
    assert (event.actor, event.note) == (manager, "Approved in Slack.")


def test_the_answer_replaces_the_slack_message(
    client, waiting, manager, settings, queue, receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    slack_side = receiver(200)
    _link(manager, "UMARCUS01")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _click(act_id=waiting.pk, slack_user="UMARCUS01", response_url=slack_side.url))
    assert response.status_code == 200
    queue.run_due()
    assert slack_side.json(0)["replace_original"] is True
    assert slack_side.json(0)["text"] == "Approved $75.00 — $85.00 left"


def _unchanged(act):
    act.refresh_from_db()
    assert act.status == Status.PENDING_APPROVAL
    assert not act.events.filter(action=ActEvent.Action.APPROVED).exists()


def test_a_bad_signature_changes_nothing(client, waiting, manager):
    _link(manager, "UMARCUS01")
    response = _post(client, _click(act_id=waiting.pk, slack_user="UMARCUS01"), secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["detail"] == slack.MSG_SIGNATURE_BAD
    _unchanged(waiting)


def test_a_stale_timestamp_changes_nothing(client, waiting, manager):
    _link(manager, "UMARCUS01")
    six_minutes_ago = int(time.time()) - 6 * 60
    response = _post(client, _click(act_id=waiting.pk, slack_user="UMARCUS01"), timestamp=six_minutes_ago)
    assert response.status_code == 401
    assert response.json()["detail"] == slack.MSG_SIGNATURE_STALE
    _unchanged(waiting)


def test_a_click_without_signature_or_secret_changes_nothing(client, waiting, manager, settings):
    _link(manager, "UMARCUS01")
    body = _click(act_id=waiting.pk, slack_user="UMARCUS01")
    assert client.post(URL, body, content_type="application/x-www-form-urlencoded").status_code == 401
    settings.SLACK_SIGNING_SECRET = ""
    assert _post(client, body).status_code == 401
    _unchanged(waiting)


def test_an_unknown_slack_user_changes_nothing(client, waiting, manager):
    _link(manager, "UMARCUS01")
    response = _post(client, _click(act_id=waiting.pk, slack_user="USTRANGER"))
    assert response.status_code == 200
    assert response.json()["text"] == MSG_SLACK_USER_UNKNOWN
    _unchanged(waiting)


def test_the_requesters_own_slack_user_changes_nothing(client, manager, team):
    own = log_act(manager, cost="75")
    _link(manager, "UMARCUS01")
    response = _post(client, _click(act_id=own.pk, slack_user="UMARCUS01"))
    assert response.status_code == 200
    assert response.json()["text"] == f"Not approved: {errors.MSG_NOT_OWN_REQUEST}"
    _unchanged(own)


def test_staff_cannot_approve_from_slack_either(client, waiting, staff2):
    _link(staff2, "USAM00001")
    response = _post(client, _click(act_id=waiting.pk, slack_user="USAM00001"))
    assert response.json()["text"] == f"Not approved: {errors.MSG_STAFF_CANNOT_DECIDE}"
    _unchanged(waiting)


def test_a_click_the_budget_cannot_cover_says_so(client, staff, manager, team):
    team.monthly_budget = Decimal("60.00")
    team.save()
    act = log_act(staff, cost="75")
    _link(manager, "UMARCUS01")
    response = _post(client, _click(act_id=act.pk, slack_user="UMARCUS01"))
    assert response.json()["text"].startswith("Not approved: Only $60.00 is left")
    _unchanged(act)


def test_a_second_click_says_it_is_already_decided(client, waiting, manager):
    _link(manager, "UMARCUS01")
    _post(client, _click(act_id=waiting.pk, slack_user="UMARCUS01"))
    again = _post(client, _click(act_id=waiting.pk, slack_user="UMARCUS01"))
    assert again.json()["text"] == f"Not approved: {errors.MSG_ALREADY_DECIDED}"
    assert waiting.events.filter(action=ActEvent.Action.APPROVED).count() == 1


def test_the_open_button_and_junk_change_nothing(client, waiting, manager):
    _link(manager, "UMARCUS01")
    assert _post(client, _click(act_id=waiting.pk, slack_user="UMARCUS01", action="open")).status_code == 200
    assert _post(client, b"payload=not-json").status_code == 400
    assert _post(client, _click(act_id="abc", slack_user="UMARCUS01")).json()["text"] == (
        "Not approved: that request no longer exists."
    )
    assert client.get(URL).status_code == 405
    _unchanged(waiting)


# --- The request posted to Slack ----------------------------------------------------------


def test_a_new_request_is_posted_to_the_teams_slack(
    staff, team, settings, queue, receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    channel = receiver(200)
    team.monthly_budget = Decimal("160.00")
    team.slack_webhook_url = channel.url
    team.save()
    with django_capture_on_commit_callbacks(execute=True):
        act = log_act(
            staff,
            cost="75",
            solution="Flowers for her mother <3",
            right_thing="She is a regular",
            great_experience="She will be moved",
            how_they_know="A card with our names",
        )
    queue.run_due()
    message = channel.json(0)
    assert message["text"].startswith(f"{staff.display_name} asks $75.00 for")
    text = json.dumps(message["blocks"])
    for answer in ("She is a regular", "She will be moved", "A card with our names"):
        assert answer in text
    assert "Flowers for her mother &lt;3" in text
    assert "Budget left this month: *$160.00* ($85.00 after this)" in text
    buttons = message["blocks"][-1]["elements"]
    assert [(b["action_id"], b.get("value")) for b in buttons] == [("approve", str(act.pk)), ("open", None)]
    assert buttons[1]["url"].endswith(f"/acts/{act.pk}/")


def test_no_slack_post_without_a_channel_or_for_an_empowered_act(
    staff, team, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log_act(staff, cost="75")
    team.slack_webhook_url = "https://hooks.slack.com/services/T1/B1/x"
    team.save()
    with django_capture_on_commit_callbacks(execute=True):
        log_act(staff, cost="20")
    # Only the approvers' mail of the $75 request: no Slack post for either act.
    assert [r.task.name for r in queue.results] == ["notify_request_waiting"]


# --- Linking people and teams ------------------------------------------------------------


def test_api_me_shows_and_sets_the_slack_member_id(client, manager, staff):
    client.force_login(manager)
    assert client.get("/api/me").json()["slack_user_id"] == ""
    changed = client.patch("/api/me", {"slack_user_id": "U012AB3CD4E"}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["slack_user_id"] == "U012AB3CD4E"
    assert client.get("/api/me").json()["slack_user_id"] == "U012AB3CD4E"
    audit = AuditEvent.objects.get(action=AuditEvent.Action.SLACK_CHANGED)
    assert (audit.actor, audit.after) == (manager, {"slack_user_id": "U012AB3CD4E"})

    bad = client.patch("/api/me", {"slack_user_id": "marcus"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["field"] == "slack_user_id"

    client.force_login(staff)
    taken = client.patch("/api/me", {"slack_user_id": "U012AB3CD4E"}, content_type="application/json")
    assert taken.status_code == 409
    staff.refresh_from_db()
    assert staff.slack_user_id == ""


def test_the_profile_page_sets_the_slack_member_id(client, staff):
    client.force_login(staff)
    assert "Slack member ID" in client.get("/accounts/profile/").content.decode()
    response = client.post("/accounts/profile/slack/", {"slack_user_id": "UANA00001"}, follow=True)
    assert "Linked to Slack member UANA00001" in response.content.decode()
    staff.refresh_from_db()
    assert staff.slack_user_id == "UANA00001"
    refused = client.post("/accounts/profile/slack/", {"slack_user_id": "ana@slack"}, follow=True)
    assert "A Slack member ID looks like" in refused.content.decode()
    staff.refresh_from_db()
    assert staff.slack_user_id == "UANA00001"


@pytest.mark.usefixtures("dns")
def test_an_admin_sets_the_teams_slack_channel_on_the_policy_page(client, admin_user, team):
    client.force_login(admin_user)
    page = f"/team/policy/?team={team.pk}"
    refused = client.post(page, {"form": "slack", "slack_webhook_url": "https://example.com/x"})
    assert refused.status_code == 200
    assert slack.MSG_NOT_SLACK_WEBHOOK in refused.content.decode()
    url = "https://hooks.slack.com/services/T000/B000/XXXXabcd"
    saved = client.post(page, {"form": "slack", "slack_webhook_url": url}, follow=True)
    assert "new requests are posted there" in saved.content.decode()
    team.refresh_from_db()
    assert team.slack_webhook_url == url
    audit = AuditEvent.objects.get(action=AuditEvent.Action.SLACK_CHANGED)
    assert "XXXX" not in json.dumps(audit.after)  # the secret part stays out of the log


def test_a_team_slack_url_is_public_https_slack_only(dns, admin_user, team):
    dns["hooks.slack.com"] = "10.0.0.7"
    with pytest.raises(errors.InvalidInput):
        slack.team_slack_webhook_set(user=admin_user, team=team, url="https://hooks.slack.com/services/T/B/x")
    with pytest.raises(errors.InvalidInput):
        slack.team_slack_webhook_set(user=admin_user, team=team, url="http://hooks.slack.com/services/T/B/x")


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions", "actions": 5},
        {"type": "block_actions", "actions": [{"action_id": "approve", "value": {"id": 1}}], "user": "x"},
        {"type": "view_submission"},
        [],
    ],
)
def test_odd_payloads_never_break(client, waiting, payload):
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    response = _post(client, body)
    assert response.status_code in (200, 400)
    _unchanged(waiting)
