"""The monthly "was it worth it?" digest: on the first of each month, every admin gets
last month's figures for all teams, taken from the dashboard's own figure functions
(secondmile/dashboard/figures.py), so the mail says what the dashboard and /api/dashboard say.
"""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from core.formatting import money
from core.mail import mail_queue
from core.models import Role, User
from core.money import ZERO

from .figures import budget_by_month, dashboard_figures
from .scope import dashboard_scope


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month before `today`'s."""
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end


def digest_figures(*, admin: User, start: datetime.date, end: datetime.date) -> dict:
    """The digest's figures for all teams over [start, end], as the dashboard computes them."""
    scope = dashboard_scope(user=admin, team="all", start=start, end=end)
    figures = dashboard_figures(scope)
    budget = sum((month["budget"] for month in budget_by_month(scope, since_first_use=True)), ZERO)
    return {
        "start": start,
        "end": end,
        "acts_count": figures["acts_count"],
        "spend_total": figures["spend_total"],
        "budget": budget,
        "stories_count": figures["stories_count"],
        "referred_customers_count": figures["referred_customers_count"],
        "referral_revenue": figures["referral_revenue"],
        "cost_per_referred_customer": figures["cost_per_referred_customer"],
        "nps_with_act": figures["nps_with_act"],
        "nps_without_act": figures["nps_without_act"],
    }


def _nps(value) -> str:
    return "no answers" if value is None else f"{value:+}"


def digest_body(figures: dict, *, name: str) -> str:
    query = urlencode({"start": figures["start"].isoformat(), "end": figures["end"].isoformat(), "team": "all"})
    link = f"{settings.SITE_URL}{reverse('dashboard')}?{query}"
    cost = figures["cost_per_referred_customer"]
    return (
        f"Hello {name},\n\n"
        f"Was it worth it? {figures['start']:%B %Y}, all teams:\n\n"
        f"- Acts going ahead: {figures['acts_count']}\n"
        f"- Spend: {money(figures['spend_total'])} of a budget of {money(figures['budget'])}\n"
        f"- Stories customers told (approved): {figures['stories_count']}\n"
        f"- Referred customers: {figures['referred_customers_count']}, "
        f"bringing {money(figures['referral_revenue'])}\n"
        f"- Cost per referred customer: {money(cost) if cost is not None else 'none referred'}\n"
        f"- NPS of customers with an act: {_nps(figures['nps_with_act'])}; "
        f"without: {_nps(figures['nps_without_act'])}\n\n"
        f"The dashboard for the month: {link}\n"
    )


@task()
def monthly_digest_send() -> int:
    """Queue last month's digest to every admin with an address (once per admin and month)."""
    start, end = previous_month(timezone.localdate())
    admins = list(User.objects.filter(is_active=True, groups__name=Role.ADMIN).exclude(email="").distinct())
    if not admins:
        return 0
    figures = digest_figures(admin=admins[0], start=start, end=end)
    queued = 0
    for admin in admins:
        mail = mail_queue(
            key=f"digest:{start:%Y-%m}:{admin.pk}",
            to=admin.email,
            subject_text=f"Was it worth it? {start:%B %Y} in Second Mile",
            body=digest_body(figures, name=admin.display_name),
        )
        queued += mail is not None
    return queued
