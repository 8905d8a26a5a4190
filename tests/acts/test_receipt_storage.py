"""Receipts on object storage (an S3-compatible server, moto): uploaded through the page,
kept private in the bucket, served only through the app's team check."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from acts.models import Act
from tests.factories import log_act

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% the florist's receipt\n"


def _deliver_with_receipt(client, act, content=PDF, name="till.pdf"):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(f"/acts/{act.pk}/deliver/", {"actual_cost": "40.00", "receipt": upload})


def test_a_receipt_goes_to_the_bucket_and_is_served_after_the_team_check(
    object_store, receipts_bucket, client_for, staff, manager, other_staff
):
    act = log_act(staff, cost="40.00")

    assert _deliver_with_receipt(client_for(staff), act).status_code == 302

    act = Act.objects.get(pk=act.pk)
    assert act.status == "delivered"
    assert object_store.keys(receipts_bucket) == [act.receipt.name]
    assert act.receipt.name.startswith("receipts/")
    assert act.receipt.name.endswith(".pdf")
    assert object_store.read(receipts_bucket, act.receipt.name) == PDF
    # Private: the object's plain URL is refused to anyone without the bucket's keys.
    assert object_store.anonymous_status(receipts_bucket, act.receipt.name) == 403

    response = client_for(manager).get(f"/acts/{act.pk}/receipt/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert client_for(other_staff).get(f"/acts/{act.pk}/receipt/").status_code == 404


def test_the_stored_name_follows_the_content_not_the_upload(receipts_bucket, client_for, staff):
    act = log_act(staff, cost="40.00")
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16

    _deliver_with_receipt(client_for(staff), act, content=png, name="receipt.html")

    act = Act.objects.get(pk=act.pk)
    assert act.receipt.name.endswith(".png")
    response = client_for(staff).get(f"/acts/{act.pk}/receipt/")
    assert response["Content-Type"] == "image/png"


def test_two_receipts_uploaded_under_one_name_never_share_an_object(
    object_store, receipts_bucket, client_for, staff, other_staff
):
    ours = log_act(staff, cost="40.00")
    theirs = log_act(other_staff, cost="40.00")

    _deliver_with_receipt(client_for(staff), ours, content=PDF + b"ours")
    _deliver_with_receipt(client_for(other_staff), theirs, content=PDF + b"theirs")

    ours, theirs = Act.objects.get(pk=ours.pk), Act.objects.get(pk=theirs.pk)
    assert ours.receipt.name != theirs.receipt.name
    assert sorted(object_store.keys(receipts_bucket)) == sorted([ours.receipt.name, theirs.receipt.name])
    assert b"".join(client_for(staff).get(f"/acts/{ours.pk}/receipt/").streaming_content).endswith(b"ours")
    assert b"".join(client_for(other_staff).get(f"/acts/{theirs.pk}/receipt/").streaming_content).endswith(b"theirs")


def test_a_receipt_missing_from_the_storage_answers_404_not_500(
    object_store, receipts_bucket, client_for, staff, caplog
):
    act = log_act(staff, cost="40.00")
    _deliver_with_receipt(client_for(staff), act)
    act = Act.objects.get(pk=act.pk)
    object_store.client.delete_object(Bucket=receipts_bucket, Key=act.receipt.name)

    response = client_for(staff).get(f"/acts/{act.pk}/receipt/")

    assert response.status_code == 404
    assert f"Receipt {act.receipt.name} of act {act.pk} is missing from the storage" in caplog.text
