"""Services of stories, referrals, NPS and survey links, against the real database."""

import datetime
import hashlib
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from acts import followups
from acts.models import FollowUp
from core import errors
from core.formatting import day
from core.models import PointsEntry
from customers import services
from customers.models import Customer
from customers.referrals import referral_tree
from stories import nps as stories_nps
from stories import services as story_services
from stories import survey as survey_links
from stories.models import NpsResponse, Story, StoryEvent, SurveyLink
from stories.nps import nps_score
from tests.factories import CustomerFactory, log_act

from .conftest import deliver, record

pytestmark = pytest.mark.django_db


# --- Recording stories --------------------------------------------------------------


def test_a_recorded_story_waits_for_review_with_its_first_history_row(staff, customer, delivered_act):
    story = record(staff, customer, acts=[delivered_act], url="https://example.com/review/1")
    assert story.status == "submitted"
    assert story.team_id == customer.team_id
    assert story.recorded_by == staff
    assert list(story.acts.all()) == [delivered_act]
    event = StoryEvent.objects.get(story=story)
    assert (event.actor, event.from_status, event.to_status) == (staff, "", "submitted")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.com/file",
        "//example.com/x",
        "http://",
        "example.com",
        "https://exa mple.com",
    ],
)
def test_a_link_that_is_not_http_is_refused(staff, customer, url):
    with pytest.raises(errors.InvalidInput) as refused:
        record(staff, customer, url=url)
    assert refused.value.message == errors.MSG_STORY_LINK_SCHEME
    assert refused.value.field == "url"
    assert not Story.objects.exists()


def test_http_and_https_links_are_kept(staff, customer):
    assert record(staff, customer, url="http://example.com/a?b=1").url == "http://example.com/a?b=1"
    assert record(staff, customer, url=" https://www.tripadvisor.com/r/9 ").url == "https://www.tripadvisor.com/r/9"


def test_a_story_needs_text_a_known_channel_and_a_date_not_in_the_future(staff, customer):
    with pytest.raises(errors.InvalidInput, match="customer's words"):
        record(staff, customer, text="   ")
    with pytest.raises(errors.InvalidInput):
        record(staff, customer, channel="carrier_pigeon")
    with pytest.raises(errors.InvalidInput, match="future"):
        record(staff, customer, told_on=timezone.localdate() + datetime.timedelta(days=1))
    assert not Story.objects.exists()


def test_stories_stay_within_the_team(staff, other_staff, other_customer, customer):
    with pytest.raises(errors.NotAllowed):
        record(staff, other_customer)
    other_act = log_act(other_staff, customer=other_customer)
    with pytest.raises(errors.InvalidInput):
        record(staff, customer, acts=[other_act])
    assert not Story.objects.exists()


def test_a_story_retells_only_acts_done_for_its_customer(staff, customer, team):
    neighbour = CustomerFactory(team=team, name="Noor Neighbour")
    their_act = deliver(staff, customer=neighbour)
    own_act = deliver(staff, customer=customer)
    with pytest.raises(errors.InvalidInput) as refused:
        record(staff, customer, acts=[own_act, their_act])
    assert refused.value.field == "acts"
    assert refused.value.message == story_services.MSG_STORY_ACT_NOT_THEIRS.format(name=customer.name)
    assert not Story.objects.exists()
    assert list(record(staff, customer, acts=[own_act]).acts.all()) == [own_act]


# --- Moderation ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_only_admins_moderate(request, story, who):
    user = request.getfixturevalue(who)
    with pytest.raises(errors.NotAllowed) as refused:
        story_services.story_moderate(user=user, story=story, decision="approve")
    assert refused.value.message == errors.MSG_ONLY_ADMINS_MODERATE
    story.refresh_from_db()
    assert story.status == "submitted"
    assert story.events.count() == 1


def test_rejecting_needs_a_reason(admin_user, story):
    with pytest.raises(errors.InvalidInput) as refused:
        story_services.story_moderate(user=admin_user, story=story, decision="reject", reason="  ")
    assert refused.value.message == errors.MSG_REJECT_NEEDS_REASON
    story = story_services.story_moderate(user=admin_user, story=story, decision="reject", reason="Not about us")
    story.refresh_from_db()
    assert story.status == "rejected"
    assert story.reject_reason == "Not about us"
    assert story.moderated_by == admin_user
    assert story.moderated_at is not None
    last = story.events.last()
    assert (last.actor, last.from_status, last.to_status, last.note) == (
        admin_user,
        "submitted",
        "rejected",
        "Not about us",
    )


@pytest.mark.parametrize(
    ("start", "decision", "allowed"),
    [
        ("submitted", "approve", True),
        ("submitted", "feature", True),
        ("submitted", "reject", True),
        ("approved", "feature", True),
        ("approved", "approve", False),
        ("approved", "reject", False),
        ("featured", "approve", False),
        ("featured", "feature", False),
        ("featured", "reject", False),
        ("rejected", "approve", False),
        ("rejected", "feature", False),
    ],
)
def test_moderation_transitions(admin_user, story, start, decision, allowed):
    to_reach = {"approved": ["approve"], "featured": ["feature"], "rejected": ["reject"]}.get(start, [])
    for step in to_reach:
        story_services.story_moderate(user=admin_user, story=story, decision=step, reason="No")
    events_before = story.events.count()
    if allowed:
        story = story_services.story_moderate(user=admin_user, story=story, decision=decision, reason="Off topic")
        assert story.events.count() == events_before + 1
    else:
        with pytest.raises(errors.Conflict):
            story_services.story_moderate(user=admin_user, story=story, decision=decision, reason="Off topic")
        story.refresh_from_db()
        assert story.status == start
        assert story.events.count() == events_before


def test_an_unknown_decision_is_refused(admin_user, story):
    with pytest.raises(errors.InvalidInput):
        story_services.story_moderate(user=admin_user, story=story, decision="publish")


def test_history_is_append_only_and_complete(admin_user, story):
    story_services.story_moderate(user=admin_user, story=story, decision="approve")
    story_services.story_moderate(user=admin_user, story=story, decision="feature")
    assert [(e.from_status, e.to_status) for e in story.events.order_by("at", "id")] == [
        ("", "submitted"),
        ("submitted", "approved"),
        ("approved", "featured"),
    ]


def test_story_history_is_append_only_in_the_database(admin_user, story):
    story_services.story_moderate(user=admin_user, story=story, decision="approve")
    event = story.events.get(to_status="approved")
    with pytest.raises(DatabaseError), transaction.atomic():
        StoryEvent.objects.filter(pk=event.pk).update(to_status="featured", note="rewritten")
    event.refresh_from_db()
    assert (event.to_status, event.note) == ("approved", "")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            StoryEvent.objects.filter(pk=event.pk).delete()
        assert StoryEvent.objects.filter(pk=event.pk).exists()
    # Django itself refuses to delete a story, or a moderator, that history refers to.
    with pytest.raises(ProtectedError):
        story.delete()
    with pytest.raises(ProtectedError):
        admin_user.delete()
    assert story.events.count() == 2


def test_approving_and_featuring_earn_points_for_the_act_author(admin_user, staff, story):
    story_services.story_moderate(user=admin_user, story=story, decision="approve")
    story_services.story_moderate(user=admin_user, story=story, decision="feature")
    reasons = set(PointsEntry.objects.filter(user=staff, story=story).values_list("reason", flat=True))
    assert reasons == {"story_approved", "story_featured"}


def test_admins_moderate_any_team(admin_user, other_staff, other_customer):
    story = record(other_staff, other_customer)
    assert story_services.story_moderate(user=admin_user, story=story, decision="approve").status == "approved"


# --- Referrals ----------------------------------------------------------------------


def test_no_self_referral(staff, customer):
    with pytest.raises(errors.InvalidInput) as refused:
        services.customer_update(user=staff, customer=customer, referred_by=customer)
    assert refused.value.message == errors.MSG_SELF_REFERRAL


def test_no_referral_loop(staff, team):
    first = services.customer_create(user=staff, name="First")
    second = services.customer_create(user=staff, name="Second", referred_by=first)
    third = services.customer_create(user=staff, name="Third", referred_by=second)
    with pytest.raises(errors.InvalidInput) as refused:
        services.customer_update(user=staff, customer=first, referred_by=third)
    assert refused.value.message == errors.MSG_REFERRAL_LOOP.format(name="Third")
    first.refresh_from_db()
    assert first.referred_by is None


def test_a_loop_is_seen_through_a_stale_referrer(staff, team):
    """The referrer object a form loaded may predate another edit: the guard reads the
    chain from the database, not from the object's cached `referred_by`."""
    first = services.customer_create(user=staff, name="First")
    second = services.customer_create(user=staff, name="Second")
    stale_first = Customer.objects.select_related("referred_by").get(pk=first.pk)
    assert stale_first.referred_by is None
    services.customer_update(user=staff, customer=first, referred_by=second)
    with pytest.raises(errors.InvalidInput) as refused:
        services.customer_update(user=staff, customer=second, referred_by=stale_first)
    assert refused.value.message == errors.MSG_REFERRAL_LOOP.format(name="First")
    assert refused.value.field == "referred_by"
    second.refresh_from_db()
    assert second.referred_by is None


def test_the_guard_ends_on_a_loop_already_in_the_database(staff, team):
    a, b, c = (services.customer_create(user=staff, name=name) for name in "ABC")
    # A loop written behind the services' back (say, by hand in SQL): A → B → A.
    Customer.objects.filter(pk=a.pk).update(referred_by=b)
    Customer.objects.filter(pk=b.pk).update(referred_by=a)
    newcomer = services.customer_create(user=staff, name="New")
    services.customer_update(user=staff, customer=newcomer, referred_by=a)  # ends, no hang
    newcomer.refresh_from_db()
    assert newcomer.referred_by == a
    services.customer_update(user=staff, customer=c, referred_by=newcomer)
    assert Customer.objects.get(pk=c.pk).referred_by == newcomer


def test_referred_once(staff, team):
    first = services.customer_create(user=staff, name="First")
    other = services.customer_create(user=staff, name="Other")
    second = services.customer_create(user=staff, name="Second", referred_by=first)
    with pytest.raises(errors.InvalidInput) as refused:
        services.customer_update(user=staff, customer=second, referred_by=other)
    assert refused.value.message == errors.MSG_ALREADY_REFERRED
    with pytest.raises(errors.InvalidInput):
        services.customer_update(user=staff, customer=second, referred_by=None)


def test_a_referrer_of_another_team_is_refused(staff, other_customer):
    with pytest.raises(errors.InvalidInput):
        services.customer_create(user=staff, name="New", referred_by=other_customer)


def test_the_story_that_brought_them_is_the_referrers_and_earns_referral_points(staff, customer, story):
    stranger = CustomerFactory(team=customer.team)
    with pytest.raises(errors.InvalidInput):
        services.customer_create(user=staff, name="New", referred_by=stranger, referred_by_story=story)
    new = services.customer_create(user=staff, name="New", referred_by=customer, referred_by_story=story)
    assert new.referred_by_story == story
    assert PointsEntry.objects.filter(user=staff, reason="referral", customer=new).exists()


def test_the_story_can_be_named_later_on_edit(staff, customer, story):
    new = services.customer_create(user=staff, name="New", referred_by=customer)
    services.customer_update(user=staff, customer=new, referred_by_story=story)
    new.refresh_from_db()
    assert new.referred_by_story == story
    assert PointsEntry.objects.filter(reason="referral", customer=new).count() == 1


# --- NPS ----------------------------------------------------------------------------


def _answers(customer, scores):
    for score in scores:
        NpsResponse.objects.create(team=customer.team, customer=customer, score=score, date=timezone.localdate())
    return NpsResponse.objects.filter(customer=customer)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([7, 8, 7], Decimal("0.0")),  # all passives
        ([10, 3], Decimal("0.0")),  # one promoter, one detractor
        ([9, 10, 9, 7], Decimal("75.0")),  # three promoters of four
        ([9, 7, 8], Decimal("33.3")),  # one decimal
        ([0, 6, 5], Decimal("-100.0")),
        ([10, 10, 9, 2, 8, 8], Decimal("33.3")),
    ],
)
def test_nps_formula(customer, scores, expected):
    assert nps_score(_answers(customer, scores)) == expected


def test_nps_of_nothing_is_none(customer):
    assert nps_score(NpsResponse.objects.none()) is None
    assert nps_score(NpsResponse.objects.filter(customer=customer)) is None


def test_nps_is_one_query(customer, django_assert_num_queries):
    responses = _answers(customer, [10, 9, 4, 7])
    with django_assert_num_queries(1):
        assert nps_score(responses) == Decimal("25.0")


def test_a_detractor_opens_a_follow_up_due_today(staff, customer, delivered_act):
    response = stories_nps.nps_record(user=staff, customer=customer, score=6, comment="Slow", act=delivered_act)
    follow_up = FollowUp.objects.get(kind="detractor")
    assert follow_up.nps_response == response
    assert follow_up.customer == customer
    assert follow_up.team == customer.team
    assert follow_up.due_on == timezone.localdate()
    assert follow_up.done_at is None


@pytest.mark.parametrize("score", [7, 8, 9, 10])
def test_passives_and_promoters_open_no_follow_up(staff, customer, score):
    stories_nps.nps_record(user=staff, customer=customer, score=score)
    assert not FollowUp.objects.filter(kind="detractor").exists()


@pytest.mark.parametrize("score", [-1, 11, "abc", "", None, 7.5, True])
def test_a_score_is_0_to_10(staff, customer, score):
    with pytest.raises(errors.InvalidInput) as refused:
        stories_nps.nps_record(user=staff, customer=customer, score=score)
    assert refused.value.message == errors.MSG_NPS_SCORE_RANGE
    assert not NpsResponse.objects.exists()


def test_nps_guards(staff, customer, other_customer, delivered_act):
    with pytest.raises(errors.NotAllowed):
        stories_nps.nps_record(user=staff, customer=other_customer, score=9)
    with pytest.raises(errors.InvalidInput, match="not for this customer"):
        stories_nps.nps_record(user=staff, customer=CustomerFactory(team=customer.team), score=9, act=delivered_act)
    with pytest.raises(errors.InvalidInput, match="future"):
        stories_nps.nps_record(
            user=staff, customer=customer, score=9, date=timezone.localdate() + datetime.timedelta(days=1)
        )
    response = stories_nps.nps_record(user=staff, customer=customer, score="9")
    assert (response.score, response.date, response.recorded_by) == (9, timezone.localdate(), staff)


def test_followup_done_once(staff, customer, other_staff):
    stories_nps.nps_record(user=staff, customer=customer, score=2)
    follow_up = FollowUp.objects.get()
    with pytest.raises(errors.NotAllowed):
        followups.followup_done(user=other_staff, follow_up=follow_up)
    followups.followup_done(user=staff, follow_up=follow_up)
    follow_up.refresh_from_db()
    assert follow_up.done_by == staff
    with pytest.raises(errors.Conflict):
        followups.followup_done(user=staff, follow_up=follow_up)


# --- Survey links -------------------------------------------------------------------


def test_a_survey_link_stores_only_the_hash_of_a_long_token(settings, staff, delivered_act):
    link, token = survey_links.survey_link_create(user=staff, act=delivered_act)
    assert len(token) >= 43  # 32 random bytes, url-safe base64: 256 bits
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not SurveyLink.objects.filter(token_hash=token).exists()
    days = settings.SECONDMILE["SURVEY_LINK_DAYS"]
    assert abs(link.expires_at - (timezone.now() + datetime.timedelta(days=days))) < datetime.timedelta(minutes=1)
    assert link.created_by == staff
    assert link.used_at is None


def test_tokens_differ(staff, team):
    _, first = survey_links.survey_link_create(user=staff, act=deliver(staff, customer=CustomerFactory(team=team)))
    _, second = survey_links.survey_link_create(user=staff, act=deliver(staff, customer=CustomerFactory(team=team)))
    assert first != second


def test_a_survey_link_needs_a_delivered_act_of_the_team(staff, other_staff, customer):
    approved = log_act(staff, cost="0", customer=customer)
    with pytest.raises(errors.Conflict) as refused:
        survey_links.survey_link_create(user=staff, act=approved)
    assert refused.value.message == errors.MSG_SURVEY_NOT_DELIVERED
    with pytest.raises(errors.NotAllowed):
        survey_links.survey_link_create(user=other_staff, act=deliver(staff, customer=customer))
    assert not SurveyLink.objects.exists()


def test_a_link_marked_as_sent_is_asking_a_second_link_within_the_quiet_period_is_refused(
    settings, staff, customer, delivered_act
):
    first, token = survey_links.survey_link_create(user=staff, act=delivered_act)
    survey_links.survey_link_mark_sent(user=staff, act=delivered_act)
    first.refresh_from_db()
    quiet = settings.SECONDMILE["SURVEY_QUIET_DAYS"]
    until = timezone.localtime(first.sent_at).date() + datetime.timedelta(days=quiet)
    for act in (delivered_act, deliver(staff, customer=customer)):
        with pytest.raises(errors.Conflict) as refused:
            survey_links.survey_link_create(user=staff, act=act)
        # When they were last asked, and when they can be asked again.
        assert refused.value.message == survey_links.MSG_SURVEY_ASKED_RECENTLY.format(
            name=customer.name, asked=day(first.sent_at), until=day(until)
        )
    assert SurveyLink.objects.get() == first
    # The link they have still works: asking once is not undone by being refused.
    survey_links.survey_submit(token=token, score=9)
    assert NpsResponse.objects.get().score == 9


def test_an_emailed_link_is_asking_too(staff, delivered_act, customer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        survey_links.survey_link_create(user=staff, act=delivered_act, send_email=True, site_url="https://x.example/")
    assert len(mailoutbox) == 1
    assert SurveyLink.objects.get().sent_by == staff  # emailed by the app: sent, by whoever made it
    with pytest.raises(errors.Conflict, match="was last asked on"):
        survey_links.survey_link_create(user=staff, act=delivered_act, send_email=True, site_url="https://x.example/")
    assert len(mailoutbox) == 1
    assert SurveyLink.objects.count() == 1


def test_after_the_quiet_period_a_new_link_closes_an_old_open_one(settings, staff, customer, delivered_act):
    settings.SECONDMILE = {**settings.SECONDMILE, "SURVEY_LINK_DAYS": 365}
    first, token = survey_links.survey_link_create(user=staff, act=delivered_act)
    quiet = settings.SECONDMILE["SURVEY_QUIET_DAYS"]
    long_ago = timezone.now() - datetime.timedelta(days=quiet + 1)
    SurveyLink.objects.filter(pk=first.pk).update(created_at=long_ago, sent_at=long_ago, sent_by=staff)
    survey_links.survey_link_create(user=staff, act=deliver(staff, customer=customer))
    first.refresh_from_db()
    assert first.expires_at <= timezone.now()
    with pytest.raises(errors.Conflict):
        survey_links.survey_submit(token=token, score=9)


def test_quiet_period(settings, staff, customer, delivered_act):
    quiet = settings.SECONDMILE["SURVEY_QUIET_DAYS"]
    customer.last_surveyed_at = timezone.now() - datetime.timedelta(days=quiet - 1)
    customer.save()
    with pytest.raises(errors.Conflict) as refused:
        survey_links.survey_link_create(user=staff, act=delivered_act)
    assert "to keep it rare" in refused.value.message
    assert customer.name in refused.value.message
    assert not SurveyLink.objects.exists()
    customer.last_surveyed_at = timezone.now() - datetime.timedelta(days=quiet + 1)
    customer.save()
    survey_links.survey_link_create(user=staff, act=delivered_act)


def test_the_link_can_be_emailed_after_commit(staff, delivered_act, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _, token = survey_links.survey_link_create(
            user=staff, act=delivered_act, send_email=True, site_url="https://second.example/"
        )
    assert mailoutbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [[delivered_act.customer.email]]
    assert f"https://second.example/s/{token}" in mailoutbox[0].body


def test_emailing_needs_an_address(staff, team):
    act = deliver(staff, customer=CustomerFactory(team=team, email=""))
    with pytest.raises(errors.InvalidInput, match="no email"):
        survey_links.survey_link_create(user=staff, act=act, send_email=True)


def test_submitting_records_score_story_and_uses_the_link(staff, customer, delivered_act):
    link, token = survey_links.survey_link_create(user=staff, act=delivered_act)
    response = survey_links.survey_submit(token=token, score=10, text="  Best stay ever.  ", consent=True)
    assert (response.score, response.act, response.customer, response.recorded_by) == (
        10,
        delivered_act,
        customer,
        None,
    )
    story = Story.objects.get()
    assert (story.channel, story.status, story.text, story.consent, story.recorded_by) == (
        "survey",
        "submitted",
        "Best stay ever.",
        True,
        None,
    )
    assert list(story.acts.all()) == [delivered_act]
    assert story.events.get().to_status == "submitted"
    link.refresh_from_db()
    customer.refresh_from_db()
    assert link.used_at is not None
    assert customer.last_surveyed_at == link.used_at
    assert not FollowUp.objects.filter(kind="detractor").exists()


def test_a_token_is_single_use(staff, delivered_act):
    _, token = survey_links.survey_link_create(user=staff, act=delivered_act)
    survey_links.survey_submit(token=token, score=8)
    with pytest.raises(errors.Conflict):
        survey_links.survey_submit(token=token, score=10, text="Again")
    assert NpsResponse.objects.count() == 1
    assert not Story.objects.exists()


def test_an_expired_token_is_refused(staff, delivered_act):
    link, token = survey_links.survey_link_create(user=staff, act=delivered_act)
    SurveyLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(errors.Conflict):
        survey_links.survey_submit(token=token, score=9)
    assert not NpsResponse.objects.exists()


def test_a_wrong_token_is_refused(staff, delivered_act):
    survey_links.survey_link_create(user=staff, act=delivered_act)
    with pytest.raises(errors.Conflict):
        survey_links.survey_submit(token="not-the-token", score=9)


def test_a_survey_detractor_without_text_opens_a_follow_up_and_no_story(staff, delivered_act):
    _, token = survey_links.survey_link_create(user=staff, act=delivered_act)
    response = survey_links.survey_submit(token=token, score=3, text="   ", consent=True)
    assert FollowUp.objects.get(kind="detractor").nps_response == response
    assert not Story.objects.exists()


def test_a_bad_score_leaves_the_link_open(staff, delivered_act):
    link, token = survey_links.survey_link_create(user=staff, act=delivered_act)
    with pytest.raises(errors.InvalidInput):
        survey_links.survey_submit(token=token, score=12)
    link.refresh_from_db()
    assert link.used_at is None


def test_after_answering_the_customer_is_quiet(staff, customer, delivered_act):
    _, token = survey_links.survey_link_create(user=staff, act=delivered_act)
    survey_links.survey_submit(token=token, score=9)
    with pytest.raises(errors.Conflict):
        survey_links.survey_link_create(user=staff, act=deliver(staff, customer=customer))


# --- The referral tree ----------------------------------------------------------------


def _line(staff, root, length):
    """A chain of `length` customers below `root`, one per generation."""
    made, parent = [], root
    for generation in range(1, length + 1):
        parent = services.customer_create(user=staff, name=f"Gen {generation:02d}", referred_by=parent)
        made.append(parent)
    return made


def test_the_referral_tree_counts_exactly_at_every_depth(staff, team):
    root = services.customer_create(user=staff, name="Root")
    line = _line(staff, root, 9)
    # A side branch under gen 2: two children, one of whom has a child.
    side = services.customer_create(user=staff, name="Side A", referred_by=line[1])
    services.customer_create(user=staff, name="Side B", referred_by=line[1])
    services.customer_create(user=staff, name="Side A child", referred_by=side)
    tree = referral_tree(customer=root)
    assert (tree["total"], tree["deeper"]) == (12, 0)
    created = {row["customer"].name: (row["depth"], row["created"]) for row in tree["rows"]}
    assert created["Gen 01"] == (1, 11)
    assert created["Gen 02"] == (2, 10)  # 7 below in the line, 3 in the side branch
    assert created["Gen 03"] == (3, 6)
    assert created["Gen 08"] == (8, 1)
    assert created["Gen 09"] == (9, 0)
    assert created["Side A"] == (3, 1)
    assert created["Side A child"] == (4, 0)
    # Tree order: a child comes right under its parent, before the next sibling.
    names = [row["customer"].name for row in tree["rows"]]
    assert names.index("Side A child") == names.index("Side A") + 1


def test_beyond_the_listed_depth_the_rest_is_counted_not_dropped(staff, team):
    root = services.customer_create(user=staff, name="Root")
    _line(staff, root, 7)
    tree = referral_tree(customer=root, max_depth=5)
    assert [row["depth"] for row in tree["rows"]] == [1, 2, 3, 4, 5]
    assert (tree["total"], tree["deeper"]) == (7, 2)
    assert tree["rows"][0]["created"] == 6  # the unlisted generations still count


def test_a_loop_in_the_database_gives_a_finite_tree(staff, team):
    a, b, c = (services.customer_create(user=staff, name=name) for name in "ABC")
    Customer.objects.filter(pk=c.pk).update(referred_by=b)
    Customer.objects.filter(pk=b.pk).update(referred_by=a)
    Customer.objects.filter(pk=a.pk).update(referred_by=c)  # A → C → B → A
    tree = referral_tree(customer=a)
    assert [(row["customer"].name, row["depth"], row["created"]) for row in tree["rows"]] == [
        ("B", 1, 1),
        ("C", 2, 0),
    ]


# --- A link made and not sent asks nobody: it can be replaced, or marked as sent -------------


def test_a_link_not_sent_asks_nobody_and_a_new_one_replaces_it(staff, customer, delivered_act):
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        first, old_token = survey_links.survey_link_create(user=staff, act=delivered_act)
        assert survey_links.survey_quiet(customer) is None
        assert survey_links.survey_link_unused(customer=customer) == first
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, 5, tzinfo=datetime.UTC), tick=False):
        second, new_token = survey_links.survey_link_create(user=staff, act=delivered_act)
        assert survey_links.survey_link_unused(customer=customer) == second
        # The old link stops working; the new one works.
        with pytest.raises(errors.Conflict):
            survey_links.survey_submit(token=old_token, score=9)
        survey_links.survey_submit(token=new_token, score=9)
    customer.refresh_from_db()
    assert survey_links.survey_last_asked(customer) == customer.last_surveyed_at  # answered: quiet from now
    assert survey_links.survey_link_unused(customer=customer) is None


def test_marking_a_link_as_sent_keeps_who_and_when_and_starts_the_quiet_period(
    settings, staff, staff2, other_staff, customer, delivered_act
):
    sent_on = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(sent_on, tick=False):
        link, _token = survey_links.survey_link_create(user=staff, act=delivered_act)
        with pytest.raises(errors.NotAllowed):
            survey_links.survey_link_mark_sent(user=other_staff, act=delivered_act)
        marked = survey_links.survey_link_mark_sent(user=staff2, act=delivered_act)
        assert (marked.pk, marked.sent_at, marked.sent_by) == (link.pk, sent_on, staff2)
        quiet = survey_links.survey_quiet(customer)
    assert quiet["asked"] == sent_on
    quiet_days = settings.SECONDMILE["SURVEY_QUIET_DAYS"]
    assert quiet["until"] == datetime.date(2026, 12, 2) + datetime.timedelta(days=quiet_days)
    # Marked again later: the first sending is kept.
    with time_machine.travel(sent_on + datetime.timedelta(hours=2), tick=False):
        again = survey_links.survey_link_mark_sent(user=staff, act=delivered_act)
    assert (again.sent_at, again.sent_by) == (sent_on, staff2)


def test_marking_as_sent_without_an_open_link_is_refused(staff, customer, delivered_act):
    with pytest.raises(errors.Conflict) as refused:
        survey_links.survey_link_mark_sent(user=staff, act=delivered_act)
    assert refused.value.message == survey_links.MSG_SURVEY_NO_OPEN_LINK.format(name=customer.name)
