from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """The customer's voice: stories, NPS answers and survey links (above acts)."""

    name = "stories"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The summaries above acts follow every act change, in its transaction: the act
        # services call these functions (acts.outcomes), handed down here because acts
        # cannot import stories. Imported in ready(), once the models are loaded.
        from acts.outcomes import outcomes_refresh_register  # noqa: PLC0415
        from customers.signals import referral_changed  # noqa: PLC0415

        from . import act_chain, outcome_days  # noqa: PLC0415

        outcomes_refresh_register(outcome_days.act_changed)
        # The act chains (what each act returned) follow acts the same way, and referrals.
        outcomes_refresh_register(act_chain.act_changed)
        referral_changed.connect(act_chain.referral_changed, dispatch_uid="stories.act_chain.referral_changed")
        # A return and a new recovery window recount the recovery of the acts they touch.
        from acts.signals import team_policy_changed  # noqa: PLC0415
        from customers.signals import customer_returned  # noqa: PLC0415

        customer_returned.connect(outcome_days.customer_returned, dispatch_uid="stories.outcome_days.customer_returned")
        team_policy_changed.connect(
            outcome_days.team_policy_changed, dispatch_uid="stories.outcome_days.team_policy_changed"
        )
