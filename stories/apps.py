from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """The customer's voice: stories, NPS answers and survey links (above acts)."""

    name = "stories"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The summaries above acts follow every act, customer and policy change, in its
        # transaction: the act and customer services call these functions (acts.outcomes,
        # customers.outcomes), handed down here because those apps cannot import stories.
        # Imported in ready(), once the models are loaded.
        from acts import outcomes as act_outcomes  # noqa: PLC0415
        from customers import outcomes as customer_outcomes  # noqa: PLC0415

        from . import act_chain, outcome_days  # noqa: PLC0415

        act_outcomes.outcomes_refresh.register(outcome_days.act_changed)
        # The act chains (what each act returned) follow acts the same way, and referrals.
        act_outcomes.outcomes_refresh.register(act_chain.act_changed)
        customer_outcomes.referral_refresh.register(act_chain.referral_changed)
        # A return and a new recovery window recount the recovery of the acts they touch.
        customer_outcomes.return_refresh.register(outcome_days.customer_returned)
        act_outcomes.team_policy_refresh.register(outcome_days.team_policy_changed)
