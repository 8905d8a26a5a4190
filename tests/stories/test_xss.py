"""Hostile words and links from customers never run in a staff member's browser.

The corpus goes in where a stranger can type (the survey link), through moderation, to
the wall, the review queue, the act and the customer pages: always escaped, and links
that are not http(s) are refused by the service and never rendered as an href.
"""

import pytest
from django.test import Client

from core import errors
from stories import nps as stories_nps
from stories import services as story_services
from stories import survey as survey_links
from stories.models import Story

from .conftest import deliver, record

pytestmark = pytest.mark.django_db

HOSTILE_TEXTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(document.cookie)</script>',
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "{{ request.user }} {% csrf_token %}",
]
HOSTILE_LINKS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    '" onmouseover="alert(1)',
]
RAW_MARKERS = ["<script>alert", "<img src=x", "<svg onload", 'href="javascript:', 'href="data:']


def assert_inert(page: str, text: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in page, marker
    if "{{" in text:
        # Shown as typed: never evaluated as a template.
        assert "{{ request.user }} {% csrf_token %}" in page


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_survey_text_is_escaped_everywhere(client_for, staff, admin_user, customer, text):
    act = deliver(staff, customer=customer, solution="<b>Flowers</b> for <i>mum</i>")
    _link, token = survey_links.survey_link_create(user=staff, act=act)
    stranger = Client()
    assert stranger.post(f"/s/{token}", {"score": "3", "text": text, "consent": "on"}).status_code == 302
    story = Story.objects.get()
    assert story.text == text.strip()  # kept as typed; escaping is the template's job

    admin = client_for(admin_user)
    queue = admin.get("/stories/review/").content.decode()
    assert_inert(queue, text)
    assert admin.post(f"/stories/{story.pk}/moderate/", {"decision": "feature"}).status_code == 302

    for url in ("/stories/", f"/acts/{act.pk}/", f"/customers/{customer.pk}/"):
        page = client_for(staff).get(url).content.decode()
        assert_inert(page, text)
        assert "&lt;" in page or "&quot;" in page or "javascript:alert(1)" in text or "{{" in text
    wall = client_for(staff).get("/stories/").content.decode()
    assert "&lt;b&gt;Flowers&lt;/b&gt;" in wall  # the act's own words are escaped too


@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_hostile_links_are_refused_by_the_service_page_and_api(client_for, staff, customer, link):
    with pytest.raises(errors.InvalidInput) as refused:
        record(staff, customer, url=link)
    assert refused.value.message == errors.MSG_STORY_LINK_SCHEME
    page = client_for(staff).post(
        f"/stories/new/?customer={customer.pk}",
        {
            "channel": "review",
            "told_on": "2025-01-01",
            "text": "Hi",
            "url": link,
        },
    )
    assert page.status_code == 200
    assert "field--error" in page.content.decode()
    api = client_for(staff).post(
        "/api/stories",
        {
            "customer": customer.pk,
            "channel": "review",
            "text": "Hi",
            "url": link,
        },
        content_type="application/json",
    )
    assert api.status_code == 400
    assert not Story.objects.exists()


@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_a_hostile_link_that_reached_the_database_is_not_an_href(client_for, staff, admin_user, customer, link):
    # Say an import or an old version let one through: the templates still refuse to link it.
    story = record(staff, customer, url="https://example.com/ok")
    Story.objects.filter(pk=story.pk).update(url=link)
    story_services.story_moderate(user=admin_user, story=story, decision="feature")
    for client, url in ((client_for(staff), "/stories/"), (client_for(staff), f"/customers/{customer.pk}/")):
        page = client.get(url).content.decode()
        assert 'href="javascript' not in page.lower()
        assert 'href="data:' not in page.lower()
        assert 'href="vbscript' not in page.lower()
        assert "onmouseover=" not in page.replace("&quot; onmouseover=&quot;", "")


def test_a_safe_link_is_rendered_with_a_rel_that_gives_it_no_weight(client_for, staff, admin_user, customer):
    story = record(staff, customer, url="https://www.tripadvisor.com/review/123")
    story_services.story_moderate(user=admin_user, story=story, decision="approve")
    page = client_for(staff).get("/stories/").content.decode()
    assert '<a href="https://www.tripadvisor.com/review/123" rel="nofollow noopener ugc" target="_blank">' in page


def test_hostile_nps_comments_are_escaped(client_for, staff, customer):
    for text in HOSTILE_TEXTS:
        stories_nps.nps_record(user=staff, customer=customer, score=2, comment=text)
    page = client_for(staff).get(f"/customers/{customer.pk}/").content.decode()
    assert_inert(page, "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
