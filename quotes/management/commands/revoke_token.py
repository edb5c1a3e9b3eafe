"""Revoke a user's API token."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quotes import services


class Command(BaseCommand):
    help = (
        "Revoke the API token of a user; requests with it are refused from then on. "
        "Run create_curator again to issue a new one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Login name whose token to revoke.")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not services.token_revoke(username=username):
            if not get_user_model().objects.filter(username=username).exists():
                raise CommandError(f"No user is called {username!r}.")
            raise CommandError(f"{username!r} has no API token.")
        self.stdout.write(self.style.SUCCESS(f"Revoked the API token of {username!r}."))
