"""The approved stories an admin may still feature, read through their partial index:
every team's, the latest decision first (ties: the later story first), and neither the
featured, the rejected nor those still waiting."""

import re

import pytest

from stories.models import Story
from stories.services import story_moderate, story_record
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_latest_approved_stories_of_every_team_come_first(client_for, admin_user, staff, other_staff):
    def told(author, text):
        return story_record(user=author, customer=CustomerFactory(team=author.team), channel="word_of_mouth", text=text)

    stories = [told(author, f"Story {n}") for n, author in enumerate((staff, other_staff, staff, other_staff))]
    stories = [story_moderate(user=admin_user, story=story, decision="approve") for story in stories]
    # Two decisions at the same instant: the later story comes first.
    Story.objects.filter(pk=stories[0].pk).update(moderated_at=stories[2].moderated_at)
    story_moderate(user=admin_user, story=told(staff, "Featured"), decision="feature")
    story_moderate(user=admin_user, story=told(other_staff, "Rejected"), decision="reject", reason="Not a story")
    told(staff, "Still waiting")

    page = client_for(admin_user).get("/stories/review/").content.decode()
    first, second, third, fourth = stories
    assert [int(pk) for pk in re.findall(r'id="approved-(\d+)"', page)] == [fourth.pk, third.pk, first.pk, second.pk]
