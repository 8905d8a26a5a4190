"""Middleware of our own. The JSON API answers its 404 and 405 in JSON too.

django-ninja turns what its views raise into `{"detail": ...}`, but two answers never
reach it: a path under /api/ that no route matches (Django's HTML 404) and a route
asked with a method it does not take (a plain-text 405). A client written from the
brief expects JSON for every error, so both are rewritten here, keeping the status
and the Allow header. Below them: the idle timeout of signed-in sessions and the
no-store rule for private answers.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.utils.cache import patch_cache_control

API_PREFIX = "/api/"


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def api_errors_as_json(get_response):
    def middleware(request):
        response = get_response(request)
        if not request.path.startswith(API_PREFIX) or _is_json(response):
            return response
        if response.status_code == 404:
            return JsonResponse({"detail": "Not found."}, status=404)
        if response.status_code == 405:
            allowed = sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip())
            detail = "Method not allowed"
            if allowed:
                detail += f": use {' or '.join(allowed)}"
            json_response = JsonResponse({"detail": detail + "."}, status=405)
            json_response["Allow"] = ", ".join(allowed)
            return json_response
        return response

    return middleware


# How often a signed-in request refreshes the session's "last seen" time: often enough for an
# idle timeout counted in minutes, rarely enough that a busy user does not write a session row
# on every click.
SEEN_REFRESH_SECONDS = 60
SEEN_KEY = "seen_at"
SESSION_STORE_GRACE_SECONDS = 3600
MSG_SESSION_IDLE = "You were signed out after {minutes} minutes without activity. Please log in again."


def stamp_session_at_login(sender, request, user, **kwargs):
    """Start the idle clock with the login, which writes the session anyway, so that the
    first page after it does not write it again."""
    request.session[SEEN_KEY] = int(time.time())
    request.session.set_expiry(settings.SESSION_IDLE_MINUTES * 60 + SESSION_STORE_GRACE_SECONDS)


def session_idle_timeout(get_response):
    """End a signed-in session after SESSION_IDLE_MINUTES without a request.

    The time stamp kept in the session decides. The session's own expiry follows an hour
    behind, so that a session left alone dies in the store too, but only after this
    middleware has had the chance to say why the visitor was signed out.
    """

    def middleware(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            idle = settings.SESSION_IDLE_MINUTES * 60
            now = int(time.time())
            seen = request.session.get(SEEN_KEY)
            if seen is not None and now - seen > idle:
                # Carry on signed out: pages send the visitor to the login page, the API answers 401.
                logout(request)
                if not request.path.startswith(API_PREFIX):
                    messages.info(request, MSG_SESSION_IDLE.format(minutes=settings.SESSION_IDLE_MINUTES))
            elif seen is None or now - seen >= SEEN_REFRESH_SECONDS:
                request.session[SEEN_KEY] = now
                request.session.set_expiry(idle + SESSION_STORE_GRACE_SECONDS)
        return get_response(request)

    return middleware


def private_pages_not_stored(get_response):
    """Signed-in pages and every API answer carry `Cache-Control: no-store`, so that neither
    a shared proxy nor the browser's history keeps a team's figures after logout."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith(API_PREFIX):
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware
