from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """The customer's voice: stories, NPS answers and survey links (above acts)."""

    name = "stories"
    default_auto_field = "django.db.models.BigAutoField"
