"""A customer came back: recorded from the customer page and the API, with its audit row;
bad input is refused in words and changes nothing; another team's customer is a 404."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from core import errors
from core.models import AuditEvent
from core.tokens import api_token_create
from customers import services
from customers.models import CustomerReturn
from tests.queries import signed_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 17)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 17, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _api(user):
    return signed_in(token=api_token_create(user=user)[1])


# --- The service ---------------------------------------------------------------------------


def test_a_return_is_recorded_with_its_audit_row(staff, customer):
    back = services.customer_return_record(
        user=staff, customer=customer, date=TODAY, value="42.5", note="  Dinner for two "
    )
    assert (back.team_id, back.date, back.value, back.note, back.recorded_by) == (
        customer.team_id,
        TODAY,
        Decimal("42.50"),
        "Dinner for two",
        staff,
    )
    audit = AuditEvent.objects.get(action=AuditEvent.Action.RETURN_RECORDED)
    assert (audit.actor, audit.team, audit.target_id) == (staff, customer.team, back.pk)
    assert audit.after == {"date": "2026-06-17", "value": "42.50", "note": "Dinner for two"}


@pytest.mark.parametrize(
    ("date", "value", "message"),
    [
        (TODAY + datetime.timedelta(days=1), None, services.MSG_RETURN_DATE_FUTURE),
        (None, None, services.MSG_RETURN_DATE_MISSING),
        (TODAY, "ten", services.MSG_RETURN_VALUE),
        (TODAY, "1.005", services.MSG_RETURN_VALUE),
        (TODAY, "NaN", services.MSG_RETURN_VALUE),
        (TODAY, "-3", services.MSG_RETURN_VALUE_NEGATIVE),
        (TODAY, "99999999", services.MSG_RETURN_VALUE_TOO_HIGH),
    ],
)
def test_bad_input_is_refused_and_records_nothing(staff, customer, date, value, message):
    with pytest.raises(errors.InvalidInput) as refused:
        services.customer_return_record(user=staff, customer=customer, date=date, value=value)
    assert refused.value.message == message
    assert not CustomerReturn.objects.exists()


def test_another_teams_customer_is_refused(staff, other_customer, admin_user):
    with pytest.raises(errors.NotAllowed):
        services.customer_return_record(user=staff, customer=other_customer, date=TODAY)
    # An admin records for any team; the return is the customer's team's.
    back = services.customer_return_record(user=admin_user, customer=other_customer, date=TODAY)
    assert back.team_id == other_customer.team_id


# --- The customer page ----------------------------------------------------------------------


def test_the_customer_page_records_a_return_and_lists_them(staff, customer):
    client = signed_in(staff)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "No return recorded yet." in page
    assert 'name="date"' in page
    assert 'name="value"' in page
    response = client.post(
        f"/customers/{customer.pk}/returns/", {"date": "2026-06-10", "value": "18.00", "note": "Came for lunch"}
    )
    assert response.status_code == 302
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Recorded that Elena Petrova came back on 10 Jun, spending $18.00." in page
    assert "purchase, $18.00" in page
    assert "Came for lunch" in page
    client.post(f"/customers/{customer.pk}/returns/", {"date": "2026-06-12"})
    assert "visit" in client.get(f"/customers/{customer.pk}/").content.decode()


def test_the_list_is_paginated(staff, customer):
    for day in range(1, 13):
        services.customer_return_record(user=staff, customer=customer, date=datetime.date(2026, 5, day))
    page = signed_in(staff).get(f"/customers/{customer.pk}/").content.decode()
    assert page.count("<strong>12 May</strong>") == 1
    assert "<strong>1 May</strong>" not in page  # the 11th and 12th latest are on page 2
    assert "Page 1 of 2" in page
    assert "<strong>1 May</strong>" in signed_in(staff).get(f"/customers/{customer.pk}/?page=2").content.decode()


def test_a_bad_return_shows_the_error_beside_the_field_and_changes_nothing(staff, customer):
    response = signed_in(staff).post(f"/customers/{customer.pk}/returns/", {"date": "2026-07-01", "value": "5"})
    assert response.status_code == 400
    assert services.MSG_RETURN_DATE_FUTURE in response.content.decode()
    response = signed_in(staff).post(f"/customers/{customer.pk}/returns/", {"date": "", "value": "-1"})
    assert response.status_code == 400
    assert not CustomerReturn.objects.exists()


def test_another_teams_customer_page_is_a_404(staff, other_customer):
    assert signed_in(staff).post(f"/customers/{other_customer.pk}/returns/", {"date": "2026-06-10"}).status_code == 404
    assert signed_in(staff).get(f"/customers/{other_customer.pk}/returns/").status_code in (404, 405)
    assert not CustomerReturn.objects.exists()


# --- The API ----------------------------------------------------------------------------------


def test_the_api_records_a_return_and_lists_them(staff, customer):
    api = _api(staff)
    response = api.post(
        f"/api/customers/{customer.pk}/returns",
        {"date": "2026-06-15", "value": "25.50", "note": "Birthday dinner"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["date"], body["value"], body["note"], body["recorded_by"]) == (
        "2026-06-15",
        "25.50",
        "Birthday dinner",
        staff.pk,
    )
    assert (
        api.post(
            f"/api/customers/{customer.pk}/returns", {"date": "2026-06-16"}, content_type="application/json"
        ).json()["value"]
        is None
    )
    shown = api.get(f"/api/customers/{customer.pk}").json()
    assert shown["returns_count"] == 2
    assert [row["date"] for row in shown["returns"]] == ["2026-06-16", "2026-06-15"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"date": "2026-06-18"}, 400),  # the future
        ({"date": "2026-06-10", "value": "lots"}, 400),
        ({"date": "2026-06-10", "value": "-5"}, 400),
        ({"date": "15/06/2026"}, 422),
        ({"value": "5"}, 422),
        ({"date": "2026-02-30"}, 422),
    ],
)
def test_the_api_refuses_bad_input_in_words(staff, customer, payload, status):
    response = _api(staff).post(f"/api/customers/{customer.pk}/returns", payload, content_type="application/json")
    assert response.status_code == status
    assert response.json()["detail"]
    assert not CustomerReturn.objects.exists()


def test_the_api_answers_404_for_another_teams_customer(staff, other_customer):
    api = _api(staff)
    response = api.post(
        f"/api/customers/{other_customer.pk}/returns", {"date": "2026-06-10"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert api.get(f"/api/customers/{other_customer.pk}").status_code == 404
    assert not CustomerReturn.objects.exists()


def test_today_is_the_local_day(staff, customer):
    assert services.customer_return_record(user=staff, customer=customer, date=timezone.localdate()).date == TODAY
