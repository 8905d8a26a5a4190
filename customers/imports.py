"""Importing a team's customers from a CSV file (`manage.py import_customers`, the admin's
upload): the columns, what makes a row good, what makes it a customer already there, and
batches written through `customers_create_many`, so that an imported customer keeps
everything one made on the page keeps.

Columns: name (required), email, phone, company, referred_by_code, first_purchase_value,
notes, and optionally referral_code (the customer's own code, kept when free: it lets a
later row of the file name them as its referrer).

A row is already there when the team has a customer with the same email (in any case),
or, for a row without email, one without email with the same name, phone and company;
the same goes for an earlier row of the file. Such rows are counted, never duplicated,
so a second run of a file imports nothing new. A referred_by_code names a customer of
the team or a row earlier in the file.
"""

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from core import errors
from core.csv_import import ImportReport, Refusal, batches, csv_rows, text_refusals
from core.models import Role, Team, User

from .models import Customer
from .services import customers_create_many

COLUMNS = (
    "name",
    "email",
    "phone",
    "company",
    "referred_by_code",
    "first_purchase_value",
    "notes",
    "referral_code",
)
REQUIRED = ("name",)
BATCH_SIZE = 2_000

MSG_ADMINS_ONLY = "Only admins import customers."
MSG_NAME_REQUIRED = "A customer needs a name."
MSG_EMAIL = "Enter a valid email address, like ana@example.com."
MSG_AMOUNT = "Enter the amount as a number, like 25 or 25.50."
MSG_AMOUNT_NEGATIVE = "A purchase value cannot be negative."
MSG_AMOUNT_TOO_LARGE = "At most 9,999,999,999.99."
MSG_CODE_FORMAT = "A referral code is 4 to 8 letters and digits, like K7M2QX."
MSG_CODE_TAKEN = "The referral code {code} is already another customer's."
MSG_NO_REFERRER = (
    "No customer of this team has the referral code {code} "
    "(a referrer in this file must come before the customers they referred)."
)
MSG_REFERRER_REFUSED = "The customer with the referral code {code} (line {line}) was refused, so this row is too."
MSG_SELF_REFERRAL = errors.MSG_SELF_REFERRAL

_CODE = re.compile(r"[A-Z0-9]{4,8}")
_LIMITS = {
    "name": Customer._meta.get_field("name").max_length,
    "email": Customer._meta.get_field("email").max_length,
    "phone": Customer._meta.get_field("phone").max_length,
    "company": Customer._meta.get_field("company").max_length,
    "notes": None,
    "referred_by_code": None,
    "referral_code": None,
    "first_purchase_value": None,
}
_MAX_AMOUNT = Decimal("9999999999.99")
_FIELD_ORDER = [field.attname for field in Customer._meta.concrete_fields]


def _pk(customer: Customer) -> int:
    return customer.pk


def _amount(text: str) -> Decimal | None:
    """A purchase value as a spreadsheet writes it ("1,250.50", "$25") or ValueError(message)."""
    text = text.replace(settings.CURRENCY_SYMBOL, "").replace(",", "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(MSG_AMOUNT) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValueError(MSG_AMOUNT)
    if value < 0:
        raise ValueError(MSG_AMOUNT_NEGATIVE)
    if value > _MAX_AMOUNT:
        raise ValueError(MSG_AMOUNT_TOO_LARGE)
    return value.quantize(Decimal("0.01"))


class _Row:
    """One good row: the customer it makes, the codes it gives and names, its key."""

    __slots__ = ("code", "customer", "key", "line", "referrer_code")

    def __init__(self, line: int, row: dict, value: Decimal | None):
        self.line = line
        self.code = row["referral_code"].upper()
        self.referrer_code = row["referred_by_code"].upper()
        email = row["email"]
        self.key = ("email", email.lower()) if email else ("name", row["name"], row["phone"], row["company"])
        # By position, in the model's field order: a third of the time of keywords.
        self.customer = Customer(
            *[
                {
                    "name": row["name"],
                    "email": email,
                    "phone": row["phone"],
                    "company": row["company"],
                    "notes": row["notes"],
                    "first_purchase_value": value,
                    "referral_code": self.code,
                }.get(name)
                for name in _FIELD_ORDER
            ]
        )


def _checked(line: int, row: dict) -> tuple[_Row | None, list[Refusal]]:
    """The row's own rules, without the database: the fields one by one."""
    refused = text_refusals(line, row, _LIMITS)
    if not row["name"]:
        refused.append(Refusal(line, "name", MSG_NAME_REQUIRED))
    if row["email"] and not any(r.field == "email" for r in refused):
        try:
            validate_email(row["email"])
        except ValidationError:
            refused.append(Refusal(line, "email", MSG_EMAIL))
    value = None
    try:
        value = _amount(row["first_purchase_value"])
    except ValueError as error:
        refused.append(Refusal(line, "first_purchase_value", str(error)))
    for name in ("referral_code", "referred_by_code"):
        if row[name] and not _CODE.fullmatch(row[name].upper()):
            refused.append(Refusal(line, name, MSG_CODE_FORMAT))
    if refused:
        return None, refused
    return _Row(line, row, value), []


class _Import:
    """The state an import carries from batch to batch: the file's customers by key and
    by the codes the file gives, and the codes of refused rows."""

    def __init__(self, *, user: User | None, team: Team, dry_run: bool):
        self.user, self.team, self.dry_run = user, team, dry_run
        self.report = ImportReport()
        self.by_key: dict[tuple, Customer] = {}
        self.by_code: dict[str, Customer] = {}
        self.refused_codes: dict[str, int] = {}

    def _existing(self, rows: list[_Row]) -> dict[tuple, Customer]:
        """The team's customers that rows of this batch are (two queries at most)."""
        team_customers = Customer.objects.filter(team=self.team).only(
            "pk", "team", "name", "email", "phone", "company", "referral_code"
        )
        found: dict[tuple, Customer] = {}
        # Unordered in SQL, sorted here: an ORDER BY leads SQLite (no statistics) to walk the
        # team's customers in id order instead of looking the batch's keys up in the index.
        emails = sorted({row.key[1] for row in rows if row.key[0] == "email"})
        if emails:
            matching = team_customers.annotate(email_key=Lower("email")).filter(email_key__in=emails).order_by()
            for customer in sorted(matching, key=_pk):
                found.setdefault(("email", customer.email_key), customer)
        names = sorted({row.key[1] for row in rows if row.key[0] == "name"})
        if names:
            for customer in sorted(team_customers.filter(email="", name__in=names).order_by(), key=_pk):
                found.setdefault(("name", customer.name, customer.phone, customer.company), customer)
        return found

    def _referrer_refusals(self, row: _Row, referrers: dict[str, Customer]) -> list[Refusal]:
        """Set the row's referrer from its code: a row earlier in the file, else a
        customer of the team; or say why there is none."""
        code = row.referrer_code
        if not code:
            return []
        if code == row.code:
            return [Refusal(row.line, "referred_by_code", MSG_SELF_REFERRAL)]
        referrer = self.by_code.get(code) or referrers.get(code)
        if referrer is None and code in self.refused_codes:
            message = MSG_REFERRER_REFUSED.format(code=code, line=self.refused_codes[code])
            return [Refusal(row.line, "referred_by_code", message)]
        if referrer is None:
            return [Refusal(row.line, "referred_by_code", MSG_NO_REFERRER.format(code=code))]
        row.customer.referred_by = referrer
        return []

    def batch(self, rows: list[_Row]) -> None:
        """Decide every row of the batch in file order, then write the new customers."""
        existing = self._existing(rows)
        named = {row.referrer_code for row in rows if row.referrer_code} - set(self.by_code)
        referrers = {
            customer.referral_code: customer
            for customer in Customer.objects.filter(team=self.team, referral_code__in=sorted(named)).order_by()
        }
        given = {row.code for row in rows if row.code}
        taken = set(
            Customer.objects.filter(referral_code__in=sorted(given)).order_by().values_list("referral_code", flat=True)
        )
        new: list[Customer] = []
        for row in rows:
            there = self.by_key.get(row.key) or existing.get(row.key)
            if there is not None:
                self.report.already_there += 1
                if row.code:
                    self.by_code.setdefault(row.code, there)
                continue
            refused = self._referrer_refusals(row, referrers)
            if row.code and (row.code in taken or row.code in self.by_code):
                refused.append(Refusal(row.line, "referral_code", MSG_CODE_TAKEN.format(code=row.code)))
            if refused:
                self.report.refused.extend(refused)
                if row.code and row.code not in self.by_code:
                    self.refused_codes.setdefault(row.code, row.line)
                continue
            new.append(row.customer)
            self.by_key[row.key] = row.customer
            if row.code:
                self.by_code[row.code] = row.customer
            if len(self.report.sample) < ImportReport.SAMPLE_SIZE:
                self.report.sample.append(
                    {
                        "line": row.line,
                        "name": row.customer.name,
                        "email": row.customer.email,
                        "referred_by": row.customer.referred_by.name if row.customer.referred_by else "",
                    }
                )
        if new and not self.dry_run:
            customers_create_many(user=self.user, team=self.team, customers=new)
        self.report.imported += len(new)


def customers_import(
    *,
    user: User | None,
    team: Team,
    text: str,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the customers of a CSV file's text into `team`; `user` is the admin who
    imports (None for a command). With `dry_run`, decide every row exactly so and write
    nothing: the admin's preview.

    Each batch is one transaction that first locks the team (two imports of one team
    take turns, and the second sees the first's customers as already there), then
    writes its good rows through `customers_create_many`. A refused row is reported and
    nothing of it is saved; the rows around it still are. `progress(done, total)` is
    called after each batch. Raises ImportFileError when the file cannot be read.
    """
    if user is not None and user.role != Role.ADMIN:
        raise errors.NotAllowed(MSG_ADMINS_ONLY)
    rows = csv_rows(text, columns=COLUMNS, required=REQUIRED)
    state = _Import(user=user, team=team, dry_run=dry_run)
    state.report.rows = len(rows)
    done = 0
    for batch in batches(rows, batch_size):
        good = []
        for line, row in batch:
            checked, refused = _checked(line, row)
            if checked is None:
                state.report.refused.extend(refused)
                code = row["referral_code"].upper()
                if code:
                    state.refused_codes.setdefault(code, line)
            else:
                good.append(checked)
        if dry_run:
            state.batch(good)
        else:
            with transaction.atomic():
                # NO KEY UPDATE: acts and other rows that merely point at the team go on.
                Team.objects.select_for_update(no_key=True).filter(pk=team.pk).first()
                state.batch(good)
        done += len(batch)
        if progress is not None:
            progress(done, len(rows))
    state.report.refused.sort(key=lambda refusal: refusal.line)
    return state.report
