"""A body claiming more than a receipt can be is refused from its Content-Length, before
any of it is read, on both receipt paths, with the message the form gives."""

from unittest import mock

import pytest
from django.test import Client

from acts.models import Status
from core import errors
from core.tokens import api_token_create
from tests.factories import log_act

FIFTY_MB = str(50 * 1024 * 1024)
TINY_MULTIPART = b'--x\r\nContent-Disposition: form-data; name="actual_cost"\r\n\r\n10.00\r\n--x--\r\n'


def _claiming_fifty_mb(client, url, **extra):
    """POST a tiny multipart body whose Content-Length says 50 MB; fail if it is read."""
    with mock.patch("django.core.handlers.wsgi.LimitedStream.read", side_effect=AssertionError("body read")):
        return client.generic(
            "POST",
            url,
            TINY_MULTIPART,
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=FIFTY_MB,
            **extra,
        )


@pytest.fixture
def approved_act(staff):
    act = log_act(staff, cost="10")
    assert act.status == Status.APPROVED
    return act


def test_the_page_refuses_it_with_the_receipt_message(client_for, staff, approved_act):
    client = client_for(staff)
    response = _claiming_fifty_mb(client, f"/acts/{approved_act.pk}/deliver/")
    assert response.status_code == 302
    assert response["Location"] == f"/acts/{approved_act.pk}/"
    assert errors.MSG_RECEIPT_TOO_LARGE in client.get(response["Location"]).content.decode()
    approved_act.refresh_from_db()
    assert approved_act.status == Status.APPROVED
    assert approved_act.actual_cost is None


def test_the_api_refuses_it_with_the_receipt_message(staff, approved_act):
    client = Client(raise_request_exception=False)
    token = api_token_create(user=staff)[1]
    response = _claiming_fifty_mb(client, f"/api/acts/{approved_act.pk}/deliver", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 413
    assert response.json() == {"detail": errors.MSG_RECEIPT_TOO_LARGE, "field": "receipt"}
    approved_act.refresh_from_db()
    assert approved_act.status == Status.APPROVED


def test_any_other_page_refuses_it_too(client_for, staff):
    response = _claiming_fifty_mb(client_for(staff), "/customers/new/")
    assert response.status_code == 413
    assert errors.MSG_REQUEST_TOO_LARGE in response.content.decode()


def test_a_receipt_within_the_cap_still_goes_through(client_for, staff, approved_act):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.pdf", b"%PDF-1.4 " + b"x" * (2 * 1024 * 1024), content_type="application/pdf")
    client_for(staff).post(f"/acts/{approved_act.pk}/deliver/", {"actual_cost": "10.00", "receipt": upload})
    approved_act.refresh_from_db()
    assert approved_act.status == Status.DELIVERED
    assert approved_act.receipt
