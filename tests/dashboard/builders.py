"""Builders for the dashboard tests. Acts go through the real services; stories and NPS
answers are written as rows, as their services (stories app) would leave them — with
the day summaries of outcomes refreshed, as those services do."""

import datetime
from decimal import Decimal

from django.utils import timezone

from acts import services as act_services
from core.clock import clock_stopped_at
from customers.services import customer_create
from stories import outcome_days
from stories import services as story_services
from stories.models import NpsResponse, Story
from tests.factories import CustomerFactory, log_act


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def act(user, *, days: int = 0, customer=None, cost="0", **fields):
    """An act logged by `user`, dated `days` ago."""
    return log_act(user, cost=cost, customer=customer or CustomerFactory(team=user.team), date=days_ago(days), **fields)


def delivered(user, *, actual_cost=None, **fields):
    logged = act(user, **fields)
    return act_services.act_deliver(user=user, act=logged, actual_cost=actual_cost or logged.approved_amount)


def tell_story(customer, *, days: int = 0, status: str = "approved", acts=(), moderator=None, text="Lovely"):
    story = Story.objects.create(
        team=customer.team,
        customer=customer,
        channel="review",
        told_on=days_ago(days),
        text=text,
        status=status,
        moderated_by=moderator if status != "submitted" else None,
        moderated_at=timezone.now() if status != "submitted" else None,
        reject_reason="Not a story" if status == "rejected" else "",
        consent=True,
    )
    story.acts.set(acts)
    outcome_days.story_changed(story)
    return story


def retold(user, moderator, *, decision: str = "approve", act_of=None):
    """An outcome that earns `user` points: a story retelling their act (a new one, or
    `act_of`), moderated through the service (approve: 5 points, feature: 10)."""
    retold_act = act_of or act(user)
    story = story_services.story_record(
        user=user, customer=retold_act.customer, channel="review", text="Lovely", acts=[retold_act], consent=True
    )
    return story_services.story_moderate(user=moderator, story=story, decision=decision)


def nps(customer, score: int, *, days: int = 0):
    response = NpsResponse.objects.create(team=customer.team, customer=customer, score=score, date=days_ago(days))
    outcome_days.nps_answered(response)
    return response


def referred(user, referrer, *, value=None, name="Referred One"):
    return customer_create(
        user=user, name=name, referred_by=referrer, first_purchase_value=Decimal(value) if value is not None else None
    )


def at(moment):
    """Stop the clock at `moment` (an aware datetime): the services stamp requested_at,
    decided_at and the history rows with it, and an act's default date is its local date."""
    return clock_stopped_at(moment)
