"""The admin's "Import from CSV": upload → preview → confirm, for customers and people."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import CsvImport, OutgoingMail, User
from customers import imports
from customers.models import Customer
from tests.factories import CustomerFactory
from tests.queries import page_queries

UPLOAD = reverse("admin:customers_customer_import")
PEOPLE_UPLOAD = reverse("admin:secondmile_user_import")


def customers_csv(*rows: str) -> bytes:
    return ("name,email,referred_by_code,referral_code\n" + "".join(r + "\n" for r in rows)).encode()


def upload(client, team, data: bytes, url=UPLOAD):
    return client.post(url, {"team": team.pk, "file": SimpleUploadedFile("list.csv", data, "text/csv")})


def test_upload_preview_confirm_imports_the_kept_file(client_for, admin_user, team):
    client = client_for(admin_user)
    assert "Import from CSV" in client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert client.get(UPLOAD).status_code == 200

    data = customers_csv("Ada,ada@example.com,,ADA001", "Ben,ben@example.com,ADA001,", "Bad,bad-mail,,")
    response = upload(client, team, data)
    kept = CsvImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:customers_customer_import_preview", kwargs={"pk": kept.pk})

    preview = client.get(response["Location"]).content.decode()
    assert f"line 4: email: {imports.MSG_EMAIL}" in preview
    assert "Import 2 customers" in preview
    assert not Customer.objects.exists()  # a preview writes nothing

    confirm = reverse("admin:customers_customer_import_confirm", kwargs={"pk": kept.pk})
    done = client.post(confirm).content.decode()
    assert "Imported 2 customers into Harbour; 0 already there. 1 row was refused" in done
    assert Customer.objects.get(name="Ben").referred_by == Customer.objects.get(name="Ada")
    kept.refresh_from_db()
    assert (kept.imported, kept.refused, kept.content) == (2, 1, "")

    # A second confirmation (a double click) imports nothing more.
    assert client.post(confirm).status_code == 404
    assert Customer.objects.count() == 2


def test_confirm_checks_every_row_again(client_for, admin_user, team):
    client = client_for(admin_user)
    upload(client, team, customers_csv("Ada,ada@example.com,,", "Ben,ben@example.com,,"))
    kept = CsvImport.objects.get()
    # Between the preview and the confirmation, Ada was added by someone else.
    CustomerFactory(team=team, name="Ada", email="ADA@example.com")
    client.post(reverse("admin:customers_customer_import_confirm", kwargs={"pk": kept.pk}))
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["Ada", "Ben"]


def test_an_unreadable_file_is_refused_beside_the_field(client_for, admin_user, team):
    response = upload(client_for(admin_user), team, b"email\nx@example.com\n")
    assert response.status_code == 400
    assert "The file has no name column" in response.content.decode()
    assert not CsvImport.objects.exists()


def test_only_the_uploader_sees_or_confirms_an_upload(client_for, admin_user, team):
    other_admin = User.objects.create_user(username="root", is_superuser=True, is_staff=True, team=team)
    upload(client_for(admin_user), team, customers_csv("Ada,,,"))
    kept = CsvImport.objects.get()
    client = client_for(other_admin)
    assert client.get(reverse("admin:customers_customer_import_preview", kwargs={"pk": kept.pk})).status_code == 404
    assert client.post(reverse("admin:customers_customer_import_confirm", kwargs={"pk": kept.pk})).status_code == 404
    assert not Customer.objects.exists()


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_only_admins_reach_the_import(request, client_for, team, role):
    user = request.getfixturevalue(role)
    user.is_staff = True  # even with the admin site open to them
    user.save()
    client = client_for(user)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, team, customers_csv("Ada,,,")).status_code == 403
    assert client.get(PEOPLE_UPLOAD).status_code == 403
    assert not CsvImport.objects.exists()


def test_anonymous_people_are_sent_to_log_in(client, team):
    assert client.get(UPLOAD).status_code == 302
    assert client.get(PEOPLE_UPLOAD).status_code == 302


def test_people_import_in_the_admin_mails_each_new_person(client_for, admin_user, team):
    client = client_for(admin_user)
    data = b"username,email,role\nnadia,nadia@example.com,staff\nines,ines@example.com,manager\n"
    response = upload(client, team, data, url=PEOPLE_UPLOAD)
    assert "Import 2 people" in client.get(response["Location"]).content.decode()
    kept = CsvImport.objects.get(kind=CsvImport.Kind.PEOPLE)
    client.post(reverse("admin:secondmile_user_import_confirm", kwargs={"pk": kept.pk}))
    assert set(User.objects.filter(team=team).values_list("username", flat=True)) >= {"nadia", "ines"}
    assert OutgoingMail.objects.filter(key__startswith="welcome:user:").count() == 2


def test_the_preview_takes_as_many_queries_for_many_rows_as_for_few(client_for, admin_user, team):
    client = client_for(admin_user)

    def preview_queries(rows: int) -> int:
        upload(client, team, customers_csv(*[f"P{rows}-{i},p{rows}-{i}@example.com,," for i in range(rows)]))
        kept = CsvImport.objects.latest("pk")
        return page_queries(client, reverse("admin:customers_customer_import_preview", kwargs={"pk": kept.pk}))

    assert preview_queries(3) == preview_queries(40)
