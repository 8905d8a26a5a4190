"""The JSON API at /api/ (django-ninja): the same services and scoping as the pages.

Authentication is the browser session (with CSRF) or `Authorization: Bearer <token>`.
Errors are `{"detail": "..."}`: 400/422 bad input, 401, 403, 404 (also for another
team's objects) and 409 (an illegal transition, or spend the budget cannot cover).
"""

from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from .errors import DomainError
from .services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Second Mile API",
    version="1",
    description="Log acts, decide spend, record stories and NPS, read the dashboard.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "Log in, or send Authorization: Bearer <token>."}, status=401
    )


class MeOut(Schema):
    username: str
    role: str
    team: str | None
    team_id: int | None


@api.get("/me", response=MeOut, tags=["people"])
def me(request):
    user = request.auth
    return {"username": user.username, "role": str(user.role),
            "team": user.team.name if user.team else None, "team_id": user.team_id}


def _register_routers():
    from acts.api import router as acts_router
    from customers.api import router as customers_router

    api.add_router("/", customers_router)
    api.add_router("/", acts_router)


_register_routers()
