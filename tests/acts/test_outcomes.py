"""The act services reach the outcome summaries above acts through one function handed down."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from acts import outcomes
from stories import act_chain, outcome_days


def test_stories_hands_its_refreshes_down_at_start_in_order():
    assert outcomes._registered == [outcome_days.act_changed, act_chain.act_changed]


def test_an_unregistered_refresh_is_an_error_not_a_silent_drift(monkeypatch):
    monkeypatch.setattr(outcomes, "_registered", [])
    with pytest.raises(ImproperlyConfigured):
        outcomes.outcomes_refresh(object())
