"""How review received each extractor version's candidates.

Usage: ``python manage.py extraction_stats [--format table|json]``: per version, the
candidates proposed, open, accepted unchanged, edited (and which fields), merged into a
chosen statement and rejected, and the precision (the share of reviewed candidates
kept): the live measure of the extractor on real work.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from quotes.intake.review import VersionStats, extraction_stats


class Command(BaseCommand):
    help = "Per extractor version: candidates accepted unchanged, edited (which fields), rejected."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = extraction_stats()
        if options["format"] == "json":
            self.stdout.write(json.dumps([_row(s) for s in stats], indent=2))
            return
        if not stats:
            self.stdout.write("No candidates yet.")
        for s in stats:
            fields = ", ".join(f"{name} {n}" for name, n in s.fields_edited) or "none"
            self.stdout.write(
                f"extractor {s.extractor_version}: {s.proposed} proposed, {s.open} open, "
                f"{s.reviewed} reviewed\n"
                f"  accepted unchanged {s.unchanged} ({s.unchanged_share})\n"
                f"  edited {s.edited} ({s.edited_share}): {fields}\n"
                f"  merged {s.merged} ({s.merged_share})\n"
                f"  rejected {s.rejected} ({s.rejected_share})\n"
                f"  precision {s.precision_shown}"
            )


def _row(s: VersionStats) -> dict[str, Any]:
    return {
        "extractor_version": s.extractor_version,
        "proposed": s.proposed,
        "open": s.open,
        "accepted_unchanged": s.unchanged,
        "edited": s.edited,
        "edited_fields": dict(s.fields_edited),
        "merged": s.merged,
        "rejected": s.rejected,
        "precision": s.precision,
    }
