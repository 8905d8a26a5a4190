"""Middleware of our own: the JSON API answers its errors in JSON too; request bodies
too large or holding control characters are refused before any view sees them; signed-in
sessions end when idle; private answers are never stored.

django-ninja turns what its views raise into `{"detail": ...}`, but two answers never
reach it: a path under /api/ that no route matches (Django's HTML 404) and a route
asked with a method it does not take (a plain-text 405). A client written from the
brief expects JSON for every error, so both are rewritten here, keeping the status
and the Allow header; so is any other error page Django itself answers under /api/
(a 400 for a body it cannot parse, a 500 from outside ninja's views).
"""

import json
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from core import errors
from core.inputs import has_control_characters
from core.roles import RoleRefused, refusal_ask

from . import mfa

API_PREFIX = "/api/"
API_ERROR_DETAILS = {
    400: "The request could not be read.",
    403: "You may not do this.",
    500: errors.MSG_SERVER_ERROR,
}


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
        if response.status_code >= 400:
            detail = API_ERROR_DETAILS.get(response.status_code, response.reason_phrase + ".")
            return JsonResponse({"detail": detail}, status=response.status_code)
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


# --- Request bodies: refused before they are read ---------------------------------

# Views whose form takes a receipt: a too-large body there gets the receipt's own message.
RECEIPT_VIEWS = {"acts:deliver", "api:act_deliver"}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _content_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def refuse_oversized_requests(get_response):
    """Refuse a body larger than the biggest receipt plus its form fields from its
    Content-Length, before any of it is read (the CSRF check would otherwise read all of
    it into memory or onto disk). The proxy in front should refuse it even earlier
    (README: client_max_body_size)."""

    def middleware(request):
        if _content_length(request) <= settings.REQUEST_MAX_BYTES:
            return get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        on_receipt_view = match is not None and match.view_name in RECEIPT_VIEWS
        message = errors.MSG_RECEIPT_TOO_LARGE if on_receipt_view else errors.MSG_REQUEST_TOO_LARGE
        if _is_api(request):
            body = {"detail": message, **({"field": "receipt"} if on_receipt_view else {})}
            return JsonResponse(body, status=413)
        if on_receipt_view:
            # The page's own answer to a refused receipt: back to the act, the message on top.
            messages.error(request, message)
            return redirect("acts:detail", pk=match.kwargs["pk"])
        return _error_page(request, message, status=413)

    return middleware


def _error_page(request, message: str, *, status: int):
    return render(request, "400.html", {"message": message}, status=status)


def _strings(value, name: str):
    """(field name, text) for every string in a JSON value, nested ones named a.b.0."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{name}.{key}" if name else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{name}.{index}" if name else str(index))


def _submitted_text(request):
    """(field name, text) for everything a request submits as text: its query string,
    its form fields (not its files) and the strings of a JSON body."""
    for name, values in request.GET.lists():
        for value in values:
            yield name, value
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if request.content_type in FORM_TYPES:
        for name, values in request.POST.lists():
            for value in values:
                yield name, value
    elif request.content_type == "application/json" and request.body:
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):
            return  # not JSON: the API answers that itself
        yield from _strings(data, "")


def refuse_control_characters(get_response):
    """One rule for every input, pages and API alike: text with a control character other
    than tab, line feed and carriage return is refused, naming the field (422 in the API,
    a 400 page otherwise). PostgreSQL cannot store NUL at all, and none of them belongs
    in a name, a note or a search."""

    def middleware(request):
        for name, text in _submitted_text(request):
            if has_control_characters(text):
                message = errors.MSG_CONTROL_CHARACTERS.format(field=name)
                if _is_api(request):
                    return JsonResponse({"detail": message, "field": name}, status=422)
                return _error_page(request, message, status=400)
        return get_response(request)

    return middleware


def mfa_required(get_response):
    """A session that has passed its password but still owes its second step (or, for a
    role that requires it, the set-up) reaches only those pages and the logout; every
    other page sends it there. The API decides for itself (secondmile/api.py): a bearer
    token needs no second step."""

    def middleware(request):
        if request.user.is_authenticated and not request.path.startswith(API_PREFIX):
            state = mfa.session_state(request)
            if state != mfa.DONE:
                target = reverse("mfa_verify" if state == mfa.VERIFY else "mfa_setup")
                allowed = {target, reverse("logout"), reverse("mfa_recovery_codes")}
                if request.path not in allowed:
                    next_path = request.get_full_path() if request.method == "GET" else ""
                    query = f"?{urlencode({'next': next_path})}" if next_path and next_path != "/" else ""
                    return redirect(target + query)
        return get_response(request)

    return middleware


class RoleRefusalPage:
    """A page (or a form sent) that the signed-in person's role does not open answers,
    still with the 404 the permission matrix holds, a page in the app's shell that says
    who does this, who to ask by name and the way back (core.roles.RoleRefused). One
    place for every view; under DEBUG too, where Django would show its own 404 page.
    Another team's object raises a plain Http404 and never comes here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RoleRefused) or _is_api(request):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        context = {"says": exception.says, "ask": refusal_ask(user=user, needs=exception.needs)}
        return render(request, "refused.html", context, status=404)
