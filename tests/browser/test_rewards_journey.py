"""A person redeems a reward after a confirmation and a manager hands it out from the
queue; on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from rewards import services
from rewards.models import Redemption
from tests.rewards.points import points_give

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_reward_is_redeemed_and_handed_out(page, login, live_server, staff, staff2, manager, admin_user, shot, size):
    for name, points, stock in (("Coffee with the manager", 5, None), ("Book voucher", 15, 10), ("Spa day", 150, 2)):
        services.reward_create(user=admin_user, name=name, points=points, stock=stock, description="A thank-you.")
    points_give(staff, 40)
    points_give(staff2, 10)
    services.reward_redeem(user=staff2, reward=staff2.team.rewards.get(name="Coffee with the manager"))
    page.set_viewport_size(SIZES[size])

    login(page, staff)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rewards").click()
    expect(page.locator("#balance")).to_have_text("40")
    expect(page.get_by_text("110 more points to go")).to_be_visible()
    shot(page, f"rewards-catalogue-{size}")

    page.get_by_role("listitem").filter(has_text="Book voucher").get_by_role("link", name="Redeem").click()
    expect(page.get_by_role("heading", name="Redeem Book voucher?")).to_be_visible()
    shot(page, f"rewards-confirm-{size}")
    page.get_by_role("button", name="Redeem for 15 points").click()
    expect(page.get_by_text("Redeemed Book voucher for 15 points: 25 left.")).to_be_visible()
    expect(page.locator("#balance")).to_have_text("25")

    page.get_by_role("button", name="Log out").click()
    login(page, manager)
    page.goto(f"{live_server.url}/rewards/redemptions/")
    shot(page, f"rewards-queue-{size}")
    card = page.locator(".redemption-card").filter(has_text="Book voucher")
    card.get_by_label("Note for them").fill("At the front desk")
    card.get_by_role("button", name="Handed out").click()
    expect(page.get_by_text(f"Handed out Book voucher to {staff.display_name}")).to_be_visible()
    assert Redemption.objects.get(user=staff).status == "fulfilled"
