"""Mail the product sends. It goes out after the write that caused it has committed, and
can never turn that write into an error: the write is done, whatever the mail does."""

import logging
from collections.abc import Callable

from django.db import transaction

from .inputs import header_text

logger = logging.getLogger(__name__)


def subject(text: str) -> str:
    """A mail subject from text that may carry user input (a customer's name): no line
    break or control character reaches the header."""
    return header_text(text)


def on_commit_safely(send: Callable[[], None]) -> None:
    """Run `send` once the current transaction commits; if it fails (a mail server down,
    a bad header, a bug) log the traceback and go on, so that the saved write still
    answers as saved."""

    def run() -> None:
        try:
            send()
        except Exception:
            logger.exception("A notification after commit failed; the write itself is saved")

    transaction.on_commit(run)
