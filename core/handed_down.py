"""Functions an app above hands down to an app below it at start-up, so that the lower
app's services can call them as plain calls in their own transaction without importing
the app above (the layers point down only: README, Layout).

The app above registers its functions in its AppConfig.ready(); the service calls the
`HandedDown` like a function: every registered function runs in line, in the order
registered — known code, not a signal. Nothing registered is an error, not a silent drift
of the figures the functions keep.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


class HandedDown:
    """One step a service takes through the app above: `what` names it for the error."""

    def __init__(self, what: str):
        self.what = what
        self.functions: list[Callable[..., None]] = []

    def register(self, function: Callable[..., None]) -> None:
        """The app above's ready(): hand down a function (once each)."""
        if function not in self.functions:
            self.functions.append(function)

    def __call__(self, *args, **kwargs) -> None:
        if not self.functions:
            raise ImproperlyConfigured(f"Nothing was handed down for {self.what} (is the app above installed?).")
        for function in self.functions:
            function(*args, **kwargs)
