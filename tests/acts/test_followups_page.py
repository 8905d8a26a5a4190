"""The follow-ups page: every due and overdue follow-up of my team, detractor cases first
then by due date; done and snooze (POST, with a message); pages; another team's is 404;
home's "and N more" links here."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from acts import followups, selectors
from acts.models import FollowUp
from core import errors
from core.models import AuditEvent
from stories import nps
from tests.dashboard.builders import delivered
from tests.factories import CustomerFactory
from tests.queries import LARGE, SMALL, Team, assert_same_queries, signed_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 5, 20)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime.datetime(2027, 5, 20, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def follow_up(customer, kind, days_ago, **fields):
    return FollowUp.objects.create(
        team=customer.team, customer=customer, kind=kind, due_on=TODAY - datetime.timedelta(days=days_ago), **fields
    )


def titles(html: str) -> list[str]:
    """The customers of the listed follow-ups, in page order."""
    return re.findall(r'<p class="card__title">.*?<a href="/customers/\d+/">([^<]+)</a>', html)


def test_detractor_cases_first_then_by_due_date(client_for, staff, team, other_team):
    people = {name: CustomerFactory(team=team, name=name) for name in ("Ada", "Ben", "Cy", "Dee", "Eve", "Fay")}
    follow_up(people["Ada"], "thank_you", 5)
    follow_up(people["Ben"], "check_in", 9)
    follow_up(people["Cy"], "thank_you", 0)  # due today
    follow_up(people["Fay"], "check_in", -1)  # due tomorrow: not yet
    follow_up(people["Eve"], "thank_you", 12, done_at=timezone.now())  # done
    nps.nps_record(user=staff, customer=people["Dee"], score=3)  # a detractor, due today
    follow_up(people["Eve"], "detractor", 2)
    follow_up(CustomerFactory(team=other_team, name="Zed"), "detractor", 30)  # another team's
    html = client_for(staff).get("/followups/").content.decode()
    assert titles(html) == ["Eve", "Dee", "Ben", "Ada", "Cy"]
    assert html.count("Detractor follow-up ·") == 2
    assert "Scored 3 out of 10" in html
    assert "Due today" in html
    assert "overdue" in html


def test_done_from_the_page_says_so_and_comes_back(client_for, staff, customer):
    due = follow_up(customer, "thank_you", 1)
    client = client_for(staff)
    response = client.post(f"/follow-ups/{due.pk}/done/", {"next": "/followups/?page=1"}, follow=True)
    assert response.redirect_chain[-1][0] == "/followups/?page=1"
    assert f"Done: thank-you note for {customer.name}." in response.content.decode()
    due.refresh_from_db()
    assert due.done_by == staff
    assert due.done_at is not None
    assert AuditEvent.objects.get(action="followup_done", target_id=due.pk).actor == staff
    again = client.post(f"/follow-ups/{due.pk}/done/", {"next": "/followups/"}, follow=True).content.decode()
    assert followups.MSG_ALREADY_DONE in again
    assert "Nothing due — nice." in again


def test_each_snooze_is_labelled_with_what_it_puts_off(client_for, staff, customer):
    thanks, check_in = follow_up(customer, "thank_you", 1), follow_up(customer, "check_in", 4)
    html = client_for(staff).get("/followups/").content.decode()
    for due, kind in ((thanks, "thank-you note"), (check_in, "check-in call")):
        assert f'<label for="snooze-{due.pk}-days">Snooze {kind} for {customer.name} by</label>' in html
        assert f'<select name="days" id="snooze-{due.pk}-days"' in html
    assert html.count('<option value="1">1 day</option>') == html.count('<option value="7">7 days</option>') == 2


def test_snooze_moves_it_off_the_list_until_then(client_for, staff, customer):
    due = follow_up(customer, "check_in", 4)
    client = client_for(staff)
    response = client.post(f"/follow-ups/{due.pk}/snooze/", {"days": "3", "next": "/followups/"}, follow=True)
    html = response.content.decode()
    assert f"Snoozed: check-in call for {customer.name} is due again on 23 May." in html
    assert titles(html) == []
    due.refresh_from_db()
    assert due.due_on == datetime.date(2027, 5, 23)
    assert due.done_at is None
    audit = AuditEvent.objects.get(action="followup_snoozed", target_id=due.pk)
    assert (audit.actor, audit.before, audit.after) == (staff, {"due_on": "2027-05-16"}, {"due_on": "2027-05-23"})
    assert list(selectors.followups_page(user=staff, today=datetime.date(2027, 5, 22))) == []
    assert list(selectors.followups_page(user=staff, today=datetime.date(2027, 5, 23))) == [due]


@pytest.mark.parametrize("days", ["0", "2", "30", "", "x", "-1"])
def test_a_snooze_of_another_length_is_refused_and_changes_nothing(client_for, staff, customer, days):
    due = follow_up(customer, "check_in", 4)
    html = client_for(staff).post(f"/follow-ups/{due.pk}/snooze/", {"days": days}, follow=True).content.decode()
    assert followups.MSG_SNOOZE_DAYS in html
    due.refresh_from_db()
    assert due.due_on == TODAY - datetime.timedelta(days=4)
    assert not AuditEvent.objects.filter(action="followup_snoozed").exists()


def test_a_done_follow_up_cannot_be_snoozed(staff, customer):
    due = follow_up(customer, "check_in", 4)
    followups.followup_done(user=staff, follow_up=due)
    with pytest.raises(errors.Conflict):
        followups.followup_snooze(user=staff, follow_up=due, days=1)


def test_another_teams_follow_up_is_404(client_for, staff, other_customer):
    theirs = follow_up(other_customer, "detractor", 1)
    client = client_for(staff)
    assert client.post(f"/follow-ups/{theirs.pk}/snooze/", {"days": "1"}).status_code == 404
    assert client.post(f"/follow-ups/{theirs.pk}/done/").status_code == 404
    assert client.get(f"/follow-ups/{theirs.pk}/snooze/").status_code == 405
    theirs.refresh_from_db()
    assert theirs.done_at is None
    assert theirs.due_on == TODAY - datetime.timedelta(days=1)
    assert other_customer.name not in client.get("/followups/").content.decode()


def test_the_page_pages_and_home_links_to_it(client_for, staff, team):
    customer = CustomerFactory(team=team, name="Backlog Customer")
    for n in range(26):
        follow_up(customer, "check_in", n)
    client = client_for(staff)
    first = client.get("/followups/").content.decode()
    assert len(titles(first)) == 20
    assert 'rel="next"' in first
    assert len(titles(client.get("/followups/?page=2").content.decode())) == 6
    assert "No more follow-ups on this page." in client.get("/followups/?page=9").content.decode()
    home = client.get("/").content.decode()
    assert '<a href="/followups/">…and 23 more</a>' in home  # three shown, one a day


def test_the_page_does_not_grow_with_the_data(staff, manager, admin_user):
    world = Team(staff=staff, manager=manager, admin=admin_user)
    world.grow(SMALL)
    delivered(staff, cost="5")
    pages = {"staff /followups/": (signed_in(staff), "/followups/"), "admin": (signed_in(admin_user), "/followups/")}
    assert_same_queries(pages, lambda: world.grow(LARGE - SMALL))
