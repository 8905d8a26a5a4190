"""Importing people from CSV: roles, duplicates, the set-your-password mail, the command."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core import people_import
from core.models import AuditEvent, OutgoingMail, Role, User
from core.people_import import people_import as import_people

HEADER = "username,email,first_name,last_name,role\n"


def csv(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def test_new_people_get_their_role_and_a_mail_to_set_their_password(team, admin_user, client):
    text = csv("nadia,nadia@example.com,Nadia,Okafor,", "ines,ines@example.com,Inès,Moreau,Manager")
    report = import_people(user=admin_user, team=team, text=text)

    assert (report.imported, report.already_there, report.refused) == (2, 0, [])
    nadia, ines = User.objects.get(username="nadia"), User.objects.get(username="ines")
    assert (nadia.team, nadia.role, nadia.first_name, nadia.has_usable_password()) == (team, Role.STAFF, "Nadia", False)
    assert ines.role == Role.MANAGER
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED, actor=admin_user).count() == 2
    mail = OutgoingMail.objects.get(key=f"welcome:user:{nadia.pk}")
    assert (mail.to, mail.subject) == ("nadia@example.com", people_import.WELCOME_SUBJECT)
    assert "your username is nadia" in mail.body

    # The link sets the password once, and then Nadia can log in.
    link = re.search(r"https?://\S+/accounts/password/set/\S+", mail.body).group(0)
    form_page = client.get(urlsplit(link).path, follow=True)
    assert "Set your password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-password-42", "new_password2": "a-long-new-password-42"},
        follow=True,
    )
    assert "Your password is set" in done.content.decode()
    nadia.refresh_from_db()
    assert nadia.check_password("a-long-new-password-42")
    again = client.get(form_page.redirect_chain[-1][0])
    assert "has been used or has run out" in again.content.decode()


def test_bad_rows_are_refused_by_line_and_duplicates_skipped(team, other_team, staff, other_staff):
    text = csv(
        f"{staff.username},{staff.email},,,",  # already in the team
        f"{other_staff.username.upper()},x@example.com,,,",  # someone of another team
        ",nobody@example.com,,,",
        "bad name!,bad@example.com,,,",
        "nomail,,,,",
        "wrongrole,w@example.com,,,owner",
        "felix,felix@example.com,Felix,,",
        "Felix,felix2@example.com,,,",  # the same username again, in another case
    )
    report = import_people(user=None, team=team, text=text)

    assert [str(r) for r in report.refused] == [
        f"line 3: username: {people_import.MSG_USERNAME_TAKEN.format(username=other_staff.username.upper())}",
        f"line 4: username: {people_import.MSG_USERNAME_REQUIRED}",
        f"line 5: username: {people_import.MSG_USERNAME_FORMAT}",
        f"line 6: email: {people_import.MSG_EMAIL_REQUIRED}",
        f"line 7: role: {people_import.MSG_ROLE}",
    ]
    assert (report.imported, report.already_there) == (1, 2)
    assert set(User.objects.filter(team=team).values_list("username", flat=True)) == {staff.username, "felix"}
    assert OutgoingMail.objects.count() == 1

    second = import_people(user=None, team=team, text=text)
    assert (second.imported, second.already_there) == (0, 3)
    assert OutgoingMail.objects.count() == 1


def test_only_admins_import_people(team, manager):
    with pytest.raises(people_import.errors.NotAllowed):
        import_people(user=manager, team=team, text=csv("x,x@example.com,,,"))
    assert not User.objects.filter(username="x").exists()


def test_command_exit_codes(team, tmp_path, capsys, settings):
    sample = settings.BASE_DIR / "docs" / "sample-people.csv"
    call_command("import_people", str(sample), "--team", "Harbour")
    assert "Imported 3 people into Harbour" in capsys.readouterr().out
    assert OutgoingMail.objects.count() == 3

    bad = tmp_path / "people.csv"
    bad.write_text(csv("nadia,nadia.okafor@example.com,,,", "zed,zed@,,,"))
    with pytest.raises(CommandError) as failed:
        call_command("import_people", str(bad), "--team", "Harbour")
    assert failed.value.returncode == 2
    captured = capsys.readouterr()
    assert f"line 3: email: {people_import.MSG_EMAIL}" in captured.err
    assert "Imported 0 people into Harbour; 1 already there; 1 row refused" in captured.out
