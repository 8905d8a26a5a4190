"""Home and profile: follow-ups due, surprise suggestions, kudos, the leaderboard toggle."""

import datetime
import re

import pytest
from django.utils import timezone

from acts.models import FollowUp
from acts.selectors import FOLLOW_UPS_SHOWN
from acts.suggestions import surprise_suggestions
from core.models import Kudos
from core.recognition import kudos_give, leaderboard_visibility_set
from stories.services import story_moderate, story_record
from tests.dashboard.builders import act, delivered, retold
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_delivery_schedules_a_thank_you_and_a_check_in(staff, customer):
    done = delivered(staff, customer=customer, cost="10")
    today = timezone.localdate()
    follow_ups = FollowUp.objects.filter(act=done).order_by("due_on")
    assert [(f.kind, f.due_on, f.team_id, f.customer_id) for f in follow_ups] == [
        ("thank_you", today + datetime.timedelta(days=2), staff.team_id, customer.pk),
        ("check_in", today + datetime.timedelta(days=14), staff.team_id, customer.pk),
    ]
    assert not FollowUp.objects.filter(act=act(staff, customer=customer)).exists()  # not delivered yet


def test_home_lists_follow_ups_due_and_marks_them_done(client_for, staff, staff2, customer):
    done = delivered(staff, customer=customer)
    FollowUp.objects.filter(act=done, kind="thank_you").update(due_on=timezone.localdate())
    client = client_for(staff2)  # the team's list, not only the author's
    html = client.get("/").content.decode()
    assert "Thank-you note" in html
    assert "Due today" in html
    assert "Check-in call" not in html  # due in 14 days
    thank_you = FollowUp.objects.get(act=done, kind="thank_you")
    response = client.post(f"/follow-ups/{thank_you.pk}/done/", follow=True)
    assert "Done: thank-you note for Elena Petrova." in response.content.decode()
    thank_you.refresh_from_db()
    assert thank_you.done_at
    assert thank_you.done_by == staff2
    again = client.post(f"/follow-ups/{thank_you.pk}/done/", follow=True).content.decode()
    assert "already done" in again
    assert client.get(f"/follow-ups/{thank_you.pk}/done/").status_code == 405


def test_another_teams_follow_up_is_404(client_for, staff, other_staff, other_customer):
    done = delivered(other_staff, customer=other_customer)
    follow_up = FollowUp.objects.filter(act=done).first()
    assert client_for(staff).post(f"/follow-ups/{follow_up.pk}/done/").status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


def test_surprise_suggestions_are_random_stable_within_a_day_and_skip_the_recently_surprised(team, staff):
    customers = [CustomerFactory(team=team, name=f"Guest {i:02}") for i in range(30)]
    act(staff, days=5, customer=customers[0])  # surprised recently: never suggested
    today = timezone.localdate()
    picks = surprise_suggestions(team=team, today=today)
    assert len(picks) == 3
    assert [c.pk for c in picks] == [c.pk for c in surprise_suggestions(team=team, today=today)]
    # Over the next three weeks (customers[0] stays within 30 days of its surprise):
    days = [today + datetime.timedelta(days=n) for n in range(21)]
    daily = {day: surprise_suggestions(team=team, today=day) for day in days}
    seen = {c.pk for picks in daily.values() for c in picks}
    assert customers[0].pk not in seen
    assert len({tuple(c.pk for c in picks) for picks in daily.values()}) > 15  # a new draw each day
    assert len(seen) > 15


def test_each_suggestion_says_why(team, staff):
    long_ago, recovered, never, recent = (CustomerFactory(team=team) for _ in range(4))
    act(staff, days=45, customer=long_ago, kind="note")
    act(staff, days=2, customer=recovered, trigger="reactive", kind="call")
    act(staff, days=3, customer=recent)
    referred = CustomerFactory(team=team, referred_by=never)
    act(staff, days=1, customer=referred)
    picks = surprise_suggestions(team=team, today=timezone.localdate())
    assert {c.pk: c.why for c in picks} == {
        long_ago.pk: "Last surprise 45 days ago (note).",
        recovered.pk: "Never surprised yet (one act so far: a recovery).",
        never.pk: "Never surprised yet; has sent us 1 customer.",
    }


def test_suggestions_stay_in_the_team(team, other_team):
    CustomerFactory(team=other_team)
    assert surprise_suggestions(team=team, today=timezone.localdate()) == []


def test_home_shows_suggestions_with_a_link_to_log_an_act(client_for, staff, customer):
    html = client_for(staff).get("/").content.decode()
    assert "Today's surprise suggestions" in html
    assert f'href="/acts/new/?customer={customer.pk}"' in html
    assert "Never surprised yet." in html


def test_managers_give_kudos_on_a_teammates_page(client_for, manager, staff, other_manager):
    client = client_for(manager)
    assert f'href="/people/{staff.pk}/"' in client.get("/accounts/profile/").content.decode()
    page = client.get(f"/people/{staff.pk}/").content.decode()
    assert "Give kudos" in page
    response = client.post(f"/people/{staff.pk}/kudos/", {"note": "The steak at the gate!"}, follow=True)
    assert "Kudos sent to" in response.content.decode()
    kudos = Kudos.objects.get()
    assert (kudos.giver, kudos.receiver, kudos.note) == (manager, staff, "The steak at the gate!")
    assert "The steak at the gate!" in client_for(staff).get("/accounts/profile/").content.decode()
    assert client.post(f"/people/{staff.pk}/kudos/", {"note": ""}).status_code == 400
    assert client_for(other_manager).get(f"/people/{staff.pk}/").status_code == 404
    assert client_for(other_manager).post(f"/people/{staff.pk}/kudos/", {"note": "x"}).status_code == 404


def test_staff_cannot_give_kudos(client_for, staff, staff2):
    client = client_for(staff)
    assert "Give kudos" not in client.get(f"/people/{staff2.pk}/").content.decode()
    response = client.post(f"/people/{staff2.pk}/kudos/", {"note": "Nice"}, follow=True)
    assert "Only managers give kudos." in response.content.decode()
    assert not Kudos.objects.exists()
    assert client.get(f"/people/{staff.pk}/").status_code == 302  # my own page is my profile


def test_leaving_and_rejoining_the_leaderboard(client_for, staff, admin_user):
    retold(staff, admin_user)
    client = client_for(staff)
    assert 'class="leaderboard__name" href="/people/' in client.get("/").content.decode()
    response = client.post("/accounts/profile/leaderboard/", {"hidden": "1"}, follow=True)
    assert "You no longer appear on the leaderboard" in response.content.decode()
    staff.refresh_from_db()
    assert staff.hide_from_leaderboard
    assert "leaderboard__name" not in client.get("/").content.decode()
    assert "Show me on the leaderboard" in client.get("/accounts/profile/").content.decode()
    client.post("/accounts/profile/leaderboard/", {"hidden": "0"})
    staff.refresh_from_db()
    assert not staff.hide_from_leaderboard
    assert client.get("/accounts/profile/leaderboard/").status_code == 405


def test_profile_shows_points_from_outcomes(client_for, staff, admin_user):
    delivered(staff)  # volume: no points
    story = retold(staff, admin_user)
    html = client_for(staff).get("/accounts/profile/").content.decode()
    assert "Points this month" in html
    assert "Story approved" in html
    assert "Act delivered" not in html
    # The ledger says why in words.
    assert f"{story.customer}&#x27;s story (online review) retelling your act for {story.customer}" in html
    assert "was approved for the story wall: 5 points for an approved story." in html


def _my_recognition(html: str) -> str:
    match = re.search(r'<section class="card" id="my-recognition".*?</section>', html, re.S)
    assert match, "no recognition card on home"
    return re.sub(r"\s+", " ", match.group(0))


def test_home_shows_my_points_this_month_and_kudos_even_off_the_board(client_for, staff, staff2, manager, admin_user):
    retold(staff, admin_user)
    delivered(staff)
    kudos_give(user=manager, receiver=staff, note="The steak at the gate")
    leaderboard_visibility_set(user=staff, hidden=True)
    card = _my_recognition(client_for(staff).get("/").content.decode())
    assert 'My points this month</dt><dd class="tile__value">5</dd>' in card
    assert '<p class="quote">The steak at the gate</p>' in card
    # A manager with no points sees their own zero, not somebody else's.
    card = _my_recognition(client_for(manager).get("/").content.decode())
    assert 'My points this month</dt><dd class="tile__value">0</dd>' in card
    assert "No kudos yet." in card


def test_home_counts_a_long_backlog_only_up_to_99(client_for, staff, customer):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    FollowUp.objects.bulk_create(
        [FollowUp(team=staff.team, customer=customer, kind="check_in", due_on=yesterday) for _ in range(120)]
    )
    html = client_for(staff).get("/").content.decode()
    assert re.search(r'Follow-ups due <span class="count">99\+</span>', html)
    # One customer's follow-ups of one day are one row on home.
    assert '<a href="/followups/">…and 98+ more</a>' in html


def test_home_counts_a_short_backlog_exactly(client_for, staff, customer):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    FollowUp.objects.bulk_create(
        [
            FollowUp(team=staff.team, customer=CustomerFactory(team=staff.team), kind="check_in", due_on=yesterday)
            for _ in range(10)
        ]
    )
    html = client_for(staff).get("/").content.decode()
    assert re.search(r'Follow-ups due <span class="count">10</span>', html)
    assert html.count('class="card followup"') == FOLLOW_UPS_SHOWN == 3
    assert '<a href="/followups/">…and 7 more</a>' in html


def test_home_shows_one_row_per_customer_per_day(client_for, staff, customer):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    other = CustomerFactory(team=staff.team, name="Tomas Berg")
    FollowUp.objects.bulk_create(
        [
            FollowUp(team=staff.team, customer=customer, kind="thank_you", due_on=yesterday),
            FollowUp(team=staff.team, customer=customer, kind="check_in", due_on=yesterday),
            FollowUp(team=staff.team, customer=customer, kind="check_in", due_on=today),
            FollowUp(team=staff.team, customer=other, kind="thank_you", due_on=yesterday),
        ]
    )
    html = client_for(staff).get("/").content.decode()
    rows = re.findall(r'<li class="card followup">.*?</li>', html, flags=re.S)
    assert [("Elena Petrova" in row, "Tomas Berg" in row, "Due today" in row) for row in rows] == [
        (True, False, False),  # yesterday's thank-you note; her check-in of the same day waits
        (False, True, False),
        (True, False, True),
    ]
    assert re.search(r'Follow-ups due <span class="count">4</span>', html)
    assert '<a href="/followups/">…and 1 more</a>' in html


def test_home_lists_only_open_follow_ups_of_the_team_by_due_date_then_as_created(
    client_for, staff, customer, other_customer
):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    other = CustomerFactory(team=staff.team, name="Tomas Berg")
    FollowUp.objects.bulk_create(
        [
            FollowUp(team=staff.team, customer=customer, kind="thank_you", due_on=yesterday, done_at=timezone.now()),
            FollowUp(team=staff.team, customer=customer, kind="check_in", due_on=yesterday),
            FollowUp(team=staff.team, customer=other, kind="check_in", due_on=today),
            FollowUp(team=staff.team, customer=other, kind="thank_you", due_on=yesterday),
        ]
    )
    FollowUp.objects.create(team=other_customer.team, customer=other_customer, kind="check_in", due_on=yesterday)
    html = client_for(staff).get("/").content.decode()
    rows = re.findall(r'<li class="card followup">.*?</li>', html, flags=re.S)
    # The note already sent neither shows nor hides her check-in of the same day.
    assert [("Elena Petrova" in row, "Tomas Berg" in row, "Due today" in row) for row in rows] == [
        (True, False, False),
        (False, True, False),
        (False, True, True),
    ]
    assert re.search(r'Follow-ups due <span class="count">3</span>', html)


def test_done_on_home_is_an_outlined_button_and_log_an_act_the_one_solid_one(client_for, staff, customer):
    FollowUp.objects.create(team=staff.team, customer=customer, kind="check_in", due_on=timezone.localdate())
    html = client_for(staff).get("/").content.decode()
    main = html[html.index("<main") :]
    assert re.search(r'<button class="button button--secondary" type="submit">Done<span', main)
    assert set(re.findall(r'class="button"[^>]*>([^<]+)<', main)) == {"Log an act"}
    assert "button--ok" not in html


def test_the_admins_home_says_how_many_stories_wait_for_review(client_for, admin_user, manager, staff, customer):
    first, _ = (
        story_record(user=staff, customer=customer, channel="word_of_mouth", text=text)
        for text in ("Lovely stay", "They remembered my name")
    )
    html = client_for(admin_user).get("/").content.decode()
    assert '<a href="/stories/review/"><strong>2 stories waiting for review</strong></a>' in html
    assert "waiting for review" not in client_for(manager).get("/").content.decode()
    story_moderate(user=admin_user, story=first, decision="approve")
    assert "<strong>1 story waiting for review</strong>" in client_for(admin_user).get("/").content.decode()


def test_suggestions_are_drawn_from_a_bounded_window_of_a_large_team(team, staff, django_assert_num_queries):
    CustomerFactory.create_batch(150, team=team)
    with django_assert_num_queries(3):
        picks = surprise_suggestions(team=team, today=timezone.localdate())
    assert len(picks) == 3
