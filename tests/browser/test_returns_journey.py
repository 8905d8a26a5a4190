"""A staff member records that a customer came back from the customer page; the dashboard
then says what the recovery rate counts, with the act still waiting shown as waiting.
On a desktop and at 390 px."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import CustomerFactory, log_act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_return_recorded_on_the_customer_page_reaches_the_dashboard(
    page, login, live_server, staff, team, shot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    last_week = timezone.localdate() - datetime.timedelta(days=5)
    customer = CustomerFactory(team=team, name="Nora Quinn")
    log_act(staff, customer=customer, trigger="reactive", kind="call", problem="Room was cold", date=last_week)
    waiting = CustomerFactory(team=team, name="Olu Ade")
    log_act(staff, customer=waiting, trigger="reactive", kind="waiver", problem="Late breakfast", date=last_week)
    login(page, staff)

    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.get_by_text("Record that they came back").click()
    page.get_by_label("What they spent").fill("-5")
    page.get_by_role("button", name="Record return").click()
    expect(page.get_by_text("greater than or equal to 0").first).to_be_visible()
    page.get_by_label("What they spent").fill("64.00")
    page.get_by_label("Note").fill("Booked a weekend for her anniversary")
    page.get_by_role("button", name="Record return").click()
    expect(page.get_by_text("Recorded that Nora Quinn came back on")).to_be_visible()
    expect(page.locator("#returns")).to_contain_text("purchase, $64.00")
    shot(page, f"customer-returns-{width}")

    page.goto(f"{live_server.url}/dashboard/")
    line = page.locator("#recovery-line")
    expect(line).to_contain_text("within 90 days")
    expect(line).to_contain_text("Of 2 reactive acts: 1 came back, 1 still waiting (window open), 0 did not come back.")
    page.locator("#recovery-line").scroll_into_view_if_needed()
    shot(page, f"dashboard-recovery-{width}")
