"""The security log: sign-in failures, lock-outs, refused requests and unusual API use.

Each event is one JSON object a line on stdout (logger `secondmile.security`), with the
event's name, the user, the client's address and the request id, so that a log shipper
can search it without parsing prose. What a line never holds: passwords, API tokens and
the customer's survey links (`/s/<token>`), which are redacted from every log line.
"""

import contextvars
import datetime
import json
import logging
import re
import uuid

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger("secondmile.security")

# The request being served, so that a service deep down (a refused approval) logs the
# request id and address without being handed the request.
_current_request = contextvars.ContextVar("security_request", default=None)

_SURVEY_PATH = re.compile(r"/s/[^\s\"'?#<>]+")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def redact(text: str) -> str:
    """`text` with every survey link's token replaced: the token is the customer's key."""
    return _SURVEY_PATH.sub("/s/[redacted]", text)


class JsonLinesFormatter(logging.Formatter):
    """One JSON object a line: time, level, event and the fields the event was logged with."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            **getattr(record, "security", {}),
        }
        return redact(json.dumps(entry, default=str))


class RedactSecrets(logging.Filter):
    """Rewrites a record's message without survey tokens (Django logs the path of every
    4xx answer, and `/s/<token>` answers 404 and 429 by design)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def security_event(event: str, *, request=None, user=None, level: int = logging.WARNING, **fields) -> None:
    """Log `event` with the user, the client's address and the request id. `request`
    defaults to the one being served; `user` to its user. Never pass secrets in `fields`."""
    request = request if request is not None else _current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    username = user.get_username() if user is not None and user.is_authenticated else None
    logger.log(
        level,
        event,
        extra={
            "security": {
                "user": username,
                "ip": client_ip(request) if request is not None else None,
                "request_id": getattr(request, "id", None),
                "path": redact(request.path) if request is not None else None,
                **fields,
            }
        },
    )


def request_id_for(request) -> str:
    """The id a trusted proxy gave the request (X-Request-ID, behind TRUSTED_PROXY_COUNT
    proxies, when well formed), or a new one. A client's own header is not believed: it
    could make two requests look like one in the log."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    if settings.TRUSTED_PROXY_COUNT > 0 and _REQUEST_ID.match(given):
        return given
    return uuid.uuid4().hex


def request_context(get_response):
    """Give each request an id (echoed in the X-Request-ID response header), make it the
    current request for the security log, and log every 403 answer."""

    def middleware(request):
        request.id = request_id_for(request)
        token = _current_request.set(request)
        try:
            response = get_response(request)
            if response.status_code == 403:
                security_event("forbidden", request=request, status=403, method=request.method)
        finally:
            _current_request.reset(token)
        response["X-Request-ID"] = request.id
        return response

    return middleware


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as far as the configured proxies vouch for it.

    With TRUSTED_PROXY_COUNT = 0 (no proxy) it is REMOTE_ADDR, whatever X-Forwarded-For
    says. Behind N trusted proxies, each appending the address it saw, the client is the
    N-th address from the right of X-Forwarded-For: entries further left are whatever the
    client sent and prove nothing. A header with fewer entries than that did not come
    through every proxy, so none of it is trusted: REMOTE_ADDR (the nearest hop) counts.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
