from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """The customer's voice: stories, NPS answers and survey links (above acts)."""

    name = "stories"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The day summaries of outcomes follow every act change, in its transaction. ready()
        # is Django's place to connect signals: outcome_days imports models.
        from acts.signals import act_changed  # noqa: PLC0415
        from customers.signals import referral_changed  # noqa: PLC0415

        from .act_chain import act_changed as act_chain_follow  # noqa: PLC0415
        from .act_chain import referral_changed as act_chain_referral  # noqa: PLC0415
        from .outcome_days import act_changed as outcome_days_follow  # noqa: PLC0415

        act_changed.connect(outcome_days_follow, dispatch_uid="stories.outcome_days.act_changed")
        # The act chains (what each act returned) follow acts and referrals the same way.
        act_changed.connect(act_chain_follow, dispatch_uid="stories.act_chain.act_changed")
        referral_changed.connect(act_chain_referral, dispatch_uid="stories.act_chain.referral_changed")
