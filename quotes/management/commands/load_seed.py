"""Load the seed corpus once, so that rerunning setup never overwrites curators' edits."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from quotes.models import Source


class Command(BaseCommand):
    help = (
        "Load fixtures/seed.json unless the database already holds sources "
        "(use --force to reload it over the seed rows)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Load even if the database has data."
        )

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if Source.objects.exists() and not force:
            self.stdout.write("The database already holds sources; seed data not loaded.")
            return
        call_command("loaddata", "seed", stdout=self.stdout, stderr=self.stderr)
        call_command("rebuild_search_variants", stdout=self.stdout, stderr=self.stderr)
