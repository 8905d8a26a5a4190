"""A database at the schema before the apps were layered (stories, follow-ups and day
summaries owned by customers and secondmile), with rows in it, migrates to the layered
apps without losing a row: the tables stay, only the apps that own them change, and the
content types (so the permissions the roles hold) move with them.

The real migrations run in a process and SQLite file of their own, so the test database
the other tests share is never rolled back.
"""

import json

from tests.manage_process import manage_at

BEFORE = [
    ("secondmile", "0006_audit_event"),
    ("customers", "0004_story_history_refuses_truncate_and_delete"),
    ("acts", "0005_history_refuses_truncate_and_delete"),
]

# Rows written with the models as they were at BEFORE (the historical models).
FILL = f"""
import datetime
from decimal import Decimal
from django.db import connection
from django.db.migrations.loader import MigrationLoader

apps = MigrationLoader(connection).project_state({BEFORE!r}).apps
Team = apps.get_model("secondmile", "Team")
User = apps.get_model("secondmile", "User")
Customer = apps.get_model("customers", "Customer")
Act = apps.get_model("acts", "Act")
Story = apps.get_model("customers", "Story")
StoryEvent = apps.get_model("customers", "StoryEvent")
NpsResponse = apps.get_model("customers", "NpsResponse")
SurveyLink = apps.get_model("customers", "SurveyLink")
FollowUp = apps.get_model("customers", "FollowUp")
DaySummary = apps.get_model("secondmile", "DaySummary")
PointsEntry = apps.get_model("secondmile", "PointsEntry")

day = datetime.date(2026, 11, 3)
team = Team.objects.create(name="Front desk")
ana = User.objects.create(username="ana", team=team)
lee = Customer.objects.create(team=team, name="Lee Park", referral_code="LEEPARK2")
act = Act.objects.create(
    team=team, author=ana, customer=lee, date=day, problem="Late check-out", quadrant="response",
    kind="time", solution="Kept the room until six", status="delivered", approval_level="none",
)
story = Story.objects.create(
    team=team, customer=lee, channel="review", told_on=day, text="They kept our room", status="approved",
    moderated_by=ana,
)
story.acts.add(act)
StoryEvent.objects.create(story=story, actor=ana, from_status="submitted", to_status="approved")
referred = Customer.objects.create(
    team=team, name="Sam Roe", referral_code="SAMROE22", referred_by=lee, referred_by_story=story
)
answer = NpsResponse.objects.create(team=team, customer=lee, act=act, score=4, date=day)
SurveyLink.objects.create(
    act=act, token_hash="a" * 64, created_by=ana, expires_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
)
FollowUp.objects.create(team=team, customer=lee, act=act, nps_response=answer, kind="detractor", due_on=day)
DaySummary.objects.create(team=team, date=day, acts_count=1, spend_total=Decimal("12.50"))
PointsEntry.objects.create(
    user=ana, team=team, points=5, reason="story_approved", act=act, story=story, earned_on=day, outcome_key="k1"
)
"""

# What the layered apps read back, with today's models.
READ = """
import json
from django.contrib.auth.models import Group
from acts.models import Act, DaySummary, FollowUp
from core.models import PointsEntry
from customers.models import Customer
from stories.models import NpsResponse, Story, StoryEvent, SurveyLink

story = Story.objects.get()
follow_up = FollowUp.objects.get()
print(json.dumps({
    "story": [story.text, story.customer.name, [a.solution for a in story.acts.all()]],
    "history": list(StoryEvent.objects.values_list("from_status", "to_status")),
    "referred_by_story": Customer.objects.get(name="Sam Roe").referred_by_story.text,
    "nps": [NpsResponse.objects.get().score, NpsResponse.objects.get().act.solution],
    "survey_links": SurveyLink.objects.count(),
    "follow_up": [follow_up.kind, follow_up.nps_response.score, follow_up.act.solution],
    "day_summary": [DaySummary.objects.get().acts_count, str(DaySummary.objects.get().spend_total)],
    "points_story": PointsEntry.objects.get().story.text,
    "customer_follow_ups": Customer.objects.get(name="Lee Park").follow_ups.count(),
    "admin_moderates": Group.objects.get(name="admin").permissions.filter(
        content_type__app_label="stories", codename="moderate_story").exists(),
    "staff_follow_ups": Group.objects.get(name="staff").permissions.filter(
        content_type__app_label="acts", codename="change_followup").exists(),
}))
"""


def test_a_database_at_the_old_layout_keeps_every_row_in_the_new_one(tmp_path):
    manage = manage_at(f"sqlite:///{tmp_path / 'before.sqlite3'}", BEFORE)
    assert "[ ] 0001_initial" in manage("showmigrations", "stories", whole=True)
    manage("shell", "-c", FILL)
    manage("migrate", "--no-input", "-v", "0")

    assert json.loads(manage("shell", "-c", READ)) == {
        "story": ["They kept our room", "Lee Park", ["Kept the room until six"]],
        "history": [["submitted", "approved"]],
        "referred_by_story": "They kept our room",
        "nps": [4, "Kept the room until six"],
        "survey_links": 1,
        "follow_up": ["detractor", 4, "Kept the room until six"],
        "day_summary": [1, "12.50"],
        "points_story": "They kept our room",
        "customer_follow_ups": 1,
        "admin_moderates": True,
        "staff_follow_ups": True,
    }
    # And back: the moves reverse to the old layout with the rows still there.
    manage("migrate", "customers", "0004", "--no-input", "-v", "0")
    manage("migrate", "stories", "zero", "--no-input", "-v", "0")
    counts = (
        "from django.db import connection; c = connection.cursor(); "
        "print([c.execute(f'SELECT COUNT(*) FROM {t}').fetchone()[0] for t in "
        "('customers_story', 'customers_storyevent', 'customers_followup', 'secondmile_daysummary')])"
    )
    assert manage("shell", "-c", counts) == "[1, 1, 1, 1]"
