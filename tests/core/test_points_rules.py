"""Recognition for outcomes only: no points for logging or delivering acts; a story
approved then featured ends with the same points as one featured at once; a referral
earns its points once per credited act; every ledger line says why in words."""

import pytest
from django.conf import settings

from acts import services as act_services
from core.models import PointsEntry
from customers.services import customer_create
from stories import services as story_services
from tests.dashboard.builders import act, delivered

pytestmark = pytest.mark.django_db

POINTS = settings.SECONDMILE["POINTS"]


def story_of(user, *acts):
    return story_services.story_record(
        user=user, customer=acts[0].customer, channel="review", text="Lovely", acts=list(acts), consent=True
    )


def total(user) -> int:
    return sum(PointsEntry.objects.filter(user=user).values_list("points", flat=True))


def test_logging_delivering_and_telling_the_customer_earn_nothing(staff):
    done = delivered(staff, cost="10")
    act_services.act_customer_knows(user=staff, act=done, how="At the desk")
    act(staff)
    assert not PointsEntry.objects.exists()
    assert "delivered" not in POINTS


def test_a_submitted_or_rejected_story_earns_nothing(staff, admin_user):
    story = story_of(staff, act(staff))
    assert total(staff) == 0
    story_services.story_moderate(user=admin_user, story=story, decision="reject", reason="Not a story")
    assert total(staff) == 0


def test_approve_then_feature_gives_the_same_points_as_feature(staff, staff2, admin_user):
    twice = story_of(staff, act(staff))
    story_services.story_moderate(user=admin_user, story=twice, decision="approve")
    assert total(staff) == POINTS["story_approved"]
    story_services.story_moderate(user=admin_user, story=twice, decision="feature")
    at_once = story_of(staff2, act(staff2))
    story_services.story_moderate(user=admin_user, story=at_once, decision="feature")
    assert total(staff) == total(staff2) == POINTS["story_featured"]
    lines = list(PointsEntry.objects.filter(user=staff).order_by("id").values_list("reason", "points"))
    assert lines == [
        ("story_approved", POINTS["story_approved"]),
        ("story_featured", POINTS["story_featured"] - POINTS["story_approved"]),
    ]
    featured_line = PointsEntry.objects.get(user=staff, reason="story_featured")
    assert featured_line.explanation.endswith(
        f"was featured on the story wall: {POINTS['story_featured']} points for a featured story, "
        f"{POINTS['story_approved']} of them earned when it was approved."
    )
    assert PointsEntry.objects.get(user=staff2).explanation.endswith(
        f"was featured on the story wall: {POINTS['story_featured']} points for a featured story."
    )


def test_a_story_crediting_two_acts_earns_for_each_author_once(staff, staff2, admin_user, customer):
    story = story_of(staff, act(staff, customer=customer), act(staff2, customer=customer))
    story_services.story_moderate(user=admin_user, story=story, decision="feature")
    assert (total(staff), total(staff2)) == (POINTS["story_featured"], POINTS["story_featured"])


def test_a_referral_earns_once_and_says_who_came(staff, admin_user, customer):
    retold = act(staff, customer=customer)
    story = story_of(staff, retold)
    story_services.story_moderate(user=admin_user, story=story, decision="approve")
    newcomer = customer_create(user=staff, name="Nora New", referred_by=customer, referred_by_story=story)
    line = PointsEntry.objects.get(reason="referral")
    assert line.points == POINTS["referral"]
    assert line.explanation == (
        f"Nora New became a customer through {customer}'s story retelling your act for {customer} "
        f"(“{retold.solution}”): {POINTS['referral']} points for a referred customer."
    )
    assert newcomer.pk == line.customer_id
    # A customer referred without a story earns nobody anything.
    customer_create(user=staff, name="Word Only", referred_by=customer)
    assert PointsEntry.objects.filter(reason="referral").count() == 1


def test_a_line_from_the_earlier_rule_still_explains_itself(staff, team):
    line = PointsEntry.objects.create(
        user=staff, team=team, points=1, reason="delivered", earned_on="2026-01-05", outcome_key="delivered:act:1"
    )
    assert line.explanation == "An act delivered, under the earlier rule of a point per delivered act."
    assert line.get_reason_display() == "Act delivered (earlier rule)"
