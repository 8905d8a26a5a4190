"""Importing a team's people from a CSV file (`manage.py import_people`, the admin's
upload), each made through `member_create` and mailed a link to set their password.

Columns: username and email (required), first_name, last_name, role (staff, manager or
admin; staff when empty). A person is already there when their username (in any case)
is one of the team's people, or an earlier row's: counted, never made twice, and never
mailed again. A username held by someone outside the team is refused.

The mail goes through the queue (core.mail) once the batch commits; its link is Django's
password-reset token (`/accounts/password/set/<uid>/<token>/`), which works once and
for PASSWORD_RESET_TIMEOUT (3 days by default).
"""

import contextlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import errors
from .csv_import import ImportReport, Refusal, batches, csv_rows, text_refusals
from .mail import mail_queue
from .models import Role, Team, User
from .services import member_create

COLUMNS = ("username", "email", "first_name", "last_name", "role")
REQUIRED = ("username", "email")
BATCH_SIZE = 200

MSG_ADMINS_ONLY = "Only admins import people."
MSG_USERNAME_REQUIRED = "A person needs a username."
MSG_USERNAME_FORMAT = "Letters, digits and @ . + - _ only, like ana.silva."
MSG_USERNAME_TAKEN = "The username {username} belongs to someone outside this team."
MSG_EMAIL_REQUIRED = "A person needs an email address: the link to set their password goes there."
MSG_EMAIL = "Enter a valid email address, like ana@example.com."
MSG_ROLE = "The role is staff, manager or admin."

_LIMITS = {
    "username": User._meta.get_field("username").max_length,
    "email": User._meta.get_field("email").max_length,
    "first_name": User._meta.get_field("first_name").max_length,
    "last_name": User._meta.get_field("last_name").max_length,
    "role": None,
}

WELCOME_SUBJECT = "Welcome to Second Mile: set your password"
WELCOME_BODY = """Hello {name},

{team} uses Second Mile to log, fund and learn from the extra its people do for
customers. An account has been made for you: your username is {username}.

Set your password here (the link works once, for {days} days):
{link}

Then log in at {login}. If the link has run out, ask an admin of {team} for a new one.
"""


def password_set_link(user: User) -> str:
    """The absolute link where `user` sets their password: Django's reset token."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_set", kwargs={"uidb64": uid, "token": token})


def welcome_mail_queue(*, user: User) -> None:
    """Queue the mail that lets a new person set their password (once per person)."""
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86_400)
    mail_queue(
        key=f"welcome:user:{user.pk}",
        to=user.email,
        subject_text=WELCOME_SUBJECT,
        body=WELCOME_BODY.format(
            name=user.first_name or user.username,
            team=user.team.name,
            username=user.username,
            days=days,
            link=password_set_link(user),
            login=settings.SITE_URL + reverse("login"),
        ),
    )


def _checked(line: int, row: dict) -> list[Refusal]:
    refused = text_refusals(line, row, _LIMITS)
    fields_refused = {refusal.field for refusal in refused}
    if not row["username"]:
        refused.append(Refusal(line, "username", MSG_USERNAME_REQUIRED))
    elif "username" not in fields_refused:
        try:
            User.username_validator(row["username"])
        except ValidationError:
            refused.append(Refusal(line, "username", MSG_USERNAME_FORMAT))
    if not row["email"]:
        refused.append(Refusal(line, "email", MSG_EMAIL_REQUIRED))
    elif "email" not in fields_refused:
        try:
            validate_email(row["email"])
        except ValidationError:
            refused.append(Refusal(line, "email", MSG_EMAIL))
    if row["role"].lower() not in ("", *Role.values):
        refused.append(Refusal(line, "role", MSG_ROLE))
    return refused


def _holders(usernames: list[str]) -> dict[str, int | None]:
    """Each username (lower case) already held, with the holder's team id."""
    return dict(User.objects.annotate(key=Lower("username")).filter(key__in=usernames).values_list("key", "team_id"))


def people_import(
    *,
    user: User | None,
    team: Team,
    text: str,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the people of a CSV file's text into `team`, each with their role and a
    queued mail to set their password; `user` is the admin who imports (None for a
    command). With `dry_run`, decide every row and write nothing (the admin's preview).

    Each batch is one transaction that locks the team first, re-reads which usernames
    are held, then makes each new person (a username taken in the same instant by
    someone else is refused, not an error). Raises ImportFileError when the file cannot
    be read.
    """
    if user is not None and user.role != Role.ADMIN:
        raise errors.NotAllowed(MSG_ADMINS_ONLY)
    rows = csv_rows(text, columns=COLUMNS, required=REQUIRED)
    report = ImportReport(rows=len(rows))
    in_file: set[str] = set()
    done = 0
    for batch in batches(rows, batch_size):
        # A preview reads only: no transaction (on SQLite one would take the write lock).
        with contextlib.nullcontext() if dry_run else transaction.atomic():
            if not dry_run:
                Team.objects.select_for_update(no_key=True).filter(pk=team.pk).first()
            held = _holders(sorted({row["username"].lower() for _, row in batch}))
            for line, row in batch:
                refused = _checked(line, row)
                key = row["username"].lower()
                if not refused and (key in in_file or held.get(key, -1) == team.pk):
                    report.already_there += 1
                    continue
                taken = Refusal(line, "username", MSG_USERNAME_TAKEN.format(username=row["username"]))
                if not refused and key in held:
                    refused.append(taken)
                if refused:
                    report.refused.extend(refused)
                    continue
                in_file.add(key)
                if not dry_run and not _create(by=user, team=team, row=row):
                    report.refused.append(taken)
                    continue
                report.imported += 1
                if len(report.sample) < ImportReport.SAMPLE_SIZE:
                    report.sample.append(
                        {"line": line, "name": row["username"], "email": row["email"], "role": row["role"] or "staff"}
                    )
        done += len(batch)
        if progress is not None:
            progress(done, len(rows))
    report.refused.sort(key=lambda refusal: refusal.line)
    return report


def _create(*, by: User | None, team: Team, row: dict) -> bool:
    """Make one person and queue their mail; False when the username was taken meanwhile."""
    try:
        with transaction.atomic():
            person = member_create(
                username=row["username"],
                team=team,
                role=row["role"].lower() or Role.STAFF,
                email=row["email"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                by=by,
            )
    except IntegrityError:
        return False
    welcome_mail_queue(user=person)
    return True
