"""Check the provenance of every appearance: its wording is in its source, where it says.

An appearance records an outlet's exact wording and the character offset at which it
is printed in the source's full text. This command re-reads each source and confirms,
with `quotes.models.wording_matches` (the model's own rule, which forgives whitespace
differences and nothing else), that the wording is there. It also reports statements
that no source prints, since a statement without an appearance has no provenance.

Usage: ``python manage.py verify_appearances [--source ID ...]``. Each problem goes to
stderr on its own line, naming the appearance or statement; a one-line summary goes to
stdout; any problem makes the command fail (CommandError, non-zero exit status).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from quotes.models import Source, Statement, locate_wording, wording_matches

# Sources are streamed in chunks, so a large database is never held in memory at once.
SOURCE_CHUNK_SIZE = 100


def occurrences(text: str, wording: str) -> Iterator[int]:
    """Every offset at which `wording` occurs in `text`, by the model's own rule."""
    found = locate_wording(text, wording)
    while found is not None:
        yield found
        found = locate_wording(text, wording, found + 1)


def appearance_problems(source: Source) -> Iterator[str | None]:
    """For each appearance in `source`: None if its wording is at its offset, else why not.

    Going source by source loads each (possibly long) text once, rather than once per
    appearance as joining the source onto every appearance row would.
    """
    rows = source.appearances.order_by("offset", "pk").values_list(
        "pk", "statement_id", "offset", "quoted_text"
    )
    for pk, statement_id, offset, wording in rows.iterator():
        if wording_matches(source.text, offset, wording):
            yield None
            continue
        # Point the curator at the nearest place the wording does occur, if any:
        # usually the offset was miscounted or the source text was re-imported.
        found = min(
            occurrences(source.text, wording), key=lambda at: abs(at - offset), default=None
        )
        hint = (
            "it does not occur in the source" if found is None else f"it occurs at offset {found}"
        )
        yield (
            f"appearance {pk} (statement {statement_id}, source {source.pk} at offset {offset}): "
            f"wording not found at offset; {hint}"
        )


def statements_without_appearance() -> Iterator[str]:
    """A line for each statement that no source prints."""
    orphans = Statement.objects.filter(appearances__isnull=True).order_by("pk")
    for pk in orphans.values_list("pk", flat=True).iterator():
        yield f"statement {pk} has no appearance"


class Command(BaseCommand):
    help = (
        "Check that every appearance's wording occurs in its source's full text at its "
        "recorded offset (allowing only whitespace differences) and that every statement "
        "has at least one appearance. Lists each problem and exits non-zero if there is any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            dest="source_ids",
            type=int,
            nargs="+",
            action="extend",
            metavar="ID",
            help="Only check the appearances in these sources. Statements without any "
            "appearance are always reported, since they belong to no source.",
        )

    def handle(self, *args: Any, source_ids: list[int] | None = None, **options: Any) -> None:
        problems: list[str] = []
        checked = 0
        for source in self.sources(source_ids).iterator(chunk_size=SOURCE_CHUNK_SIZE):
            for problem in appearance_problems(source):
                checked += 1
                if problem:
                    problems.append(problem)
        problems.extend(statements_without_appearance())

        for problem in problems:
            self.stderr.write(problem)
        summary = f"Checked {checked} appearances of {Statement.objects.count()} statements"
        if problems:
            count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
            self.stdout.write(f"{summary}: {count}.")
            raise CommandError(f"{count} found; each is listed above.")
        self.stdout.write(f"{summary}: all match.")

    def sources(self, source_ids: list[int] | None) -> QuerySet[Source]:
        """The sources to check: all, or those asked for (all of which must exist)."""
        sources = Source.objects.order_by("pk").only("pk", "text")
        if not source_ids:
            return sources
        sources = sources.filter(pk__in=source_ids)
        missing = set(source_ids) - set(sources.values_list("pk", flat=True))
        if missing:
            raise CommandError(f"No source with id {', '.join(map(str, sorted(missing)))}.")
        return sources
