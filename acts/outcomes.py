"""The one step above acts that every act change takes, in the change's transaction:
refreshing the outcome day summaries its customer's days can move (NPS with or without an
act, recovery — stories.outcome_days).

Acts sit below stories and cannot import it, so stories hands its function down once, at
ready() (`outcomes_refresh_register`), and the act services call `outcomes_refresh(act)`
as a plain call: one known function, run in line, not a signal with receivers to discover.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from .models import Act

_registered: dict[str, Callable[[Act], None]] = {}


def outcomes_refresh_register(refresh: Callable[[Act], None]) -> None:
    """Stories' ready(): the function that refreshes an act's outcome days."""
    _registered["refresh"] = refresh


def outcomes_refresh(act: Act) -> None:
    """Refresh the outcome days this act's change can move (see stories.outcome_days.act_changed)."""
    refresh = _registered.get("refresh")
    if refresh is None:
        # Without it the dashboard's outcome figures would drift silently.
        raise ImproperlyConfigured("The stories app did not register its outcome refresh (is it installed?).")
    refresh(act)
