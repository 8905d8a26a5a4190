from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The foundation every app builds on: teams, people, roles, errors, money, tokens,
    the recognition ledger and the audit log."""

    name = "core"
    # Tables, AUTH_USER_MODEL, migration history and admin URLs predate the split: keep the label.
    label = "secondmile"
    verbose_name = "Second Mile"
    default_auto_field = "django.db.models.BigAutoField"
