from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class SecondmileConfig(AppConfig):
    """The composition root: settings, root URLs, the API root, and the pages that gather
    every app (home, dashboard, the demo). No app imports it."""

    name = "secondmile"
    # "secondmile" is the foundation's label (core/apps.py): its tables predate the split.
    label = "site"
    verbose_name = "Second Mile site"

    def ready(self):
        # ready() is Django's place to connect signals: these modules import models, which
        # cannot be imported before the app registry is ready.
        from . import mfa  # noqa: F401, PLC0415  (connects the sign-in signals that start the second step)
        from .middleware import stamp_session_at_login  # noqa: PLC0415

        user_logged_in.connect(stamp_session_at_login, dispatch_uid="secondmile.stamp_session_at_login")
