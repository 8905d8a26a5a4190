"""Prints a new personal API token for a user: `python manage.py api_token USERNAME`."""

from django.core.management.base import BaseCommand, CommandError

from core.models import User
from core.tokens import api_token_create


class Command(BaseCommand):
    help = "Make a new API token for USERNAME and print it (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        _row, token = api_token_create(user=user, name=name)
        self.stdout.write(token)
