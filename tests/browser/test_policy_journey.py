"""An admin sets when a waiting request reminds its approvers and goes to the admins."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_sets_the_reminder_and_escalation_hours(page, login, live_server, admin_user, team, shot, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, admin_user)
    page.goto(f"{live_server.url}/team/policy/?team={team.pk}")
    page.get_by_label("Remind approvers after (hours)").fill("12")
    page.get_by_label("Send to the admins after (hours)").fill("6")
    page.get_by_role("button", name="Save policy").click()
    page.get_by_text("Send to the admins no sooner than the reminder").wait_for()
    shot(page, f"policy-reminder-refused-{width}")
    page.get_by_label("Send to the admins after (hours)").fill("36")
    page.get_by_role("button", name="Save policy").click()
    page.get_by_text(f"Saved the spend policy of {team.name}.").wait_for()
    shot(page, f"policy-reminder-saved-{width}")
    team.refresh_from_db()
    assert (team.reminder_hours, team.escalation_hours) == (12, 36)
