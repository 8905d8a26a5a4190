"""The act and customer services reach the summaries above them through functions handed
down at start-up (core.handed_down), called in line: no signals."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from acts import outcomes
from customers import outcomes as customer_outcomes
from stories import act_chain, outcome_days


def test_stories_hands_its_refreshes_down_at_start_in_order():
    assert outcomes.outcomes_refresh.functions == [outcome_days.act_changed, act_chain.act_changed]
    assert outcomes.team_policy_refresh.functions == [outcome_days.team_policy_changed]
    assert customer_outcomes.referral_refresh.functions == [act_chain.referral_changed]
    assert customer_outcomes.return_refresh.functions == [outcome_days.customer_returned]


def test_a_function_handed_down_twice_runs_once():
    outcomes.outcomes_refresh.register(outcome_days.act_changed)
    assert outcomes.outcomes_refresh.functions == [outcome_days.act_changed, act_chain.act_changed]


@pytest.mark.parametrize(
    "handed_down",
    [
        outcomes.outcomes_refresh,
        outcomes.team_policy_refresh,
        customer_outcomes.referral_refresh,
        customer_outcomes.return_refresh,
    ],
)
def test_an_unregistered_refresh_is_an_error_not_a_silent_drift(monkeypatch, handed_down):
    monkeypatch.setattr(handed_down, "functions", [])
    with pytest.raises(ImproperlyConfigured):
        handed_down(object())
