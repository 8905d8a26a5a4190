"""The act playbook: past acts of the team with a similar problem (full-text, on SQLite's
FTS5 and PostgreSQL's text search alike), drawn at random among the good matches, with
what each returned; the /playbook/ page; GET /api/playbook. Run on both databases."""

import datetime
import json
import random
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from acts import playbook
from acts import services as act_services
from core.tokens import api_token_create
from customers import services as customer_services
from stories import nps
from stories import services as story_services
from tests.factories import CustomerFactory, log_act
from tests.queries import LARGE, SMALL, Team, assert_same_queries, signed_in

pytestmark = pytest.mark.django_db


def delivered(user, problem, *, solution="Did something kind", cost="0", **fields):
    act = log_act(user, problem=problem, solution=solution, cost=cost, **fields)
    return act_services.act_deliver(user=user, act=act, actual_cost=Decimal(cost))


@pytest.fixture
def seeded(monkeypatch):
    """The draw among the good matches, made repeatable."""
    monkeypatch.setattr(playbook, "_random", random.Random(7))


@pytest.fixture
def past(staff, other_staff, admin_user):
    """Delivered acts of ana's team about a sick mother, a late delivery and a birthday;
    one logged but not delivered; another team's act about a sick mother."""
    acts = {
        "flowers": delivered(
            staff, "Her mother is sick in hospital", solution="Sent flowers to the hospital", cost="30"
        ),
        "card": delivered(staff, "Mother sick at home, missed the stay", solution="A handwritten card"),
        "steak": delivered(staff, "Flight delayed, arrived late and hungry", solution="A steak at the gate"),
        "cake": delivered(staff, "Birthday dinner for his daughter", solution="A cake with candles"),
    }
    acts["waiting"] = log_act(staff, problem="Mother sick, needs a taxi", solution="A taxi")  # approved, not done
    acts["theirs"] = delivered(other_staff, "Their mother is sick in hospital", solution="Another team's flowers")
    return acts


def test_search_terms_drop_stop_words_short_words_and_repeats():
    assert playbook.search_terms("Her MOTHER is sick, her mother! 2 of 3") == ["mother", "sick"]
    assert playbook.search_terms("   ") == []


def test_matches_are_the_teams_delivered_acts_with_a_similar_problem(staff, past, seeded):
    found = playbook.playbook_matches(user=staff, text="My mother got sick")
    assert {act.solution for act in found} == {"Sent flowers to the hospital", "A handwritten card"}
    # Never another team's act, never one that was not delivered, nothing unrelated.
    assert not {past["theirs"].pk, past["waiting"].pk, past["cake"].pk} & {act.pk for act in found}
    assert playbook.playbook_matches(user=staff, text="the and of") == []
    assert playbook.playbook_matches(user=staff, text="parking ticket") == []


def test_stemming_finds_other_forms_of_the_word(staff, past, seeded):
    assert [a.solution for a in playbook.playbook_matches(user=staff, text="flights delays")] == ["A steak at the gate"]


def test_at_most_three_drawn_at_random_among_the_good_matches(staff, seeded, monkeypatch):
    for n in range(10):
        delivered(staff, f"Room not ready at check-in, case {n}", solution=f"Unrelated {n}")
    for n in range(6):
        delivered(staff, f"Wedding anniversary dinner number {n}", solution=f"Gesture {n}")
    delivered(staff, "Anniversary", solution="Weak match")
    draws = set()
    for seed in range(12):
        monkeypatch.setattr(playbook, "_random", random.Random(seed))
        found = playbook.playbook_matches(user=staff, text="wedding anniversary dinner")
        assert len(found) == 3
        draws.add(tuple(sorted(a.solution for a in found)))
        # "Anniversary" alone shares one of three words: below half the best score, never drawn.
        assert "Weak match" not in {a.solution for a in found}
    assert len(draws) > 1, "the same three every time is a routine"
    monkeypatch.setattr(playbook, "_random", random.Random(3))
    first = [a.pk for a in playbook.playbook_matches(user=staff, text="wedding anniversary dinner")]
    monkeypatch.setattr(playbook, "_random", random.Random(3))
    assert [a.pk for a in playbook.playbook_matches(user=staff, text="wedding anniversary dinner")] == first


def test_good_matches_keep_those_scoring_half_the_best_or_more():
    assert playbook.good_matches([(1, 4.0), (2, 2.0), (3, 1.99)]) == [1, 2]
    assert playbook.good_matches([]) == []


def test_each_match_says_what_was_done_its_cost_and_what_it_returned(staff, admin_user, past, seeded):
    flowers = past["flowers"]
    story = story_services.story_record(
        user=staff, customer=flowers.customer, channel="review", text="They sent flowers!", acts=[flowers], consent=True
    )
    story_services.story_moderate(user=admin_user, story=story, decision="feature")
    friend = customer_services.customer_create(
        user=staff,
        name="Friend",
        referred_by=flowers.customer,
        referred_by_story=story,
        first_purchase_value=Decimal("120.00"),
    )
    # The friend's own referral is in the act's chain too (a second generation).
    customer_services.customer_create(
        user=staff, name="Friend's friend", referred_by=friend, first_purchase_value=Decimal("80.00")
    )
    nps.nps_record(user=staff, customer=flowers.customer, score=9, act=flowers)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3), tick=False):
        customer_services.customer_return_record(user=staff, customer=flowers.customer, date=timezone.localdate())
    waiting = story_services.story_record(
        user=staff, customer=flowers.customer, channel="letter", text="x", acts=[flowers]
    )
    assert waiting.status == "submitted"  # not on the wall: does not count
    [match] = [a for a in playbook.playbook_matches(user=staff, text="mother sick hospital") if a.pk == flowers.pk]
    assert (match.stories_told, match.referred_count, match.referral_revenue, match.came_back, match.nps_after) == (
        1,
        2,
        Decimal("200.00"),
        True,
        9.0,
    )
    assert playbook.outcome_words(match) == (
        "1 story on the wall · 2 referred customers ($200.00) · the customer came back · NPS answer 9"
    )
    [card] = [a for a in playbook.playbook_matches(user=staff, text="mother sick home") if a.pk == past["card"].pk]
    assert playbook.outcome_words(card) == "Nothing recorded yet"


def test_the_api_gives_the_same_matches(staff, past, monkeypatch):
    api = signed_in(token=api_token_create(user=staff)[1])
    monkeypatch.setattr(playbook, "_random", random.Random(1))
    expected = [a.pk for a in playbook.playbook_matches(user=staff, text="mother sick")]
    monkeypatch.setattr(playbook, "_random", random.Random(1))
    response = api.get("/api/playbook", {"q": "mother sick"})
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == expected
    flowers = next(row for row in body if row["id"] == past["flowers"].pk)
    assert flowers["problem"] == "Her mother is sick in hospital"
    assert flowers["gesture"] == "Sent flowers to the hospital"
    assert flowers["cost"] == "30.00"
    assert flowers["outcome"]["summary"] == "Nothing recorded yet"
    assert api.get("/api/playbook").json() == []
    assert api.get("/api/playbook", {"q": '"mother" OR NEAR(*'}).status_code == 200  # query syntax is only words
    assert signed_in().get("/api/playbook", {"q": "mother"}).status_code == 401


def test_another_teams_acts_never_appear(other_staff, past, seeded):
    found = playbook.playbook_matches(user=other_staff, text="mother sick hospital")
    assert [a.pk for a in found] == [past["theirs"].pk]


def test_suggestions_while_logging_and_without_javascript(client_for, staff, customer, past, seeded):
    client = client_for(staff)
    fragment = client.get("/acts/new/playbook/", {"problem": "mother is sick"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "What worked before" in html
    assert "Sent flowers to the hospital" in html
    assert "$30.00" in html
    assert "<html" not in html
    assert client.get("/acts/new/playbook/", {"problem": ""}).content.decode().strip() == ""
    page = client.get("/acts/new/").content.decode()
    assert 'hx-get="/acts/new/playbook/"' in page
    assert 'name="playbook_search"' in page
    # Without JavaScript: the button brings the form back as typed, with matches, logging nothing.
    before = staff.acts.count()
    typed = client.post(
        "/acts/new/", {"customer": customer.pk, "problem": "Mother sick", "solution": "", "playbook_search": "1"}
    )
    assert typed.status_code == 200
    html = typed.content.decode()
    assert "Sent flowers to the hospital" in html
    assert "Mother sick</textarea>" in html
    assert staff.acts.count() == before
    nothing = client.post("/acts/new/", {"problem": "parking", "playbook_search": "1"}).content.decode()
    assert "No past act of your team with a problem like this one yet." in nothing


def test_the_playbook_page_browses_by_quadrant_and_kind_with_outcomes(client_for, staff, admin_user, past):
    story = story_services.story_record(
        user=staff, customer=past["steak"].customer, channel="review", text="A steak!", acts=[past["steak"]]
    )
    story_services.story_moderate(user=admin_user, story=story, decision="approve")
    client = client_for(staff)
    html = client.get("/playbook/").content.decode()
    for solution in (
        "Sent flowers to the hospital",
        "A handwritten card",
        "A steak at the gate",
        "A cake with candles",
    ):
        assert solution in html
    assert "Another team" not in html
    assert "A taxi" not in html
    assert "Returned: 1 story on the wall" in html
    only_stories = client.get("/playbook/", {"returned": "story"}).content.decode()
    assert "A steak at the gate" in only_stories
    assert "A cake with candles" not in only_stories
    log_gift = delivered(staff, "Lost luggage", solution="A toothbrush kit", kind="expertise", quadrant="response")
    narrowed = client.get("/playbook/", {"kind": "expertise", "quadrant": "response"}).content.decode()
    assert log_gift.solution in narrowed
    assert "A cake with candles" not in narrowed
    assert "No past act matches these filters." in client.get("/playbook/", {"kind": "waiver"}).content.decode()
    assert client.get("/playbook/", {"kind": "nonsense", "page": "x"}).status_code == 200


def test_the_playbook_page_pages_through_the_acts(client_for, staff):
    customer = CustomerFactory(team=staff.team)
    for n in range(21):
        delivered(staff, f"Problem {n}", solution=f"Gesture number {n:02}", customer=customer)
    client = client_for(staff)
    first = client.get("/playbook/").content.decode()
    assert "Gesture number 20" in first
    assert "Gesture number 00" not in first
    assert 'rel="next"' in first
    assert "Gesture number 00" in client.get("/playbook/?page=2").content.decode()


def test_rebuilding_the_index_finds_acts_loaded_around_the_services(staff, past, seeded):
    call_command("rebuild_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert {a.solution for a in playbook.playbook_matches(user=staff, text="flight")} == {"A steak at the gate"}


def test_the_playbook_pages_do_not_grow_with_the_data(staff, manager, admin_user):
    world = Team(staff=staff, manager=manager, admin=admin_user)
    world.grow(SMALL)
    client = signed_in(staff)
    api = signed_in(token=api_token_create(user=staff)[1])
    pages = {
        "/playbook/": (client, "/playbook/"),
        "/playbook/ filtered": (client, "/playbook/?kind=gift&returned=story"),
        "suggestions": (client, "/acts/new/playbook/?problem=Needed+a+hand"),
        "GET /api/playbook": (api, "/api/playbook?q=needed+hand"),
    }
    assert_same_queries(pages, lambda: world.grow(LARGE - SMALL))
    assert json.loads(api.get("/api/playbook?q=needed+hand").content)  # the world's acts match
