"""Signing in: the login lock-out page, the second step (a code from an authenticator
app or a recovery code) and turning two-factor sign-in on and off from the profile.

Whether a signed-in session still owes something is decided once, at login, and kept
in the session (`mfa_state`): "verify" (the user has a device: enter a code), "setup"
(their role requires two-factor sign-in and they have none yet) or "done". The
middleware secondmile.middleware.mfa_required lets such a session reach only these
pages and the logout; the API refuses it (403) unless it sends a bearer token.
"""

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from django_otp.util import random_hex

from core import errors, services
from core.security import security_event

from .forms import MfaDisableForm, MfaSetupForm, MfaVerifyForm

STATE = "mfa_state"
VERIFY, SETUP, DONE = "verify", "setup", "done"
_FAILURES = "mfa_failures"
_SETUP_KEY = "mfa_setup_key"
_NEW_CODES = "mfa_recovery_codes"


def state_for(user) -> str:
    """What `user` owes after their password: a code, a set-up, or nothing."""
    if user_has_device(user):
        return VERIFY
    if user.role in settings.MFA_REQUIRED_ROLES:
        return SETUP
    return DONE


def session_state(request) -> str:
    """The session's state; decided now for a session that began before it was kept."""
    state = request.session.get(STATE)
    if state is None:
        state = request.session[STATE] = state_for(request.user)
    return state


def on_login(sender, request, user, **kwargs):
    """Every login (the form, the admin's, the tests' force_login) starts the second step."""
    if request is not None and hasattr(request, "session"):
        request.session[STATE] = state_for(user)
        request.session[_FAILURES] = 0


def on_login_failed(sender, credentials, request=None, **kwargs):
    """A wrong password goes to the security log (the second step logs its own failures;
    an attempt the lock-out refused unchecked is logged by lockout_response)."""
    if credentials.get("second_step") or request is None:
        return
    refused_unchecked = (
        getattr(request, "axes_locked_out", False) and getattr(request, "axes_failures_since_start", None) is None
    )
    if not refused_unchecked:
        security_event(
            "login_failed",
            request=request,
            username=credentials.get("username"),
            failures=getattr(request, "axes_failures_since_start", None),
        )


user_logged_in.connect(on_login, dispatch_uid="secondmile.mfa.on_login")
user_login_failed.connect(on_login_failed, dispatch_uid="secondmile.mfa.on_login_failed")


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out username and address see (django-axes' AXES_LOCKOUT_CALLABLE):
    the login page, with the reason and when to try again, answered 429."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    security_event("login_throttled", request=request, user=None, username=username)
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "next": request.POST.get("next", ""),
            "lockout_message": errors.MSG_LOGIN_LOCKED_OUT.format(minutes=settings.LOGIN_COOLOFF_MINUTES),
        },
        status=429,
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
@never_cache
def verify(request):
    """The second step: the app's code or a recovery code. Each wrong code counts as a
    failed login (towards the lock-out); after MFA_MAX_FAILURES the session is logged out."""
    if session_state(request) != VERIFY:
        return redirect(_next_url(request))
    form = MfaVerifyForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        user = request.user
        device = services.mfa_code_check(user=user, code=request.POST.get("code", ""))
        if device is not None:
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session[STATE] = DONE
            request.session[_FAILURES] = 0
            if hasattr(device, "token_set"):
                left = services.mfa_recovery_codes_left(user=user)
                messages.warning(
                    request,
                    f"You used a recovery code: {left} left. Set up a new phone from your profile if you lost yours.",
                )
            return redirect(_next_url(request))
        failures = request.session.get(_FAILURES, 0) + 1
        request.session[_FAILURES] = failures
        security_event("mfa_failed", request=request, failures=failures)
        user_login_failed.send(
            sender=__name__, request=request, credentials={"username": user.get_username(), "second_step": True}
        )
        if failures >= settings.MFA_MAX_FAILURES or getattr(request, "axes_locked_out", False):
            logout(request)
            messages.error(request, errors.MSG_MFA_TOO_MANY)
            return redirect("login")
        form.add_error("code", errors.MSG_MFA_WRONG_CODE)
    return render(
        request,
        "registration/mfa_verify.html",
        {
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


def _qr_svg(url: str) -> str:
    """The otpauth URL as an inline SVG QR code: markup, so the strict CSP has nothing to refuse."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


@login_required
@never_cache
def setup(request):
    """Turn on two-factor sign-in: scan the QR code (or type the secret), confirm a code."""
    if user_has_device(request.user):
        messages.info(request, errors.MSG_MFA_ALREADY_ON)
        return redirect("profile")
    # The secret lives in the session until a code confirms it: nothing is stored before.
    key = request.session.get(_SETUP_KEY) or random_hex(20)
    request.session[_SETUP_KEY] = key
    form = MfaSetupForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        try:
            device, codes = services.mfa_enable(user=request.user, key=key, code=request.POST.get("code", ""))
        except errors.DomainError as refusal:
            form.add_error("code", refusal.message)
        else:
            del request.session[_SETUP_KEY]
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session[STATE] = DONE
            request.session[_NEW_CODES] = codes
            return redirect("mfa_recovery_codes")
    device = services.TOTPDevice(user=request.user, key=key)
    secret = b32encode(bytes.fromhex(key)).decode()
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 -- our own SVG of our own URL
            "secret": secret,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "form": form,
            "required": session_state(request) == SETUP,
        },
    )


@login_required
@never_cache
def recovery_codes(request):
    """The new recovery codes, shown this once."""
    codes = request.session.pop(_NEW_CODES, None)
    if not codes:
        return redirect("profile")
    return render(request, "registration/mfa_recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def disable(request):
    try:
        services.mfa_disable(user=request.user, code=request.POST.get("mfa_code", ""))
    except errors.DomainError as refusal:
        messages.error(request, refusal.message)
        security_event("mfa_failed", request=request, action="disable")
    else:
        messages.success(request, "Two-factor sign-in is off. You can turn it on again any time.")
    return redirect("profile")


def profile_context(user) -> dict:
    """The profile's two-factor card: on or off, recovery codes left, required or not."""
    enabled = user_has_device(user)
    return {
        "mfa_enabled": enabled,
        "mfa_required": user.role in settings.MFA_REQUIRED_ROLES,
        "mfa_recovery_left": services.mfa_recovery_codes_left(user=user) if enabled else 0,
        "mfa_disable_form": MfaDisableForm(),
    }
