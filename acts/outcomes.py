"""The steps above acts that every act change takes, in the change's transaction:
refreshing the summaries an act's change can move — the outcome days of its customer
(NPS with or without an act, recovery: stories.outcome_days) and the act chains' return
cells (stories.act_chain).

Acts sit below stories and cannot import it, so stories hands its functions down once, at
ready() (`outcomes_refresh_register`), and the act services call `outcomes_refresh(act)`
as a plain call: known functions, run in line in the order registered, not a signal.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from .models import Act

_registered: list[Callable[[Act], None]] = []


def outcomes_refresh_register(refresh: Callable[[Act], None]) -> None:
    """Stories' ready(): a function that refreshes what an act's change moves (once each)."""
    if refresh not in _registered:
        _registered.append(refresh)


def outcomes_refresh(act: Act) -> None:
    """Refresh what this act's change can move above acts, in the caller's transaction."""
    if not _registered:
        # Without them the dashboard's outcome figures would drift silently.
        raise ImproperlyConfigured("The stories app did not register its outcome refresh (is it installed?).")
    for refresh in _registered:
        refresh(act)
