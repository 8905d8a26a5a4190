from django.apps import AppConfig


class SecondmileConfig(AppConfig):
    verbose_name = "Second Mile"
    name = "secondmile"
    default_auto_field = "django.db.models.BigAutoField"
