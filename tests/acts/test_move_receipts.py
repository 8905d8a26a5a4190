"""manage.py move_receipts: receipts uploaded to one server's disk move to object storage
and stay downloadable; running it again changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from acts.models import Act
from tests.factories import log_act

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% the taxi's receipt\n"


@pytest.fixture
def local_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _deliver_with_receipt(client, act, content=PDF):
    upload = SimpleUploadedFile("taxi.pdf", content, content_type="application/pdf")
    assert client.post(f"/acts/{act.pk}/deliver/", {"actual_cost": "30.00", "receipt": upload}).status_code == 302
    return Act.objects.get(pk=act.pk)


def _switch_to(object_store, settings):
    bucket = object_store.bucket_new()
    settings.STORAGES = {**settings.STORAGES, "default": object_store.storage(bucket)}
    return bucket


def _move(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("move_receipts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _download(client, act):
    response = client.get(f"/acts/{act.pk}/receipt/")
    return response.status_code, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_a_receipt_uploaded_before_the_switch_is_downloadable_after_the_move(
    local_media, object_store, settings, client_for, staff, manager
):
    act = _deliver_with_receipt(client_for(staff), log_act(staff, cost="30.00"))
    assert _download(client_for(manager), act) == (200, PDF)
    local_file = local_media / act.receipt.name
    assert local_file.read_bytes() == PDF

    bucket = _switch_to(object_store, settings)
    # Switched but not moved: the receipt is not in the bucket yet, and the page says so plainly.
    assert _download(client_for(manager), act) == (404, b"")

    out, err = _move()

    assert "Moved 1 receipts, 0 were there already (1 in all)." in out
    assert "[##############################] 1/1" in err
    assert object_store.keys(bucket) == [act.receipt.name]
    assert not local_file.exists()
    assert Act.objects.get(pk=act.pk).receipt.name == act.receipt.name
    assert _download(client_for(manager), act) == (200, PDF)


def test_moving_again_changes_nothing(local_media, object_store, settings, client_for, staff):
    acts = [_deliver_with_receipt(client_for(staff), log_act(staff, cost="30.00"), PDF + bytes([n])) for n in range(3)]
    bucket = _switch_to(object_store, settings)
    _move()

    out, _ = _move()

    assert "Moved 0 receipts, 3 were there already (3 in all)." in out
    assert sorted(object_store.keys(bucket)) == sorted(act.receipt.name for act in acts)
    for n, act in enumerate(acts):
        assert _download(client_for(staff), act) == (200, PDF + bytes([n]))


def test_keep_local_leaves_the_local_copies_and_a_later_move_finishes(
    local_media, object_store, settings, client_for, staff
):
    act = _deliver_with_receipt(client_for(staff), log_act(staff, cost="30.00"))
    bucket = _switch_to(object_store, settings)

    out, _ = _move("--keep-local")
    assert "Moved 1 receipts" in out
    assert (local_media / act.receipt.name).exists()

    out, _ = _move()
    assert "Moved 0 receipts, 1 were there already (1 in all)." in out
    assert not (local_media / act.receipt.name).exists()
    assert object_store.read(bucket, act.receipt.name) == PDF


def test_a_receipt_in_neither_place_is_reported_and_the_others_still_move(
    local_media, object_store, settings, client_for, staff
):
    lost = _deliver_with_receipt(client_for(staff), log_act(staff, cost="30.00"))
    kept = _deliver_with_receipt(client_for(staff), log_act(staff, cost="30.00"))
    (local_media / lost.receipt.name).unlink()
    bucket = _switch_to(object_store, settings)

    with pytest.raises(CommandError, match="1 receipts could not be moved"):
        _move()

    assert object_store.keys(bucket) == [kept.receipt.name]


def test_a_different_file_under_the_same_name_is_left_alone(local_media, object_store, settings, client_for, staff):
    act = _deliver_with_receipt(client_for(staff), log_act(staff, cost="30.00"))
    bucket = _switch_to(object_store, settings)
    object_store.client.put_object(Bucket=bucket, Key=act.receipt.name, Body=b"%PDF-1.4 another file")
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 receipts could not be moved"):
        call_command("move_receipts", stdout=io.StringIO(), stderr=err)

    assert f"act {act.pk}: {act.receipt.name} differs between the two storages; both copies kept" in err.getvalue()
    assert (local_media / act.receipt.name).read_bytes() == PDF
    assert object_store.read(bucket, act.receipt.name) == b"%PDF-1.4 another file"


def test_with_no_object_storage_configured_it_refuses_to_move_receipts_onto_themselves(local_media, staff):
    with pytest.raises(CommandError, match="Set AWS_STORAGE_BUCKET_NAME"):
        _move()


def test_without_receipts_there_is_nothing_to_move(local_media, object_store, settings):
    _switch_to(object_store, settings)
    out, err = _move()
    assert out.strip() == "No act has a receipt: nothing to move."
    assert err == ""
