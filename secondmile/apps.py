from django.apps import AppConfig


class SecondmileConfig(AppConfig):
    verbose_name = "Second Mile"
    name = "secondmile"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session_at_login

        user_logged_in.connect(stamp_session_at_login, dispatch_uid="secondmile.stamp_session_at_login")

        # Connects the login signals that start the second step and feed the security log.
        from . import mfa  # noqa: F401
