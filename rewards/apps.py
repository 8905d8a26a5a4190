from django.apps import AppConfig


class RewardsConfig(AppConfig):
    """The rewards catalogue and the points people spend on it: just above core, whose
    recognition ledger it reads; nothing below imports it."""

    name = "rewards"
    default_auto_field = "django.db.models.BigAutoField"
