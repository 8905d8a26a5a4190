"""Loads the demo: two teams, their people, customers with referral chains, acts, stories
and scores (secondmile/demo/data.py, through secondmile/demo/loader.py).

Idempotent: a second run finds the demo team and only resets the demo passwords.
Refuses to run with DEBUG off unless --force, so it never lands in production by mistake.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from secondmile.demo import data, loader

SILENT_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


class Command(BaseCommand):
    help = "Load demo data (two teams, people, customers, acts). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo loads demo people with a known password; it refuses to run with "
                "DEBUG off. Use --force if you really mean it."
            )
        # Demo requests and decisions would mail their demo people (example.com
        # addresses, or the console): the seed sends nothing. The override is the outer
        # block because the mails go out when the transaction commits.
        with override_settings(MAILERS=SILENT_MAIL), transaction.atomic():
            loaded = loader.load()
        self.stdout.write("Loaded demo customers and acts." if loaded else "Demo data already there; kept it.")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {data.PASSWORD}):"))
        for username, first, last, role, team in data.PEOPLE:
            self.stdout.write(f"  {username:<14} {role.label:<8} {team}  ({first} {last})")
