"""An admin adds a webhook in the browser, copies its secret, sees a delivery's attempts
and removes it; on a desktop and on a phone."""

import datetime

import pytest
from playwright.sync_api import expect

from integrations.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.outgoing import dns  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.usefixtures("dns")
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_admin_manages_webhooks(page, login, live_server, admin_user, team, shot, size):
    page.set_viewport_size(SIZES[size])
    login(page, admin_user)
    page.goto(f"{live_server.url}/integrations/webhooks/")
    expect(page.get_by_text("No webhook yet")).to_be_visible()

    page.get_by_label("Receiver URL").fill("https://hooks.example.com/second-mile")
    page.get_by_label("act.approval_requested").check()
    page.get_by_label("act.approved").check()
    page.get_by_role("button", name="Add webhook").click()
    secret = page.get_by_label("The new webhook's signing secret")
    expect(secret).to_have_value(WebhookEndpoint.objects.get().secret)

    endpoint = WebhookEndpoint.objects.get()
    at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=Event.ACT_APPROVED,
        message_id="msg_browser",
        body="{}",
        status="pending",
        attempts_count=1,
        next_attempt_at=at + datetime.timedelta(seconds=30),
    )
    WebhookAttempt.objects.create(delivery=delivery, at=at, status_code=500, error="Answered 500.")
    page.reload()
    expect(page.get_by_text("HTTP 500 · Answered 500.")).to_be_visible()
    expect(page.get_by_label("The new webhook's signing secret")).to_have_count(0)
    shot(page, f"webhooks-{size}")

    page.get_by_role("link", name="Remove").click()
    shot(page, f"webhook-remove-{size}")
    page.get_by_role("button", name="Remove webhook").click()
    expect(page.get_by_text("Webhook removed")).to_be_visible()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.usefixtures("dns")
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_slack_is_set_on_the_policy_page_and_the_profile(page, login, live_server, admin_user, team, shot, size):
    page.set_viewport_size(SIZES[size])
    login(page, admin_user)
    page.goto(f"{live_server.url}/team/policy/?team={team.pk}")
    page.get_by_label("Slack incoming webhook").fill("https://hooks.slack.com/services/T0/B0/abcdefgh")
    page.get_by_role("button", name="Save Slack").click()
    expect(page.get_by_text("new requests are posted there")).to_be_visible()
    shot(page, f"policy-slack-{size}")

    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_label("Slack member ID").fill("U012AB3CD4E")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Linked to Slack member U012AB3CD4E")).to_be_visible()
    shot(page, f"profile-slack-{size}")
    admin_user.refresh_from_db()
    team.refresh_from_db()
    assert (admin_user.slack_user_id, team.slack_webhook_url) == (
        "U012AB3CD4E",
        "https://hooks.slack.com/services/T0/B0/abcdefgh",
    )
