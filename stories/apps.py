from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """The customer's voice: stories, NPS answers and survey links (above acts)."""

    name = "stories"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The day summaries of outcomes follow every act change, in its transaction: the act
        # services call this function, handed down here because acts cannot import stories.
        # Imported in ready(), once the models are loaded (outcome_days imports them).
        from acts.outcomes import outcomes_refresh_register  # noqa: PLC0415

        from .outcome_days import act_changed  # noqa: PLC0415

        outcomes_refresh_register(act_changed)
