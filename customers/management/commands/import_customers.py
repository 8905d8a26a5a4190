"""manage.py import_customers FILE --team "<team name>": a team's customers from a CSV file."""

from django.core.management.base import CommandError
from django.db import IntegrityError

from core.import_command import ImportCommand
from customers.imports import COLUMNS, customers_import


class Command(ImportCommand):
    help = (
        f"Import a team's customers from a CSV file with the columns {', '.join(COLUMNS)} (only name is "
        "required). Customers already there (same email, or same name, phone and company without email) "
        "are skipped, so a second run imports nothing new. Exit 2 when a row was refused."
    )
    noun = "customers"

    def run_import(self, *, team, text, dry_run, progress):
        try:
            return customers_import(user=None, team=team, text=text, dry_run=dry_run, progress=progress)
        except IntegrityError:
            # A referral code drawn here was taken by another write in the same instant.
            raise CommandError(
                "Another write took a referral code at the same moment. Run the import again: "
                "the customers already imported are skipped."
            ) from None
