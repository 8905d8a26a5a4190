from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`manage.py seed_demo`): data.py says what, loader.py loads it through
    the real services. No models."""

    name = "secondmile.demo"
    label = "demo"
    verbose_name = "Second Mile demo"
