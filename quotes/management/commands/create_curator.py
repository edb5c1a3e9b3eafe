"""Create a curator login, or reset the password of an existing one."""

import getpass
import os
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quotes import services


class Command(BaseCommand):
    help = (
        "Create a curator (staff, in the Curators group) or update an existing one. "
        "The password comes from CURATOR_PASSWORD, or from a prompt on a terminal. "
        "Prints the curator's new API token on the last line (a curator who already has "
        "one keeps it: it was shown once, when issued; revoke_token, then run this again, "
        "for a new one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Login name of the curator.")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        username = username.strip()
        if not username:
            raise CommandError("The curator's name must not be empty.")
        password = self.read_password()
        try:
            _, created, token = services.curator_save(username=username, password=password)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} curator {username!r}."))
        if token is None:
            self.stdout.write(
                f"{username!r} already has an API token, shown once when it was issued. "
                f"For a new one: manage.py revoke_token {username}, then run this again."
            )
            return
        self.stdout.write("API token, shown this once (send as `Authorization: Token <token>`):")
        self.stdout.write(token)

    def read_password(self) -> str:
        password = os.environ.get("CURATOR_PASSWORD")
        if password is None:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Set CURATOR_PASSWORD, or run this command on a terminal to be prompted."
                )
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("The password must not be empty.")
        return password
