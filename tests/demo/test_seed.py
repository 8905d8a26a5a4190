"""seed_demo's stories, NPS and referrals: every state, the whole scale, two chains."""

import pytest
from django.core.management import call_command

from customers.models import Customer
from customers.referrals import referral_tree
from stories.models import NpsResponse, Story

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_every_story_state_the_whole_nps_scale_and_two_chains():
    call_command("seed_demo", force=True)
    team_stories = Story.objects.filter(team__name="Harbour Hotel")
    assert set(team_stories.values_list("status", flat=True)) == {"submitted", "approved", "featured", "rejected"}
    scores = set(NpsResponse.objects.filter(team__name="Harbour Hotel").values_list("score", flat=True))
    assert scores == set(range(11))
    for root in ("Lucia Ferrante", "Owen Baptiste"):
        top = Customer.objects.get(name=root).referred_by
        tree = referral_tree(customer=top)
        assert max(row["depth"] for row in tree["rows"]) >= 3
