"""The Django admin shows stories and their history but changes them only through the
services: no add, edit or delete, and moderation by the service, with its history row."""

import pytest
from django.utils.html import escape

from core import errors
from core.models import AuditEvent
from customers import services
from customers.models import Customer
from stories.models import Story, StoryEvent

pytestmark = pytest.mark.django_db


def test_stories_are_read_only_in_the_admin(client_for, admin_user, story):
    client = client_for(admin_user)
    listing = client.get("/admin/stories/story/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert story.text[:20] in page or str(story.customer) in page
    assert "/admin/stories/story/add/" not in page
    assert 'value="delete_selected"' not in page
    assert client.get("/admin/stories/story/add/").status_code == 403
    view = client.get(f"/admin/stories/story/{story.pk}/change/")
    assert view.status_code == 200
    view_page = view.content.decode()
    assert 'name="_save"' not in view_page  # a view, not a form
    assert f"/admin/stories/story/{story.pk}/delete/" not in view_page
    assert 'name="events-0-DELETE"' not in view_page
    assert client.get(f"/admin/stories/story/{story.pk}/delete/").status_code == 403
    response = client.post(
        f"/admin/stories/story/{story.pk}/change/",
        {
            "customer": story.customer_id,
            "channel": "review",
            "told_on": "2026-01-01",
            "text": "Rewritten",
            "status": "featured",
            "consent": "on",
        },
    )
    assert response.status_code == 403
    assert client.post(f"/admin/stories/story/{story.pk}/delete/", {"post": "yes"}).status_code == 403
    story.refresh_from_db()
    assert (story.status, story.text) == ("submitted", "They still talk about the flowers.")
    assert StoryEvent.objects.filter(story=story).count() == 1


def test_the_history_has_no_admin_page_of_its_own(client_for, admin_user, story):
    client = client_for(admin_user)
    event = story.events.get()
    for url in (
        "/admin/stories/storyevent/",
        "/admin/stories/storyevent/add/",
        f"/admin/stories/storyevent/{event.pk}/change/",
        f"/admin/stories/storyevent/{event.pk}/delete/",
    ):
        assert client.get(url).status_code in (302, 404), url
    assert StoryEvent.objects.get() == event


def test_admin_actions_moderate_through_the_service(client_for, admin_user, story):
    client = client_for(admin_user)
    response = client.post(
        "/admin/stories/story/",
        {
            "action": "approve",
            "_selected_action": [story.pk],
            "index": 0,
        },
        follow=True,
    )
    assert "Approved 1 story." in response.content.decode()
    story.refresh_from_db()
    assert (story.status, story.moderated_by) == ("approved", admin_user)
    assert [(e.from_status, e.to_status, e.actor) for e in story.events.order_by("id")] == [
        ("", "submitted", story.recorded_by),
        ("submitted", "approved", admin_user),
    ]
    # A move the rules refuse is reported, and nothing changes.
    story_rejected = Story.objects.get(pk=story.pk)
    response = client.post(
        "/admin/stories/story/",
        {
            "action": "approve",
            "_selected_action": [story_rejected.pk],
            "index": 0,
        },
        follow=True,
    )
    assert "1 could not be approved" in response.content.decode()
    assert story.events.count() == 2


# --- Customers are saved through the services, with the referral guards ------------


def _customer_form(customer, **changes):
    data = {
        "name": customer.name,
        "email": customer.email,
        "phone": "",
        "company": "",
        "notes": "",
        "referred_by": "",
        "referred_by_story": "",
        "first_purchase_value": "",
    }
    if customer.referred_by_id:
        data["referred_by"] = customer.referred_by_id
    return {**data, **changes}


def test_a_self_referral_in_the_admin_is_shown_beside_the_field(client_for, admin_user, customer):
    client = client_for(admin_user)
    dashboard = client.get("/api/dashboard").json()
    response = client.post(
        f"/admin/customers/customer/{customer.pk}/change/", _customer_form(customer, referred_by=customer.pk)
    )
    assert response.status_code == 200
    assert errors.MSG_SELF_REFERRAL in response.content.decode()
    customer.refresh_from_db()
    assert customer.referred_by_id is None
    assert client.get("/api/dashboard").json() == dashboard
    assert not AuditEvent.objects.filter(target_type="customer").exists()


def test_a_referral_loop_in_the_admin_is_refused_with_the_guards_message(client_for, admin_user, team):
    client = client_for(admin_user)
    first = services.customer_create(user=admin_user, name="Ada")
    second = services.customer_create(user=admin_user, name="Ben", referred_by=first)
    dashboard = client.get("/api/dashboard").json()
    response = client.post(
        f"/admin/customers/customer/{first.pk}/change/", _customer_form(first, referred_by=second.pk)
    )
    assert response.status_code == 200
    assert escape(errors.MSG_REFERRAL_LOOP.format(name="Ben")) in response.content.decode()
    first.refresh_from_db()
    assert first.referred_by_id is None
    assert client.get("/api/dashboard").json() == dashboard


def test_a_customer_edit_in_the_admin_goes_through_the_service_and_is_audited(client_for, admin_user, customer):
    client = client_for(admin_user)
    referrer = services.customer_create(user=admin_user, name="Ada")
    response = client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        _customer_form(customer, name="Elena P.", referred_by=referrer.pk),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.referred_by) == ("Elena P.", referrer)
    event = AuditEvent.objects.get(target_type="customer", target_id=customer.pk)
    assert (event.actor, event.action) == (admin_user, "referral_set")
    assert event.before == {"name": "Elena Petrova", "referred_by": None}
    assert event.after == {"name": "Elena P.", "referred_by": "Ada"}
    # A second referrer is refused beside the field too.
    other = services.customer_create(user=admin_user, name="Cy")
    response = client.post(
        f"/admin/customers/customer/{customer.pk}/change/", _customer_form(customer, referred_by=other.pk)
    )
    assert response.status_code == 200
    assert errors.MSG_ALREADY_REFERRED in response.content.decode()
    customer.refresh_from_db()
    assert customer.referred_by == referrer


def test_a_customer_added_in_the_admin_is_made_by_the_service(client_for, admin_user, team):
    client = client_for(admin_user)
    response = client.post(
        "/admin/customers/customer/add/",
        {
            **_customer_form(Customer(name="Dora", email="dora@example.org")),
            "team": team.pk,
        },
    )
    assert response.status_code == 302
    dora = Customer.objects.get(name="Dora")
    assert len(dora.referral_code) == 6  # the service gave her a code
