"""The Django admin shows stories and their history but changes them only through the
services: no add, edit or delete, and moderation by the service, with its history row."""

import pytest

from customers.models import Story, StoryEvent

pytestmark = pytest.mark.django_db


def test_stories_are_read_only_in_the_admin(client_for, admin_user, story):
    client = client_for(admin_user)
    listing = client.get("/admin/customers/story/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert story.text[:20] in page or str(story.customer) in page
    assert "/admin/customers/story/add/" not in page
    assert 'value="delete_selected"' not in page
    assert client.get("/admin/customers/story/add/").status_code == 403
    view = client.get(f"/admin/customers/story/{story.pk}/change/")
    assert view.status_code == 200
    view_page = view.content.decode()
    assert 'name="_save"' not in view_page  # a view, not a form
    assert f"/admin/customers/story/{story.pk}/delete/" not in view_page
    assert 'name="events-0-DELETE"' not in view_page
    assert client.get(f"/admin/customers/story/{story.pk}/delete/").status_code == 403
    response = client.post(f"/admin/customers/story/{story.pk}/change/", {
        "customer": story.customer_id, "channel": "review", "told_on": "2026-01-01", "text": "Rewritten",
        "status": "featured", "consent": "on",
    })
    assert response.status_code == 403
    assert client.post(f"/admin/customers/story/{story.pk}/delete/", {"post": "yes"}).status_code == 403
    story.refresh_from_db()
    assert (story.status, story.text) == ("submitted", "They still talk about the flowers.")
    assert StoryEvent.objects.filter(story=story).count() == 1


def test_the_history_has_no_admin_page_of_its_own(client_for, admin_user, story):
    client = client_for(admin_user)
    event = story.events.get()
    for url in ("/admin/customers/storyevent/", "/admin/customers/storyevent/add/",
                f"/admin/customers/storyevent/{event.pk}/change/",
                f"/admin/customers/storyevent/{event.pk}/delete/"):
        assert client.get(url).status_code in (302, 404), url
    assert StoryEvent.objects.get() == event


def test_admin_actions_moderate_through_the_service(client_for, admin_user, story):
    client = client_for(admin_user)
    response = client.post("/admin/customers/story/", {
        "action": "approve", "_selected_action": [story.pk], "index": 0,
    }, follow=True)
    assert "Approved 1 story." in response.content.decode()
    story.refresh_from_db()
    assert (story.status, story.moderated_by) == ("approved", admin_user)
    assert [(e.from_status, e.to_status, e.actor) for e in story.events.order_by("id")] == [
        ("", "submitted", story.recorded_by), ("submitted", "approved", admin_user),
    ]
    # A move the rules refuse is reported, and nothing changes.
    story_rejected = Story.objects.get(pk=story.pk)
    response = client.post("/admin/customers/story/", {
        "action": "approve", "_selected_action": [story_rejected.pk], "index": 0,
    }, follow=True)
    assert "1 could not be approved" in response.content.decode()
    assert story.events.count() == 2
