"""Middleware of our own: the JSON API answers its 404 and 405 in JSON too.

django-ninja turns what its views raise into `{"detail": ...}`, but two answers never
reach it: a path under /api/ that no route matches (Django's HTML 404) and a route
asked with a method it does not take (a plain-text 405). A client written from the
brief expects JSON for every error, so both are rewritten here, keeping the status
and the Allow header.
"""

from django.http import JsonResponse

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


def mfa_required(get_response):
    """A session that has passed its password but still owes its second step (or, for a
    role that requires it, the set-up) reaches only those pages and the logout; every
    other page sends it there. The API decides for itself (secondmile/api.py): a bearer
    token needs no second step."""
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import urlencode

    from . import mfa

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
