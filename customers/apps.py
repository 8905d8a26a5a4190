from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The day summaries of outcomes follow every act change, in its transaction.
        from acts.signals import act_changed

        from .outcome_days import act_changed as outcome_days_follow

        act_changed.connect(outcome_days_follow, dispatch_uid="customers.outcome_days.act_changed")
