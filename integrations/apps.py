from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Signed outgoing webhooks and Slack's plumbing: below acts and customers, which hand
    it plain values (an event name, a team id, a payload) after their writes."""

    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"
