"""seed_demo: what a newcomer meets first. The demo is loaded once for this module (in a
transaction rolled back at the end; each test runs in a savepoint of its own): every story
state, the whole NPS scale, two referral chains, the logins, and data a newcomer trusts —
each team's acts fit its trade, no quote twice, each story credits the act it retells."""

import ast
import datetime
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest
from django.test import override_settings

import secondmile.demo as demo_package
from acts import empowerment
from acts.models import Act, LimitChange
from core.models import User
from customers.models import Customer
from customers.referrals import referral_tree
from rewards.balance import points_balance
from rewards.models import Redemption, Reward
from secondmile.demo import data
from stories.models import NpsResponse, Story
from tests.core.test_foundation import _change_data

pytestmark = pytest.mark.django_db


# The demo is loaded on the weeks before the day it runs: pinned to a day on which Lena,
# whom the data names for the afternoon off, has too few points for it, so the load must
# hand her redemption to a teammate who can cover it (a real date made this fail).
LOADED_ON = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # The tests' own (fast) hasher, so that the demo passwords check in every test.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    pinned = time_machine.travel(LOADED_ON, tick=True)
    with django_db_blocker.unblock(), fast, pinned, transaction.atomic():
        call_command("seed_demo", force=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_seed_demo_gives_every_story_state_the_whole_nps_scale_and_two_chains(demo):
    team_stories = Story.objects.filter(team__name=data.HOTEL)
    assert set(team_stories.values_list("status", flat=True)) == {"submitted", "approved", "featured", "rejected"}
    scores = set(NpsResponse.objects.filter(team__name=data.HOTEL).values_list("score", flat=True))
    assert scores == set(range(11))
    for root in ("Lucia Ferrante", "Owen Baptiste"):
        top = Customer.objects.get(name=root).referred_by
        tree = referral_tree(customer=top)
        assert max(row["depth"] for row in tree["rows"]) >= 3


ACT_TEXTS = ("problem", "solution", "right_thing", "great_experience", "how_they_know", "customer_knew_how")


def test_every_act_is_one_of_its_teams_gestures_in_its_teams_words(demo):
    acts = list(Act.objects.select_related("team"))
    assert {act.team.name for act in acts} == {trade.name for trade in data.TRADES}
    for act in acts:
        trade = data.TRADE[act.team.name]
        own = {(g.problem, g.solution, g.kind, g.quadrant) for g in trade.all_gestures}
        assert (act.problem, act.solution, act.kind, act.quadrant) in own, act.solution
        text = " ".join(str(getattr(act, name)) for name in (*ACT_TEXTS, "decision_note")).lower()
        for other in data.TRADES:
            if other is not trade:
                assert not [word for word in other.words if word in text], (act.team.name, text)


def test_the_trades_words_are_their_own():
    """A word two trades share would prove nothing about either."""
    for trade in data.TRADES:
        for other in data.TRADES:
            if other is not trade:
                assert not set(trade.words) & set(other.words)
                for gesture in trade.all_gestures:
                    text = f"{gesture.problem} {gesture.solution} {' '.join(trade.answers)}".lower()
                    assert not [word for word in other.words if word in text], gesture.solution


def test_no_quote_is_told_twice(demo):
    texts = Counter(Story.objects.values_list("text", flat=True))
    assert len(texts) >= 30
    assert [text for text, count in texts.items() if count > 1] == []


def test_each_story_credits_the_act_of_its_own_customer_that_it_retells(demo):
    quotes = {quote: g.solution for trade in data.TRADES for g in trade.all_gestures for quote in g.quotes}
    about_no_act = {script.text for script in data.STORIES if not script.solution}
    stories = Story.objects.prefetch_related("acts")
    assert stories.filter(acts__isnull=False).count() >= 30
    for story in stories:
        acts = list(story.acts.all())
        if not acts:
            assert story.text in about_no_act, story.text
            continue
        assert {act.customer_id for act in acts} == {story.customer_id}
        assert quotes.get(story.text) in {act.solution for act in acts}, story.text


def test_the_flowers_story_credits_the_flowers(demo):
    story = Story.objects.get(text__startswith="The night before my mother's operation there were flowers")
    assert [act.solution for act in story.acts.all()] == ["Sent flowers and a card to her mother's ward"]
    assert story.status == "featured"
    assert not Act.objects.filter(team__name=data.CLINIC, solution__icontains="suite").exists()


def test_seed_demo_is_idempotent(demo, capsys):
    acts = Act.objects.count()
    users = User.objects.count()
    # A database seeded when the demo admin was a superuser gets the role-only admin back.
    User.objects.filter(username="admin").update(is_superuser=True)
    call_command("seed_demo", force=True)
    admin = User.objects.get(username="admin")
    assert not admin.is_superuser
    assert admin.role == "admin"
    assert admin.is_staff
    assert Act.objects.count() == acts
    assert User.objects.count() == users
    assert acts >= 60
    output = capsys.readouterr().out
    assert "secondmile-demo" in output
    for username in ("staff", "manager", "admin"):
        assert User.objects.get(username=username).check_password("secondmile-demo")
    assert User.objects.get(username="staff").team == User.objects.get(username="manager").team
    assert User.objects.get(username="river_staff").team != User.objects.get(username="staff").team
    assert Act.objects.filter(status="pending_approval", approval_level="manager").exists()
    assert Act.objects.filter(status="pending_approval", approval_level="admin").exists()


def test_demo_admin_is_an_admin_by_role_not_a_superuser(demo, client):
    admin = User.objects.get(username="admin")
    assert not admin.is_superuser
    assert admin.is_staff
    assert admin.role == "admin"
    assert [g.name for g in admin.groups.all()] == ["admin"]

    # Axes checks every authentication against the lock-out, so it needs the request.
    assert client.login(request=HttpRequest(), username="admin", password="secondmile-demo")
    assert client.get("/admin/secondmile/team/").status_code == 200
    assert client.get("/admin/secondmile/user/").status_code == 200
    assert client.get("/team/policy/").status_code == 200
    sam = User.objects.get(username="sam")
    response = client.post(f"/admin/secondmile/user/{sam.pk}/change/", _change_data(sam, role="manager"))
    assert response.status_code == 302
    assert User.objects.get(pk=sam.pk).role == "manager"
    team = admin.team
    response = client.post(
        f"/admin/secondmile/team/{team.pk}/change/",
        {
            "name": team.name,
            "monthly_budget": "1200.00",
            "empowerment_limit": "50.00",
            "manager_limit": "100.00",
            "receipt_required_above": "75.00",
            "review_share": "0.10",
            "reminder_hours": "24",
            "escalation_hours": "48",
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.monthly_budget == 1200


def test_one_demo_person_has_grown_their_own_limit(demo):
    """The demo's staff login approves up to $60 by themselves, after a run of completed
    acts, a declined request and a run again, in that order."""
    streak = data.LIMIT_STREAK
    person = User.objects.get(username=streak.username)
    assert empowerment.limit_of(person, person.team) == Decimal("60.00")
    changes = list(person.limit_changes.order_by("at", "id").values_list("reason", "before", "after"))
    assert changes == [
        ("grew", Decimal("50.00"), Decimal("60.00")),
        ("declined", Decimal("60.00"), Decimal("50.00")),
        ("grew", Decimal("50.00"), Decimal("60.00")),
    ]
    assert not LimitChange.objects.exclude(person=person).exists()


def test_the_loader_is_small_functions():
    """The demo is data; the code that loads it stays readable: no function over 40 lines."""
    for path in Path(demo_package.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                assert node.end_lineno - node.lineno < 40, f"{path.name}: {node.name}"


def test_the_demo_has_a_catalogue_and_redemptions_in_every_state(demo):
    assert Reward.objects.filter(team__name=data.HOTEL, active=True).count() == len(data.REWARDS[data.HOTEL])
    assert Reward.objects.filter(team__name=data.CLINIC).exists()
    states = set(Redemption.objects.filter(team__name=data.HOTEL).values_list("status", flat=True))
    assert states == {"requested", "fulfilled", "refunded"}
    staff = User.objects.get(username="staff")
    assert points_balance(user=staff) > 0
    # Named for Lena, whose points on LOADED_ON fall short: a teammate who can cover it asked.
    afternoon = Redemption.objects.get(reward__name="An afternoon off")
    assert afternoon.status == "refunded"
    assert afternoon.user.username != "lena"
