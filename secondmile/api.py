"""The JSON API at /api/ (django-ninja): the same services and scoping as the pages.

Authentication is the browser session (with CSRF, once past its second step) or
`Authorization: Bearer <token>`.
Errors are `{"detail": "..."}`: 400/422 bad input, 401, 403, 404 (also for another
team's objects) and 409 (an illegal transition, or spend the budget cannot cover).
"""

import logging

from django.http import Http404
from ninja import Field, NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from acts import empowerment
from acts.api import router as acts_router
from core import services
from core.errors import MSG_MFA_API_PENDING, MSG_SERVER_ERROR, DomainError, NotAllowed
from core.security import client_ip
from core.tokens import api_token_user
from customers.api import router as customers_router
from integrations.api import router as integrations_router
from rewards.api import router as rewards_router
from rewards.balance import points_balance
from secondmile.dashboard import figures as metrics
from secondmile.dashboard.scope import dashboard_scope
from stories.api import router as stories_router

from . import mfa

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(token, ip=client_ip(request))
        if user is not None:
            request.user = user
        return user


class VerifiedSession(SessionAuth):
    """The browser session, once it has passed its second step (403 until then)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and mfa.session_state(request) != mfa.DONE:
            raise NotAllowed(MSG_MFA_API_PENDING)
        return user


api = NinjaAPI(
    title="Second Mile API",
    version="1",
    # The docs page is the API's own (Swagger UI): its description carries the way back.
    description=(
        "Log acts, decide spend, record stories and NPS, read the dashboard.\n\n"
        "[← Back to Second Mile](/) · [Your API tokens](/accounts/profile/)"
    ),
    auth=[BearerToken(), VerifiedSession()],
    urls_namespace="api",
    # Without deep links an operation's summary button holds no link of its own: a link
    # inside a button is two controls in one for the keyboard and a screen reader. The
    # examples' highlighter colours numbers on Swagger UI's default theme ("agate") at
    # 3.4:1; every token of "tomorrow-night" a JSON answer or a curl line has reads at 6:1.
    docs=Swagger(settings={"deepLinking": False, "syntaxHighlight": {"theme": "tomorrow-night"}}),
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    if exc.fields:
        body["fields"] = exc.fields
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(Exception)
def unexpected(request, exc):
    """Anything no other handler knows: a JSON 500 for the client, the traceback for us."""
    logger.exception("Unexpected error in %s %s", request.method, request.path)
    return api.create_response(request, {"detail": MSG_SERVER_ERROR}, status=500)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Log in, or send Authorization: Bearer <token>."}, status=401)


class MeOut(Schema):
    username: str
    role: str
    team: str | None
    team_id: int | None
    slack_user_id: str = Field(description='the Slack member ID ("U…") Slack buttons act as; "" when none')
    empowerment_limit: str | None = Field(
        description="what the caller approves by themselves (their own limit; a decimal string), null without a team"
    )
    points: int = Field(description="the points balance: earned − redeemed + refunded")


class MePatch(Schema):
    slack_user_id: str | None = Field(None, description='a Slack member ID like "U012AB3CD4E"; "" unlinks')


def _me(user) -> dict:
    return {
        "username": user.username,
        "role": str(user.role),
        "team": user.team.name if user.team else None,
        "team_id": user.team_id,
        "slack_user_id": user.slack_user_id,
        "empowerment_limit": str(empowerment.limit_of(user, user.team)) if user.team else None,
        "points": points_balance(user=user),
    }


@api.get("/me", response=MeOut, tags=["people"])
def me(request):
    return _me(request.auth)


@api.patch("/me", response=MeOut, tags=["people"])
def me_update(request, payload: MePatch):
    """Change what a person sets for themselves: `slack_user_id` (409 when another person
    has it, 400 when it is not a member ID)."""
    if payload.slack_user_id is not None:
        services.user_slack_id_set(user=request.auth, slack_user_id=payload.slack_user_id)
    return _me(request.auth)


class FunnelOut(Schema):
    acts: int
    stories: int
    referred_customers: int


class AdvocateOut(Schema):
    id: int = Field(description="the customer")
    name: str
    referred_customers: int = Field(description="customers created in the period they brought in, every generation")
    referral_revenue: str = Field(description="those customers' first purchases (decimal string)")


class DashboardOut(Schema):
    start: str
    end: str
    team: str | None
    team_id: int | None
    acts_count: int
    proactive_share: float | None
    spend_total: str
    stories_count: int
    referred_customers_count: int
    cost_per_referred_customer: str | None
    nps_with_act: float | None
    nps_without_act: float | None
    acts_by_quadrant: dict[str, int]
    acts_by_kind: dict[str, int]
    budget_total: str
    stories_per_act: float | None
    referral_revenue: str
    referral_return: float | None
    approval_time_median_hours: float | None
    approval_time_p90_hours: float | None
    requests_decided_count: int
    declined_count: int
    decline_rate: float | None
    empowered_count: int
    empowerment_rate: float | None
    reactive_count: int
    recovered_count: int
    recovery_rate: float | None
    reactive_acts: int
    reactive_returned: int
    reactive_waiting: int
    funnel: FunnelOut
    customers_created: int
    referral_rate: float | None
    top_advocates: list[AdvocateOut]


@api.get("/dashboard", response=DashboardOut, tags=["dashboard"])
def dashboard(request, start: str = "", end: str = "", team: str = "", period: str = ""):
    """The dashboard's figures for a period (dates inclusive; default this month to date;
    or a named `period` as the page's picker: 30d, month, last-month, 3m, year)
    and a team (default yours; admins: any team's id, or `all`), the same values as the
    page, each defined once in secondmile/metrics.py. Money is a decimal string; shares
    and rates are fractions from 0 to 1 at full precision; `referral_return` is referral
    revenue ÷ spend; approval times are in hours; null where there is nothing to divide by.
    Decisions (`requests_decided_count`, `declined_count`, approval times) count each
    approval or decline once, a top-up's included. Recovery: `reactive_acts` reactive acts
    going ahead dated in the period, of which `reactive_returned` saw their customer come
    back (a return dated after the act and at most the team's RECOVERY_DAYS after it);
    `recovery_rate` = reactive_returned ÷ reactive_acts (null with none);
    `reactive_waiting` have not yet but their window is still open. `reactive_count` and
    `recovered_count` are the same two counts under their earlier names.
    `referral_rate` = referred customers ÷
    `customers_created` in the period; `top_advocates` (up to 10) ranks customers by the
    customers created in the period they brought in, every generation, with those
    customers' first purchases."""
    scope = dashboard_scope(user=request.auth, team=team, start=start, end=end, period=period)
    figures = metrics.dashboard_figures(scope)
    budget = sum((m["budget"] for m in metrics.budget_by_month(scope, since_first_use=True)), metrics.ZERO)

    def number(value):
        return None if value is None else float(value)

    def hours(value):
        return None if value is None else value.total_seconds() / 3600

    def text(value):
        return None if value is None else str(value)

    approval, recovery = figures["approval_time"], figures["recovery"]
    return {
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "team": scope.team.name if scope.team else None,
        "team_id": scope.team.pk if scope.team else None,
        "acts_count": figures["acts_count"],
        "proactive_share": number(figures["proactive_share"]),
        "spend_total": str(figures["spend_total"]),
        "stories_count": figures["stories_count"],
        "referred_customers_count": figures["referred_customers_count"],
        "cost_per_referred_customer": text(figures["cost_per_referred_customer"]),
        "nps_with_act": number(figures["nps_with_act"]),
        "nps_without_act": number(figures["nps_without_act"]),
        "acts_by_quadrant": {row["value"]: row["count"] for row in figures["quadrants"]},
        "acts_by_kind": {row["value"]: row["count"] for row in figures["kinds"]},
        "budget_total": str(budget),
        "stories_per_act": number(figures["stories_per_act"]),
        "referral_revenue": str(figures["referral_revenue"]),
        "referral_return": number(figures["referral_return"]),
        "approval_time_median_hours": hours(approval["median"]),
        "approval_time_p90_hours": hours(approval["p90"]),
        "requests_decided_count": figures["requests_decided_count"],
        "declined_count": figures["declined_count"],
        "decline_rate": number(figures["decline_rate"]),
        "empowered_count": figures["empowered_count"],
        "empowerment_rate": number(figures["empowerment_rate"]),
        "reactive_count": recovery["reactive"],
        "recovered_count": recovery["returned"],
        "recovery_rate": number(recovery["recovery_rate"]),
        "reactive_acts": recovery["reactive"],
        "reactive_returned": recovery["returned"],
        "reactive_waiting": figures["recovery_waiting"],
        "funnel": figures["funnel"],
        "customers_created": figures["customers_created"],
        "referral_rate": number(figures["referral_rate"]),
        "top_advocates": [
            {
                "id": row["id"],
                "name": row["name"],
                "referred_customers": row["referred"],
                "referral_revenue": str(row["revenue"]),
            }
            for row in figures["top_advocates"]
        ],
    }


api.add_router("/", customers_router)
api.add_router("/", stories_router)
api.add_router("/", acts_router)
api.add_router("/", integrations_router)
api.add_router("/", rewards_router)
