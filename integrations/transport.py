"""Outgoing HTTP for webhooks and Slack, aimed at public addresses only.

A URL is refused when it is not https or when its host is, or resolves to, a loopback,
private, link-local or otherwise non-public address, so that a webhook cannot be turned
on the services behind our own firewall. The connection then goes to the very address
that was checked (a second DNS answer cannot swap in an internal one), redirects are
not followed, and every socket operation times out after TIMEOUT_SECONDS.
WEBHOOK_ALLOW_PRIVATE (local development and tests) lifts the address and https rules.
"""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT_SECONDS = 10
USER_AGENT = "SecondMile-Webhooks/1"

MSG_BAD_URL = "Enter a full web address, like https://example.com/hooks."
MSG_HTTPS_ONLY = "The address must start with https://."
MSG_UNRESOLVED = "That host name does not resolve to an address."
MSG_PRIVATE = "That address is on a loopback or private network; only public addresses can receive webhooks."


class UnsafeTarget(Exception):
    """The URL may not be called; `message` says why, in words for the admin."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def target_addresses(url: str) -> list[str]:
    """The addresses `url` may be called at, or UnsafeTarget saying why it may not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget(MSG_BAD_URL) from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeTarget(MSG_BAD_URL)
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE
    if parts.scheme != "https" and not allow_private:
        raise UnsafeTarget(MSG_HTTPS_ONLY)
    try:
        found = socket.getaddrinfo(parts.hostname, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeTarget(MSG_UNRESOLVED) from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise UnsafeTarget(MSG_UNRESOLVED)
    if not allow_private and not all(_is_public(address) for address in addresses):
        raise UnsafeTarget(MSG_PRIVATE)
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with the certificate checked against the host name."""

    def __init__(self, host, port, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post_json(url: str, body: bytes, headers: dict[str, str] | None = None) -> int:
    """POST `body` (JSON) to `url` and return the answer's status code.

    Raises UnsafeTarget for a refused address, TimeoutError when the receiver does not
    answer in time, and OSError or http.client.HTTPException when it cannot be reached.
    """
    addresses = target_addresses(url)
    parts = urlsplit(url)
    https = parts.scheme == "https"
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(
        parts.hostname, parts.port or (443 if https else 80), address=addresses[0], timeout=TIMEOUT_SECONDS
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **(headers or {})},
        )
        response = connection.getresponse()
        # The answer's body is not used; a little is read so the connection closes cleanly.
        response.read(4096)
        return response.status
    finally:
        connection.close()
