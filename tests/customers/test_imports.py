"""Importing customers from CSV: the service (customers_import) and the command."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.csv_import import MSG_MISSING_COLUMNS, ImportFileError
from core.errors import NotAllowed
from core.models import AuditEvent, ReferralDay
from customers import imports, referral_days
from customers.imports import customers_import
from customers.models import Customer, TeamCustomerCount
from tests.factories import CustomerFactory

HEADER = "name,email,phone,company,referred_by_code,first_purchase_value,notes,referral_code\n"


def csv(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def fifty_rows() -> str:
    rows = ["Root One,root@example.com,,,,,,ROOT01"]
    for i in range(1, 50):
        referrer = "ROOT01" if i % 5 == 0 else ""
        value = "12.50" if referrer else ""
        rows.append(f"Person {i},person{i}@example.com,+1 555 {i:04d},Co {i % 3},{referrer},{value},note {i},")
    return csv(*rows)


def assert_summaries_exact(team):
    """What the services keep equals what a recount from the customers gives."""
    assert TeamCustomerCount.objects.get(team=team).customers == Customer.objects.filter(team=team).count()

    def days():
        rows = ReferralDay.objects.filter(team=team)
        return sorted(rows.values_list("date", "referred_customers_count", "referral_revenue"))

    kept = days()
    referral_days.rebuild()
    assert kept == days()


def test_good_rows_are_imported_with_everything_a_customer_keeps(team):
    report = customers_import(user=None, team=team, text=fifty_rows(), batch_size=7)

    assert (report.rows, report.imported, report.already_there, report.refused) == (50, 50, 0, [])
    assert Customer.objects.filter(team=team).count() == 50
    root = Customer.objects.get(referral_code="ROOT01")
    referred = Customer.objects.filter(referred_by=root)
    assert referred.count() == 9
    assert {c.first_purchase_value for c in referred} == {Decimal("12.50")}
    person = Customer.objects.get(email="person7@example.com")
    assert (person.phone, person.company, person.notes) == ("+1 555 0007", "Co 1", "note 7")
    codes = list(Customer.objects.values_list("referral_code", flat=True))
    assert len(set(codes)) == 50
    assert all(codes)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFERRAL_SET).count() == 9
    assert ReferralDay.objects.get(team=team).referred_customers_count == 9
    assert ReferralDay.objects.get(team=team).referral_revenue == Decimal("112.50")
    assert_summaries_exact(team)


def test_bad_rows_are_reported_by_line_and_nothing_of_them_is_saved(team):
    text = csv(
        "Good One,good1@example.com,,,,,,",
        ",nobody@example.com,,,,,,",  # line 3: no name
        "Bad Mail,not-an-email,,,,,,",  # line 4
        "Negative,,,,,-5,,",  # line 5
        "Letters,,,,,abc,,",  # line 6
        'Quoted,,,,,,"a note\non two lines",',  # lines 7-8
        "Unknown Code,,,,NOPE99,,,",  # line 9
        "Good Two,good2@example.com,,,,,,",
    )
    report = customers_import(user=None, team=team, text=text)

    assert [str(r) for r in report.refused] == [
        f"line 3: name: {imports.MSG_NAME_REQUIRED}",
        f"line 4: email: {imports.MSG_EMAIL}",
        f"line 5: first_purchase_value: {imports.MSG_AMOUNT_NEGATIVE}",
        f"line 6: first_purchase_value: {imports.MSG_AMOUNT}",
        f"line 9: referred_by_code: {imports.MSG_NO_REFERRER.format(code='NOPE99')}",
    ]
    assert report.imported == 3
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["Good One", "Good Two", "Quoted"]
    assert Customer.objects.get(name="Quoted").notes == "a note\non two lines"
    assert_summaries_exact(team)


def test_a_row_with_two_faults_names_both(team):
    report = customers_import(user=None, team=team, text=csv(",bad,,,,x,,"))
    assert {r.field for r in report.refused} == {"name", "email", "first_purchase_value"}
    assert report.refused_rows == 1


def test_duplicates_are_not_duplicated_and_a_second_run_imports_nothing(team, other_team):
    CustomerFactory(team=team, name="Elena", email="Elena@Example.com")
    CustomerFactory(team=other_team, name="Walter", email="walter@example.com")
    text = csv(
        "Elena P.,elena@example.com,,,,,,",  # the team's customer, email in another case
        "Walter,walter@example.com,,,,,,",  # another team's: new here
        "No Mail,,+1 555 0100,Acme,,,,",
        "No Mail,,+1 555 0100,Acme,,,,",  # the same row again in the file
        "Twice,twice@example.com,,,,,,",
        "Twice again,TWICE@example.com,,,,,,",
    )
    first = customers_import(user=None, team=team, text=text)
    assert (first.imported, first.already_there, first.refused) == (3, 3, [])
    assert Customer.objects.filter(team=team).count() == 4

    second = customers_import(user=None, team=team, text=text)
    assert (second.imported, second.already_there, second.refused) == (0, 6, [])
    assert Customer.objects.filter(team=team).count() == 4
    assert_summaries_exact(team)


def test_referral_codes_point_to_rows_earlier_in_the_file_across_batches(team):
    existing = CustomerFactory(team=team, name="Old Friend")
    text = csv(
        "Ada,ada@example.com,,,,,,ADA001",
        f"Ben,ben@example.com,,,{existing.referral_code},20,,BEN001",
        "Cy,cy@example.com,,,ADA001,30,,",
        "Di,di@example.com,,,BEN001,,,",
        "Early,early@example.com,,,LATE01,,,",  # its referrer comes later: refused
        "Late,late@example.com,,,,,,LATE01",
        "Self,self@example.com,,,SELF01,,,SELF01",
    )
    report = customers_import(user=None, team=team, text=text, batch_size=2)

    assert [(r.line, r.field) for r in report.refused] == [(6, "referred_by_code"), (8, "referred_by_code")]
    assert report.refused[1].message == imports.MSG_SELF_REFERRAL
    ada, ben = Customer.objects.get(name="Ada"), Customer.objects.get(name="Ben")
    assert ben.referred_by == existing
    assert ben.referral_code == "BEN001"
    assert Customer.objects.get(name="Cy").referred_by == ada
    assert Customer.objects.get(name="Di").referred_by == ben
    assert Customer.objects.get(name="Late").referred_by is None
    assert_summaries_exact(team)


def test_a_refused_referrer_takes_its_referrals_with_it_and_codes_stay_unique(team, other_team):
    taken = CustomerFactory(team=other_team, name="Elsewhere")
    text = csv(
        "Bad,bad-email,,,,,,BAD001",
        "Follows,,,,BAD001,,,",
        f"Steals,,,,,,,{taken.referral_code}",
        "Odd Code,,,,,,,a!",
    )
    report = customers_import(user=None, team=team, text=text)
    assert [str(r) for r in report.refused] == [
        f"line 2: email: {imports.MSG_EMAIL}",
        f"line 3: referred_by_code: {imports.MSG_REFERRER_REFUSED.format(code='BAD001', line=2)}",
        f"line 4: referral_code: {imports.MSG_CODE_TAKEN.format(code=taken.referral_code)}",
        f"line 5: referral_code: {imports.MSG_CODE_FORMAT}",
    ]
    assert not Customer.objects.filter(team=team).exists()


def test_a_dry_run_decides_the_same_and_writes_nothing(team):
    report = customers_import(user=None, team=team, text=fifty_rows(), dry_run=True, batch_size=7)
    assert (report.imported, report.refused) == (50, [])
    assert report.sample[0] == {"line": 2, "name": "Root One", "email": "root@example.com", "referred_by": ""}
    assert not Customer.objects.exists()
    assert not TeamCustomerCount.objects.filter(team=team, customers__gt=0).exists()


def test_the_import_runs_a_number_of_queries_per_batch_not_per_row(team):
    def queries(text):
        with CaptureQueriesContext(connection) as captured:
            customers_import(user=None, team=team, text=text)
        return len(captured)

    few = queries(csv(*[f"A{i},a{i}@example.com,,,,,," for i in range(5)]))
    many = queries(csv(*[f"B{i},b{i}@example.com,,,,,," for i in range(45)]))
    assert many == few


def test_only_admins_import_and_an_unreadable_file_is_refused_whole(team, manager, admin_user):
    with pytest.raises(NotAllowed):
        customers_import(user=manager, team=team, text=fifty_rows())
    with pytest.raises(ImportFileError) as refused:
        customers_import(user=admin_user, team=team, text="email,phone\nx@example.com,1\n")
    assert refused.value.message == MSG_MISSING_COLUMNS.format(missing="name", columns=", ".join(imports.COLUMNS))
    assert not Customer.objects.exists()


# --- The command ----------------------------------------------------------------------


def test_command_exits_0_when_every_row_was_imported_or_there(team, tmp_path, capsys):
    path = tmp_path / "customers.csv"
    path.write_text(fifty_rows(), encoding="utf-8")
    call_command("import_customers", str(path), "--team", "harbour")
    assert "Imported 50 customers into Harbour; 0 already there" in capsys.readouterr().out
    call_command("import_customers", str(path), "--team", "Harbour")
    assert "Imported 0 customers into Harbour; 50 already there" in capsys.readouterr().out
    assert Customer.objects.count() == 50


def test_command_exits_2_and_lists_each_refused_row(team, tmp_path, capsys):
    path = tmp_path / "customers.csv"
    path.write_bytes(("\ufeff" + csv("Fine,fine@example.com,,,,,,", "Broken,broken,,,,,,")).encode())
    with pytest.raises(CommandError) as failed:
        call_command("import_customers", str(path), "--team", "Harbour")
    assert failed.value.returncode == 2
    captured = capsys.readouterr()
    assert f"line 3: email: {imports.MSG_EMAIL}" in captured.err
    assert "Imported 1 customers" in captured.out
    assert list(Customer.objects.values_list("name", flat=True)) == ["Fine"]


def test_command_refuses_an_unknown_team_or_an_unusable_file(team, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(b"name\n\xff\xfe broken\n")
    with pytest.raises(CommandError, match="not UTF-8") as failed:
        call_command("import_customers", str(path), "--team", "Harbour")
    assert failed.value.returncode == 1
    with pytest.raises(CommandError, match="no team called"):
        call_command("import_customers", str(path), "--team", "Nowhere")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_customers", str(tmp_path / "missing.csv"), "--team", "Harbour")


def test_the_sample_file_in_docs_imports(team, settings):
    report = customers_import(
        user=None, team=team, text=(settings.BASE_DIR / "docs" / "sample-customers.csv").read_text()
    )
    assert report.ok
    assert report.imported == 5
    assert Customer.objects.get(name="Bram de Vries").referred_by.name == "Aiko Tanaka"
