"""The story, NPS and survey pages through the test client: what people see, what changes."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from acts.models import FollowUp
from core import errors
from core.formatting import day
from customers import services
from customers.models import Customer
from customers.referrals import REFERRAL_TREE_DEPTH
from stories import nps as stories_nps
from stories import services as story_services
from stories import survey as survey_links
from stories.models import NpsResponse, Story, SurveyLink
from tests.factories import CustomerFactory, log_act

from .conftest import deliver, record

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def survey_url_on(page: str) -> str:
    match = re.search(r'<input id="survey-url-\d+" type="text" value="([^"]+)" readonly>', page)
    assert match, "the link is shown in a readonly input"
    return match.group(1)


# --- The wall -----------------------------------------------------------------------


def test_the_wall_shows_approved_and_featured_stories_with_consent(
    client_for, staff, admin_user, customer, delivered_act
):
    shown = record(staff, customer, text="Approved and shared", acts=[delivered_act])
    star = record(staff, customer, text="Featured and shared")
    private = record(staff, customer, text="Approved but private", consent=False)
    waiting = record(staff, customer, text="Still waiting")
    rejected = record(staff, customer, text="Rejected one")
    for story, decision in ((shown, "approve"), (star, "feature"), (private, "approve"), (rejected, "reject")):
        story_services.story_moderate(user=admin_user, story=story, decision=decision, reason="Off topic")
    page = html(client_for(staff).get("/stories/"))
    assert "Approved and shared" in page
    assert "Featured and shared" in page
    assert "Approved but private" not in page
    assert "Still waiting" not in page
    assert waiting.text not in page
    assert "Rejected one" not in page
    # Featured first, and large.
    assert page.index("Featured and shared") < page.index("Approved and shared")
    assert re.search(r'class="card story story--featured"[^>]*>\s*<p class="story__flag">', page)
    # Each story credits the staff whose act it retells, linked to the act.
    assert f'href="/acts/{delivered_act.pk}/"' in page
    assert staff.display_name in page


def test_the_wall_links_the_credited_staff_to_their_page(
    client_for, staff, staff2, admin_user, customer, delivered_act
):
    story_services.story_moderate(
        user=admin_user, story=record(staff, customer, acts=[delivered_act]), decision="approve"
    )
    heard = record(staff2, customer, text="Heard at the desk", acts=[])
    story_services.story_moderate(user=admin_user, story=heard, decision="approve")
    client = client_for(admin_user)
    page = html(client.get("/stories/"))
    person = '<a class="story__person" href="/people/{pk}/"><strong>{name}</strong></a>'
    assert "Thanks to " + person.format(pk=staff.pk, name=staff.display_name) in page
    assert "Heard by " + person.format(pk=staff2.pk, name=staff2.display_name) in page
    assert client.get(f"/people/{staff.pk}/").status_code == 200


def test_the_wall_of_another_team_is_not_shown(client_for, staff, other_staff, other_customer, admin_user):
    theirs = record(other_staff, other_customer, text="Riverside secret")
    story_services.story_moderate(user=admin_user, story=theirs, decision="approve")
    assert "Riverside secret" not in html(client_for(staff).get("/stories/"))


def test_an_empty_wall_teaches(client_for, staff):
    page = html(client_for(staff).get("/stories/"))
    assert "No story on the wall yet." in page
    assert 'href="/stories/new/"' in page


def test_the_wall_needs_a_login(client):
    assert client.get("/stories/").status_code == 302


# --- Recording a story --------------------------------------------------------------


def test_record_a_story_from_the_act_page(client_for, staff, customer, delivered_act):
    client = client_for(staff)
    page = html(client.get(f"/stories/new/?act={delivered_act.pk}"))
    assert f"Record {customer.name}'s story" in page
    assert re.search(rf'<input type="checkbox" name="acts" value="{delivered_act.pk}"[^>]*checked', page)
    response = client.post(
        f"/stories/new/?act={delivered_act.pk}",
        {
            "channel": "review",
            "told_on": timezone.localdate().isoformat(),
            "text": "Five stars for Ana",
            "url": "https://reviews.example/r/1",
            "acts": [delivered_act.pk],
            "consent": "on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/acts/{delivered_act.pk}/"
    assert "It reaches the wall once an admin approves it." in html(response)
    story = Story.objects.get()
    assert (story.customer, story.channel, story.status, story.consent, story.recorded_by) == (
        customer,
        "review",
        "submitted",
        True,
        staff,
    )
    assert list(story.acts.all()) == [delivered_act]
    # The act page lists it.
    assert "Five stars for Ana" in html(client.get(f"/acts/{delivered_act.pk}/"))


def test_record_a_story_without_an_act_picks_the_customer_first(client_for, staff, customer):
    client = client_for(staff)
    page = html(client.get("/stories/new/"))
    assert "Whose story is it?" not in page or "Who told it?" in page
    assert 'name="customer_q"' in page
    # Without JavaScript, "Find" comes back with the matches as radio buttons.
    page = html(client.get("/stories/new/?customer_q=elena&customer_search=1"))
    assert f'<input type="radio" name="customer" value="{customer.pk}"' in page
    assert customer.name in page
    page = html(client.get(f"/stories/new/?customer={customer.pk}"))
    assert "No act for" in page
    response = client.post(
        f"/stories/new/?customer={customer.pk}",
        {
            "channel": "word_of_mouth",
            "told_on": timezone.localdate().isoformat(),
            "text": "Told a friend",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert Story.objects.get().consent is False


def test_a_hostile_link_is_refused_beside_the_field(client_for, staff, customer):
    response = client_for(staff).post(
        f"/stories/new/?customer={customer.pk}",
        {
            "channel": "review",
            "told_on": timezone.localdate().isoformat(),
            "text": "Hi",
            "url": "javascript:alert(1)",
        },
    )
    assert response.status_code == 200
    assert errors.MSG_STORY_LINK_SCHEME.replace("'", "&#x27;") in html(response)
    assert 'class="field field--error"' in html(response)
    assert not Story.objects.exists()


def test_a_story_without_text_is_refused(client_for, staff, customer):
    response = client_for(staff).post(
        f"/stories/new/?customer={customer.pk}",
        {
            "channel": "review",
            "told_on": timezone.localdate().isoformat(),
            "text": "",
        },
    )
    assert "Write the story or quote" in html(response)
    assert not Story.objects.exists()


def test_an_act_of_another_customer_cannot_be_ticked(client_for, staff, customer, delivered_act):
    elsewhere = deliver(staff)
    client = client_for(staff)
    form = html(client.get(f"/stories/new/?act={delivered_act.pk}"))
    assert f'value="{delivered_act.pk}"' in form
    assert f'value="{elsewhere.pk}"' not in form  # only this customer's acts are offered
    response = client.post(
        f"/stories/new/?act={delivered_act.pk}",
        {
            "channel": "review",
            "told_on": timezone.localdate().isoformat(),
            "text": "Hi",
            "acts": [elsewhere.pk],
        },
    )
    assert response.status_code == 200
    page = html(response)
    assert '<p class="error" id="id_acts_error">Tick only acts done for this customer' in page  # beside "acts"
    assert not Story.objects.exists()


# --- Moderation ---------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("staff", 404), ("manager", 404), ("admin_user", 200)])
def test_the_review_page_is_for_admins(request, client_for, story, who, status):
    response = client_for(request.getfixturevalue(who)).get("/stories/review/")
    assert response.status_code == status


def test_the_review_queue_is_oldest_first(client_for, admin_user, staff, customer):
    record(staff, customer, text="The older story")
    record(staff, customer, text="The newer story")
    page = html(client_for(admin_user).get("/stories/review/"))
    assert page.index("The older story") < page.index("The newer story")
    assert "2</span> waiting for review" in page


def test_an_empty_queue_says_so(client_for, admin_user):
    assert "Nothing waiting — nice." in html(client_for(admin_user).get("/stories/review/"))


def test_approve_with_a_plain_form_post(client_for, admin_user, story):
    response = client_for(admin_user).post(f"/stories/{story.pk}/moderate/", {"decision": "approve"}, follow=True)
    assert response.redirect_chain[-1][0] == "/stories/review/"
    assert "Approved Elena Petrova&#x27;s story. It is on the wall." in html(response)
    story.refresh_from_db()
    assert story.status == "approved"
    assert story.moderated_by == admin_user


def test_approve_inline_with_htmx(client_for, admin_user, story):
    response = client_for(admin_user).post(
        f"/stories/{story.pk}/moderate/", {"decision": "feature"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = html(response)
    assert "<html" not in page
    assert f'id="review-{story.pk}"' in page
    assert "Featured Elena Petrova&#x27;s story." in page
    assert 'id="queue-count" hx-swap-oob="true"' in page
    assert "Nothing waiting" in page
    story.refresh_from_db()
    assert story.status == "featured"


def test_reject_without_a_reason_keeps_the_card_with_the_message(client_for, admin_user, story):
    response = client_for(admin_user).post(
        f"/stories/{story.pk}/moderate/", {"decision": "reject", "reason": ""}, HTTP_HX_REQUEST="true"
    )
    page = html(response)
    assert errors.MSG_REJECT_NEEDS_REASON in page
    assert 'name="reason"' in page  # the card is still there to try again
    story.refresh_from_db()
    assert story.status == "submitted"


def test_reject_with_a_reason(client_for, admin_user, story):
    response = client_for(admin_user).post(
        f"/stories/{story.pk}/moderate/", {"decision": "reject", "reason": "Spam"}, follow=True
    )
    story.refresh_from_db()
    assert (story.status, story.reject_reason) == ("rejected", "Spam")
    # Said as information, not in the green box of a success.
    assert (
        '<p class="message message--info" role="status">Rejected Elena Petrova&#x27;s story. '
        "It is not shown on the wall.</p>"
    ) in html(response)
    assert "message--success" not in html(response)


def test_approving_and_rejecting_use_the_buttons_of_their_role(client_for, admin_user, story):
    page = html(client_for(admin_user).get("/stories/review/"))
    assert '<button class="button" type="submit" name="decision" value="approve">Approve' in page
    assert '<button class="button button--danger" type="submit">Reject' in page
    assert "button--ok" not in page


def test_an_illegal_move_says_why(client_for, admin_user, story):
    client = client_for(admin_user)
    client.post(f"/stories/{story.pk}/moderate/", {"decision": "reject", "reason": "Spam"})
    response = client.post(f"/stories/{story.pk}/moderate/", {"decision": "approve"}, follow=True)
    assert "This story is already rejected; it cannot be approved now." in html(response)


def test_feature_an_approved_story_from_the_review_page(client_for, admin_user, story):
    client = client_for(admin_user)
    client.post(f"/stories/{story.pk}/moderate/", {"decision": "approve"})
    page = html(client.get("/stories/review/"))
    assert "Approved recently — feature one?" in page
    client.post(f"/stories/{story.pk}/moderate/", {"decision": "feature"})
    story.refresh_from_db()
    assert story.status == "featured"


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_others_cannot_moderate(request, client_for, story, who):
    response = client_for(request.getfixturevalue(who)).post(f"/stories/{story.pk}/moderate/", {"decision": "approve"})
    assert response.status_code == 404
    story.refresh_from_db()
    assert story.status == "submitted"


def test_moderation_is_post_only(client_for, admin_user, story):
    assert client_for(admin_user).get(f"/stories/{story.pk}/moderate/").status_code == 405


# --- NPS and follow-ups on the customer page ----------------------------------------


def test_record_a_score_on_the_customer_page(client_for, staff, customer, delivered_act):
    client = client_for(staff)
    page = html(client.get(f"/customers/{customer.pk}/"))
    assert f'action="/customers/{customer.pk}/nps/"' in page
    response = client.post(
        f"/customers/{customer.pk}/nps/",
        {
            "score": "9",
            "comment": "Lovely",
            "date": timezone.localdate().isoformat(),
            "act": delivered_act.pk,
        },
        follow=True,
    )
    assert "Recorded 9/10 from Elena Petrova." in html(response)
    response_row = NpsResponse.objects.get()
    assert (response_row.score, response_row.act, response_row.recorded_by) == (9, delivered_act, staff)
    page = html(response)
    assert "promoter" in page
    assert "“Lovely”" in page
    assert '<span class="amount amount--big">100.0</span>' in page


def test_a_detractor_shows_a_follow_up_that_can_be_done(client_for, staff, customer):
    client = client_for(staff)
    response = client.post(
        f"/customers/{customer.pk}/nps/",
        {
            "score": "4",
            "date": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    page = html(response)
    assert "A detractor: a follow-up is due today" in page
    assert "Detractor follow-up · due today" in page
    follow_up = FollowUp.objects.get(kind="detractor")
    response = client.post(f"/follow-ups/{follow_up.pk}/done/", {"next": f"/customers/{customer.pk}/"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/customers/{customer.pk}/"
    assert "Done: detractor follow-up for Elena Petrova." in html(response)
    follow_up.refresh_from_db()
    assert follow_up.done_by == staff


def test_a_bad_score_is_shown_beside_the_field(client_for, staff, customer):
    response = client_for(staff).post(
        f"/customers/{customer.pk}/nps/",
        {
            "score": "11",
            "date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Pick a score from 0 to 10." in html(response)
    assert '<details class="nps-new" open>' in html(response)
    assert not NpsResponse.objects.exists()


def test_nps_and_follow_ups_are_post_only(client_for, staff, customer):
    client = client_for(staff)
    assert client.get(f"/customers/{customer.pk}/nps/").status_code == 405
    stories_nps.nps_record(user=staff, customer=customer, score=1)
    assert client.get(f"/follow-ups/{FollowUp.objects.get().pk}/done/").status_code == 405


# --- Referred customers: the story that brought them --------------------------------


def test_a_new_customer_from_a_story(client_for, staff, customer, story):
    client = client_for(staff)
    page = html(client.get(f"/customers/new/?story={story.pk}"))
    assert f'value="{customer.referral_code}"' in page
    assert re.search(rf'<option value="{story.pk}" selected>', page)
    response = client.post(
        "/customers/new/",
        {
            "name": "Nina Brought",
            "referrer_code": customer.referral_code,
            "referred_by_story": story.pk,
        },
        follow=True,
    )
    new = Customer.objects.get(name="Nina Brought")
    assert (new.referred_by, new.referred_by_story) == (customer, story)
    assert "Brought by the story" in html(response)


def test_the_story_pick_follows_the_code_typed(client_for, staff, customer, story):
    response = client_for(staff).get(
        f"/customers/referrer-stories/?referrer_code={customer.referral_code.lower()}", HTTP_HX_REQUEST="true"
    )
    page = html(response)
    assert page.strip().startswith('<div id="story-pick"')
    assert f'<option value="{story.pk}">' in page
    empty = html(client_for(staff).get("/customers/referrer-stories/?referrer_code=NOPE"))
    assert "<select" not in empty


def test_a_story_of_someone_else_is_refused(client_for, staff, customer, story):
    other = CustomerFactory(team=customer.team, name="Other Referrer")
    response = client_for(staff).post(
        "/customers/new/",
        {
            "name": "Nina",
            "referrer_code": other.referral_code,
            "referred_by_story": story.pk,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in html(response)
    assert not Customer.objects.filter(name="Nina").exists()


def test_name_the_story_on_edit(client_for, staff, customer, story):
    new = services.customer_create(user=staff, name="Later", referred_by=customer)
    client_for(staff).post(
        f"/customers/{new.pk}/edit/",
        {
            "name": "Later",
            "referrer_code": customer.referral_code,
            "referred_by_story": story.pk,
        },
    )
    new.refresh_from_db()
    assert new.referred_by_story == story


def _referral_edit(client, customer, code):
    return client.post(f"/customers/{customer.pk}/edit/", {"name": customer.name, "referrer_code": code})


def _error_beside_referrer(page: str) -> str:
    match = re.search(r'<p class="error" id="id_referrer_code_error">([^<]*)</p>', page)
    assert match, "the refusal is shown beside the Referred by field"
    return match.group(1).replace("&#x27;", "'")


def test_self_referral_is_refused_beside_the_field(client_for, staff, customer):
    response = _referral_edit(client_for(staff), customer, customer.referral_code)
    assert response.status_code == 200
    page = html(response)
    assert _error_beside_referrer(page) == errors.MSG_SELF_REFERRAL
    assert "Please fix what is marked below." in page  # the banner only points to it
    customer.refresh_from_db()
    assert customer.referred_by is None


def test_a_referral_loop_is_refused_beside_the_field(client_for, staff, customer):
    child = services.customer_create(user=staff, name="Child One", referred_by=customer)
    grandchild = services.customer_create(user=staff, name="Grandchild One", referred_by=child)
    page = html(_referral_edit(client_for(staff), customer, grandchild.referral_code.lower()))
    assert _error_beside_referrer(page) == errors.MSG_REFERRAL_LOOP.format(name="Grandchild One")
    customer.refresh_from_db()
    assert customer.referred_by is None


def test_a_second_referrer_is_refused_beside_the_field(client_for, staff, customer):
    other = services.customer_create(user=staff, name="Other Referrer")
    child = services.customer_create(user=staff, name="Child One", referred_by=customer)
    page = html(_referral_edit(client_for(staff), child, other.referral_code))
    assert _error_beside_referrer(page) == errors.MSG_ALREADY_REFERRED
    child.refresh_from_db()
    assert child.referred_by == customer


def test_the_customer_page_shows_the_chain(client_for, staff, customer, story):
    child = services.customer_create(user=staff, name="Child One", referred_by=customer, referred_by_story=story)
    services.customer_create(user=staff, name="Grandchild One", referred_by=child)
    page = html(client_for(staff).get(f"/customers/{customer.pk}/"))
    assert "created 2 customers" in page
    assert "gen 2" in page
    assert "by a story" in page


def _line(staff, root, length):
    parent = root
    for generation in range(1, length + 1):
        parent = services.customer_create(user=staff, name=f"Gen {generation:02d}", referred_by=parent)
    return parent


def test_a_long_chain_is_shown_whole_with_exact_counts(client_for, staff, customer):
    _line(staff, customer, 12)
    page = html(client_for(staff).get(f"/customers/{customer.pk}/"))
    assert f"{customer.name} created 12 customers:" in page
    for generation in range(1, 13):
        assert f"gen {generation}" in page
    assert re.search(r">Gen 01</a> <span class=\"small muted\">gen 1 · created 11<", page)
    assert re.search(r">Gen 11</a> <span class=\"small muted\">gen 11 · created 1<", page)


def test_beyond_a_sane_depth_the_page_says_how_many_more(client_for, staff, customer):
    _line(staff, customer, REFERRAL_TREE_DEPTH + 3)
    page = html(client_for(staff).get(f"/customers/{customer.pk}/"))
    assert f"created {REFERRAL_TREE_DEPTH + 3} customers:" in page
    assert f"gen {REFERRAL_TREE_DEPTH}<" in page or f"gen {REFERRAL_TREE_DEPTH} ·" in page
    assert f"gen {REFERRAL_TREE_DEPTH + 1}" not in page
    assert "and 3 more customers in deeper generations" in page


def test_a_loop_in_the_database_does_not_break_the_customer_page(client_for, staff, customer):
    child = services.customer_create(user=staff, name="Child One", referred_by=customer)
    Customer.objects.filter(pk=customer.pk).update(referred_by=child)  # behind the services' back
    client = client_for(staff)
    for someone in (customer, child):
        response = client.get(f"/customers/{someone.pk}/")
        assert response.status_code == 200
        assert "created 1 customer:" in html(response)


# --- Survey links on the act page ---------------------------------------------------


def test_create_a_link_and_see_it_once(client_for, staff, delivered_act):
    client = client_for(staff)
    page = html(client.get(f"/acts/{delivered_act.pk}/"))
    assert "Create a survey link" in page
    response = client.post(f"/acts/{delivered_act.pk}/survey-link/", follow=True)
    page = html(response)
    assert "Copy it now: it is shown only once." in page
    url = survey_url_on(page)
    assert re.fullmatch(r"http://testserver/s/[A-Za-z0-9_-]{43,}", url)
    assert f'data-copy="survey-url-{delivered_act.pk}"' in page
    assert SurveyLink.objects.filter(act=delivered_act).count() == 1
    assert "survey-url-" not in html(client.get(f"/acts/{delivered_act.pk}/"))


def test_create_and_email_the_link(client_for, staff, delivered_act, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(f"/acts/{delivered_act.pk}/survey-link/", {"send_email": "1"}, follow=True)
    url = survey_url_on(html(response))
    assert f"emailed it to {delivered_act.customer.email}" in html(response)
    assert url in mailoutbox[0].body


def test_no_link_for_an_act_not_delivered(client_for, staff, customer):
    act = log_act(staff, customer=customer)
    client = client_for(staff)
    assert "Create a survey link" not in html(client.get(f"/acts/{act.pk}/"))
    response = client.post(f"/acts/{act.pk}/survey-link/", follow=True)
    assert errors.MSG_SURVEY_NOT_DELIVERED in html(response)
    assert not SurveyLink.objects.exists()


def test_the_quiet_period_is_explained(client_for, staff, customer, delivered_act):
    Customer.objects.filter(pk=customer.pk).update(last_surveyed_at=timezone.now() - datetime.timedelta(days=3))
    client = client_for(staff)
    page = html(client.get(f"/acts/{delivered_act.pk}/"))
    assert "To keep it rare, you can ask again from" in page
    assert "Create a survey link" not in page
    response = client.post(f"/acts/{delivered_act.pk}/survey-link/", follow=True)
    assert "to keep it rare, ask again from" in html(response)
    assert not SurveyLink.objects.exists()


def test_a_link_made_is_offered_again_and_marking_it_sent_starts_the_quiet_period(
    client_for, staff, customer, delivered_act, settings
):
    client = client_for(staff)
    response = client.post(f"/acts/{delivered_act.pk}/survey-link/", follow=True)
    page = html(response)
    assert "Copy it now: it is shown only once." in page
    assert "Mark as sent" in page
    # Back later: the link cannot be shown again (only its hash is kept), so the page says so
    # and offers a new one in its place, or to mark the one made as sent.
    page = html(client.get(f"/acts/{delivered_act.pk}/"))
    assert "Only a fingerprint of it is kept, so it cannot be shown again" in page
    assert "Make a new link (the old one stops working)" in page
    customer_page = html(client.get(f"/customers/{customer.pk}/"))
    assert "Survey link" in customer_page
    assert "Make a new link (the old one stops working)" in customer_page
    response = client.post(f"/acts/{delivered_act.pk}/survey-link/", {"replace": "1"}, follow=True)
    assert "The link made before stops working." in html(response)
    assert SurveyLink.objects.count() == 2
    assert SurveyLink.objects.filter(expires_at__gt=timezone.now(), used_at__isnull=True).count() == 1
    response = client.post(f"/acts/{delivered_act.pk}/survey-link/sent/", {"back": "customer"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/customers/{customer.pk}/"
    assert f"Marked as sent to {customer.name} on {day(timezone.now())}." in html(response)
    assert SurveyLink.objects.get(sent_at__isnull=False).sent_by == staff
    assert "Mark as sent" not in html(response)
    another = deliver(staff, customer=customer)
    page = html(client.get(f"/acts/{another.pk}/"))
    until = timezone.localdate() + datetime.timedelta(days=settings.SECONDMILE["SURVEY_QUIET_DAYS"])
    assert f"{customer.name} was last asked for their voice on {day(timezone.now())}." in page
    assert f"you can ask again from {day(until)}" in page
    assert "Create a survey link" not in page
    response = client.post(f"/acts/{another.pk}/survey-link/", follow=True)
    assert f"was last asked on {day(timezone.now())}; to keep it rare, ask again from {day(until)}" in html(response)
    assert SurveyLink.objects.count() == 2


def test_survey_link_creation_is_post_only(client_for, staff, delivered_act):
    assert client_for(staff).get(f"/acts/{delivered_act.pk}/survey-link/").status_code == 405
    assert client_for(staff).get(f"/acts/{delivered_act.pk}/survey-link/sent/").status_code == 405


def test_another_teams_act_cannot_be_marked_sent(client_for, staff, other_staff, delivered_act):
    survey_links.survey_link_create(user=staff, act=delivered_act)
    response = client_for(other_staff).post(f"/acts/{delivered_act.pk}/survey-link/sent/")
    assert response.status_code == 404
    assert not SurveyLink.objects.filter(sent_at__isnull=False).exists()


# --- The customer's page /s/<token> -------------------------------------------------


@pytest.fixture
def token(staff, delivered_act):
    return survey_links.survey_link_create(user=staff, act=delivered_act)[1]


def test_the_survey_page_needs_no_login(client, token, delivered_act, team):
    response = client.get(f"/s/{token}")
    assert response.status_code == 200
    page = html(response)
    assert 'class="survey-page"' in page
    assert "site-header" not in page  # no staff navigation for the customer
    assert "Hello Elena," in page
    assert delivered_act.solution in page
    assert team.name in page
    assert len(re.findall(r'<input type="radio" name="score"', page)) == 11
    assert 'name="text"' in page
    assert 'name="consent"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_answering_then_thanks(client, token, delivered_act, customer):
    response = client.post(f"/s/{token}", {"score": "10", "text": "Wonderful people", "consent": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/s/{token}"
    page = html(client.get(f"/s/{token}"))
    assert "Thank you!" in page
    assert NpsResponse.objects.get().score == 10
    story = Story.objects.get()
    assert (story.channel, story.status, story.consent, story.text) == ("survey", "submitted", True, "Wonderful people")
    customer.refresh_from_db()
    assert customer.last_surveyed_at is not None
    # Anyone else who opens the used link learns nothing.
    assert Client().get(f"/s/{token}").status_code == 404


def test_a_missing_score_is_asked_again(client, token):
    response = client.post(f"/s/{token}", {"text": "Hi"})
    assert response.status_code == 200
    assert "Pick a number from 0 to 10." in html(response)
    assert not NpsResponse.objects.exists()
    assert SurveyLink.objects.get().used_at is None


def test_bad_expired_and_used_tokens_look_the_same(client, staff, customer, token):
    used = token
    Client().post(f"/s/{used}", {"score": "8"})
    expired_act = deliver(staff, customer=CustomerFactory(team=customer.team))
    link, expired = survey_links.survey_link_create(user=staff, act=expired_act)
    SurveyLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    bodies = set()
    for candidate in (used, expired, "x" * 43, "short", "a" * 500):
        response = client.get(f"/s/{candidate}")
        assert response.status_code == 404
        # Per-response secrets (CSP nonce, CSRF token) aside, every answer is the same page.
        bodies.add(re.sub(r'nonce="[^"]+"|"X-CSRFToken": "[^"]+"', "", html(response)))
    assert len(bodies) == 1
    assert customer.name not in bodies.pop()
    assert client.post(f"/s/{expired}", {"score": "9"}).status_code == 404
    assert NpsResponse.objects.count() == 1


def test_the_survey_is_csrf_protected(token):
    response = Client(enforce_csrf_checks=True).post(f"/s/{token}", {"score": "9"})
    assert response.status_code == 403
    assert not NpsResponse.objects.exists()


def test_posts_are_rate_limited_per_link(client, token):
    for _ in range(10):
        assert client.post(f"/s/{token}", {"score": "99"}).status_code == 200
    response = client.post(f"/s/{token}", {"score": "9"})
    assert response.status_code == 429
    assert "Please try again in a few minutes." in html(response)
    assert not NpsResponse.objects.exists()
    cache.clear()
    assert client.post(f"/s/{token}", {"score": "9"}).status_code == 302


def test_posts_are_rate_limited_per_client_ip(client):
    for attempt in range(10):
        assert client.post(f"/s/guess-{attempt}", {"score": "9"}).status_code == 404
    assert client.post("/s/guess-11", {"score": "9"}).status_code == 429
    assert client.post("/s/guess-12", {"score": "9"}, REMOTE_ADDR="10.0.0.9").status_code == 404


def test_behind_the_load_balancer_the_forwarded_client_is_counted(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(10):
        # A client cannot dodge the limit by sending its own X-Forwarded-For entries.
        forwarded = f"1.2.3.{attempt}, 203.0.113.7"
        assert client.post(f"/s/guess-{attempt}", {"score": "9"}, HTTP_X_FORWARDED_FOR=forwarded).status_code == 404
    assert client.post("/s/guess-x", {"score": "9"}, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # Another customer behind the same balancer is not held back.
    assert client.post("/s/guess-y", {"score": "9"}, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 404


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(10):
        # A new made-up address each time: were it believed, each would be a new client.
        forwarded = f"198.51.100.{attempt}"
        assert client.post(f"/s/guess-{attempt}", {"score": "9"}, HTTP_X_FORWARDED_FOR=forwarded).status_code == 404
    assert client.post("/s/guess-x", {"score": "9"}, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_a_detractor_through_the_link_opens_a_follow_up(client, token):
    client.post(f"/s/{token}", {"score": "2", "text": "Cold room"})
    follow_up = FollowUp.objects.get(kind="detractor")
    assert follow_up.due_on == timezone.localdate()
    assert Story.objects.get().consent is False


# --- Another team's objects ---------------------------------------------------------


def test_another_teams_objects_are_404_on_every_page(client_for, staff, other_staff, other_customer):
    their_act = deliver(other_staff, customer=other_customer)
    their_story = record(other_staff, other_customer, acts=[their_act])
    stories_nps.nps_record(user=other_staff, customer=other_customer, score=1)
    their_follow_up = FollowUp.objects.get(kind="detractor")
    client = client_for(staff)
    for url in (
        f"/stories/new/?act={their_act.pk}",
        f"/stories/new/?customer={other_customer.pk}",
        f"/customers/{other_customer.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    posts = {
        f"/stories/new/?act={their_act.pk}": {"channel": "review", "told_on": "2025-01-01", "text": "x"},
        f"/stories/new/?customer={other_customer.pk}": {"channel": "review", "told_on": "2025-01-01", "text": "x"},
        f"/customers/{other_customer.pk}/nps/": {"score": "9", "date": "2025-01-01"},
        f"/acts/{their_act.pk}/survey-link/": {},
        f"/follow-ups/{their_follow_up.pk}/done/": {},
        f"/stories/{their_story.pk}/moderate/": {"decision": "approve"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert Story.objects.count() == 1
    assert NpsResponse.objects.count() == 1
    assert not SurveyLink.objects.exists()
    their_follow_up.refresh_from_db()
    assert their_follow_up.done_at is None
    # Their stories are not offered as the story that brought someone in.
    page = client.get(f"/customers/new/?story={their_story.pk}").content.decode()
    assert other_customer.referral_code not in page
    pick = client.get(f"/customers/referrer-stories/?referrer_code={other_customer.referral_code}")
    assert "<select" not in pick.content.decode()


def test_an_admin_of_another_team_may_moderate_it(client_for, admin_user, other_staff, other_customer):
    story = record(other_staff, other_customer)
    client = client_for(admin_user)
    assert str(story.text) in client.get("/stories/review/").content.decode()
    client.post(f"/stories/{story.pk}/moderate/", {"decision": "approve"})
    story.refresh_from_db()
    assert story.status == "approved"
