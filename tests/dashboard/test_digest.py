"""The monthly "was it worth it?" digest: its figures are the dashboard's for last month,
and each admin gets it once."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from core.models import OutgoingMail
from secondmile.dashboard.digest import digest_figures, monthly_digest_send

pytestmark = pytest.mark.django_db

LATE_MAY = datetime.datetime(2026, 5, 25, 12, 0, tzinfo=datetime.UTC)
FIRST_OF_JUNE = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def late_may():
    """The dashboard's world (days 0..30 ago) is built in late May."""
    with time_machine.travel(LATE_MAY, tick=False):
        yield


def test_the_digest_figures_are_the_dashboards_for_last_month(late_may, world, admin_user, client_for):
    with time_machine.travel(FIRST_OF_JUNE, tick=False):
        figures = digest_figures(admin=admin_user, start=datetime.date(2026, 5, 1), end=datetime.date(2026, 5, 31))
        api = client_for(admin_user).get("/api/dashboard", {"start": "2026-05-01", "end": "2026-05-31", "team": "all"})
    assert api.status_code == 200
    body = api.json()
    assert figures["acts_count"] == body["acts_count"] == 6  # the world's five and the other team's one
    assert str(figures["spend_total"]) == body["spend_total"]
    assert figures["stories_count"] == body["stories_count"]
    assert figures["referred_customers_count"] == body["referred_customers_count"]
    assert str(figures["referral_revenue"]) == body["referral_revenue"]
    assert str(figures["cost_per_referred_customer"]) == body["cost_per_referred_customer"]
    assert float(figures["nps_with_act"]) == body["nps_with_act"]
    assert float(figures["nps_without_act"]) == body["nps_without_act"]
    assert str(figures["budget"]) == body["budget_total"]
    assert figures["referred_customers_count"] > 0
    assert figures["referral_revenue"] >= Decimal("200.00")


def test_each_admin_gets_last_months_digest_once(
    late_may, world, admin_user, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://secondmile.example.com"
    with time_machine.travel(FIRST_OF_JUNE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert monthly_digest_send.call() == 1
        figures = digest_figures(admin=admin_user, start=datetime.date(2026, 5, 1), end=datetime.date(2026, 5, 31))
        with django_capture_on_commit_callbacks(execute=True):
            assert monthly_digest_send.call() == 1  # the row exists: nothing new is sent
    [mail] = mailoutbox
    assert mail.to == [admin_user.email]
    assert mail.subject == "Was it worth it? May 2026 in Second Mile"
    assert f"- Acts going ahead: {figures['acts_count']}\n" in mail.body
    assert f"- Spend: ${figures['spend_total']} of a budget of ${figures['budget']:,}\n" in mail.body
    assert (
        f"- Referred customers: {figures['referred_customers_count']}, bringing ${figures['referral_revenue']:,}\n"
        in mail.body
    )
    assert f"- Cost per referred customer: ${figures['cost_per_referred_customer']}\n" in mail.body
    assert "https://secondmile.example.com/dashboard/?start=2026-05-01&end=2026-05-31&team=all" in mail.body, mail.body
    assert OutgoingMail.objects.filter(key=f"digest:2026-05:{admin_user.pk}").count() == 1
