"""Generate a synthetic corpus of realistic shape, for benchmarks and load tests."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quotes.corpus_load import CorpusExists, LoadResult, load_corpus


class Command(BaseCommand):
    help = (
        "Generate N statements with speakers, organizations, outlets, sources and "
        "appearances of realistic shape (deterministic for a given --seed) and load them "
        "through COPY on PostgreSQL (executemany on SQLite). Refuses a database that "
        "already holds statements unless --replace, which empties every quotes table first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--statements", type=int, required=True, help="How many (N).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--replace", action="store_true", help="Empty the quotes tables first.")
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, statements: int, seed: int, replace: bool, **options: Any) -> None:
        if statements < 1:
            raise CommandError("--statements must be at least 1.")
        try:
            result = load_corpus(
                statements=statements,
                seed=seed,
                replace=replace,
                progress=self.progress,
                using=options["database"],
            )
        except CorpusExists as error:
            raise CommandError(str(error)) from None
        self.report(result)
        call_command("rebuild_search_variants", database=options["database"], stdout=self.stdout)

    def progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()  # shown as it happens, also when the output is a file or pipe

    def report(self, result: LoadResult) -> None:
        self.progress(
            f"Generated {result.statements:,} statements ({result.rows:,} rows): loaded in "
            f"{result.load_seconds:.1f} s ({result.statements / result.load_seconds:,.0f} "
            f"statements/s), searchable and analyzed after {result.total_seconds:.1f} s "
            f"({result.statements / result.total_seconds:,.0f} statements/s overall)."
        )
