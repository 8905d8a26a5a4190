"""The routine detector: warnings while logging an act, never a block."""

import pytest
from django.test import override_settings
from django.utils import timezone

from acts import services as act_services
from acts.models import Act
from acts.routine import routine_warnings
from tests.dashboard.builders import act
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_no_history_no_warning(staff, customer):
    assert routine_warnings(user=staff, customer=customer, kind="gift") == []
    assert routine_warnings(user=staff, customer=None, kind="gift") == []
    assert routine_warnings(user=staff, customer=customer, kind="nonsense") == []


def test_same_gesture_to_the_same_customer_within_the_cooldown(staff, staff2, customer):
    act(staff2, days=12, customer=customer, kind="gift")
    [warning] = routine_warnings(user=staff, customer=customer, kind="gift")
    assert "Elena Petrova already had this kind of gesture (gift) 12 days ago" in warning
    assert "within 30 days" in warning
    assert routine_warnings(user=staff, customer=customer, kind="call") == []


@override_settings(SECONDMILE={**__import__("django.conf").conf.settings.SECONDMILE, "ROUTINE_COOLDOWN_DAYS": 7})
def test_the_cooldown_is_a_setting(staff, customer):
    act(staff, days=12, customer=customer, kind="gift")
    assert routine_warnings(user=staff, customer=customer, kind="gift") == []


def test_past_the_cooldown_or_declined_does_not_count(staff, manager, customer):
    act(staff, days=31, customer=customer, kind="gift")
    declined = act(staff, days=2, customer=customer, kind="gift", cost="80")
    act_services.spend_decline(user=manager, act=declined, note="No")
    assert routine_warnings(user=staff, customer=customer, kind="gift") == []


def test_gift_fatigue(staff, customer):
    for days, kind in ((50, "note"), (40, "call"), (35, "time")):
        act(staff, days=days, customer=customer, kind=kind)
    act(staff, days=20, customer=customer, kind="waiver", trigger="reactive")  # a recovery is no surprise
    [warning] = routine_warnings(user=staff, customer=customer, kind="gift")
    assert "Elena Petrova had 3 surprises in the last 60 days" in warning


def test_a_persons_pattern(staff, staff2, team):
    for kind in ("gift", "note", "gift", "call", "gift"):
        act(staff, days=40, kind=kind)
    fresh = CustomerFactory(team=team)
    # The act being logged and the four before it: gift (new), gift, call, gift, note.
    [warning] = routine_warnings(user=staff, customer=fresh, kind="gift")
    assert warning.startswith("This would make 3 of your last 5 acts of this kind (gift)")
    assert routine_warnings(user=staff, customer=fresh, kind="note") == []
    assert routine_warnings(user=staff2, customer=fresh, kind="gift") == []


def test_the_third_of_a_kind_among_the_last_five_warns_counting_the_one_being_logged(staff, team):
    fresh = CustomerFactory(team=team)
    for kind in ("gift", "note", "gift", "call"):  # oldest first: two gifts among four
        act(staff, days=40, kind=kind)
    [warning] = routine_warnings(user=staff, customer=fresh, kind="gift")
    assert warning.startswith("This would make 3 of your last 5 acts of this kind (gift)")
    # One gift among the last four: the new one would be the second, no warning.
    assert routine_warnings(user=staff, customer=fresh, kind="note") == []
    # Two newer acts push the first gift out of the window: gift (new), time, time, call, gift.
    for _ in range(2):
        act(staff, days=40, kind="time")
    assert routine_warnings(user=staff, customer=fresh, kind="gift") == []


def test_with_only_two_earlier_acts_the_third_of_a_kind_warns(staff, team):
    fresh = CustomerFactory(team=team)
    act(staff, days=40, kind="call")
    assert routine_warnings(user=staff, customer=fresh, kind="call") == []
    act(staff, days=40, kind="call")
    [warning] = routine_warnings(user=staff, customer=fresh, kind="call")
    assert warning.startswith("This would make 3 of your last 3 acts of this kind (call)")


def test_htmx_fragment_while_logging(client_for, staff, customer, other_customer, other_staff):
    act(staff, days=3, customer=customer, kind="gift")
    client = client_for(staff)
    response = client.get("/acts/new/warnings/", {"customer": customer.pk, "kind": "gift"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="message message--warning">')
    assert "<html" not in html
    assert "already had this kind of gesture (gift) 3 days ago" in html
    act(other_staff, days=1, customer=other_customer, kind="gift")
    leak = client.get("/acts/new/warnings/", {"customer": other_customer.pk, "kind": "gift"}).content.decode()
    assert "Walter" not in leak
    assert "message--warning" not in leak
    assert "message--warning" not in client.get("/acts/new/warnings/?customer=x&kind=gift").content.decode()


def test_the_form_wires_the_fragment(client_for, staff):
    html = client_for(staff).get("/acts/new/").content.decode()
    assert 'hx-get="/acts/new/warnings/"' in html
    assert 'hx-trigger="change from:#id_customer_picker, change from:#id_kind"' in html


def test_warnings_after_a_post_with_errors_and_after_logging(client_for, staff, customer):
    act(staff, days=3, customer=customer, kind="gift")
    client = client_for(staff)
    form = {
        "customer": customer.pk,
        "kind": "gift",
        "quadrant": "delivery",
        "trigger": "proactive",
        "problem": "Birthday",
        "solution": "",
        "cost": "0",
        "date": timezone.localdate().isoformat(),
    }
    html = client.post("/acts/new/", form).content.decode()
    assert "Say what you did" in html or "This field is required" in html
    assert "already had this kind of gesture (gift) 3 days ago" in html
    response = client.post("/acts/new/", {**form, "solution": "Cake"}, follow=True)
    assert Act.objects.count() == 2  # a warning never blocks
    assert "already had this kind of gesture (gift) 3 days ago" in response.content.decode()
