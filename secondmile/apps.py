from django.apps import AppConfig


class SecondmileConfig(AppConfig):
    verbose_name = "Second Mile"
    name = "secondmile"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the login signals that start the second step and feed the security log.
        from . import mfa  # noqa: F401
