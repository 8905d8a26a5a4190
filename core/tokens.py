"""Secret tokens: personal API tokens, and the one hash every stored token goes through.

Only a token's SHA-256 is kept (API tokens here, survey links in stories/survey.py);
the token itself is shown once.
"""

import hashlib
import secrets

from django.utils import timezone

from . import errors
from .models import ApiToken, User
from .security import security_event


def token_hash(token: str) -> str:
    """The SHA-256 (hex) kept in place of a token: API tokens and survey links alike."""
    return hashlib.sha256(token.encode()).hexdigest()


def api_tokens_of(user: User):
    """The user's API tokens, as their profile lists them (the model's order)."""
    return user.api_tokens.all()


def api_token_create(*, user: User, name: str = "API token") -> tuple[ApiToken, str]:
    """Make a personal API token; returns the row and the token, which is never stored."""
    token = "sm_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        name=(name or "API token").strip()[:60],
        key_hash=token_hash(token),
        prefix=token[:10],
    )
    return row, token


def api_token_revoke(*, user: User, token_id: int) -> None:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise errors.InvalidInput("No such token.")


def api_token_user(token: str, *, ip: str = "") -> User | None:
    """The active user a bearer token belongs to, or None. Records when it was used and
    from where; a use from another address than last time goes to the security log."""
    row = (
        ApiToken.objects.select_related("user", "user__team")
        .filter(key_hash=token_hash(token), user__is_active=True)
        .first()
    )
    if row is None:
        return None
    changes = {"last_used_at": timezone.now()}
    if ip and ip != row.last_ip:
        changes["last_ip"] = ip
        security_event(
            "api_token_new_ip", user=row.user, token_id=row.pk, token_name=row.name, previous_ip=row.last_ip or None
        )
    ApiToken.objects.filter(pk=row.pk).update(**changes)
    return row.user
