"""Relearn the compound lexicon that search expands queries with (quotes/variants.py)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from quotes.variants import rebuild_variants


class Command(BaseCommand):
    help = (
        "Read every statement and wording and relearn which words are compounds of two "
        "others ('landmines' = 'land mines' = 'land-mines'), so that a search for one "
        "spelling finds the others. Safe to run at any time; run it after large imports."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, database: str, **options: Any) -> None:
        started = time.monotonic()
        count = rebuild_variants(database)
        seconds = time.monotonic() - started
        self.stdout.write(f"Learned {count:,} compounds in {seconds:.1f} s.")
