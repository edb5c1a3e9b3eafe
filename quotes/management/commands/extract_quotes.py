"""Propose the quotes, paraphrases and written statements of articles, for review.

Usage: ``python manage.py extract_quotes FILE… [--format table|jsonl] [--published-on
YYYY-MM-DD]``. Each FILE is plain text, the seed format (<TITLE>, <PUBLISHED_DATE>,
<CONTENT> …) or HTML (by its .html/.htm name or its first tag), whose text trafilatura
extracts. Offsets are Python string offsets into the file read as UTF-8 with
``newline=""`` (for HTML: into the extracted text). Speakers are resolved against the
database and repeated remarks matched to existing statements; without a migrated
database the command says so and goes on without them. A missing, empty or non-UTF-8
file is reported on stderr and makes the command fail after the other files.
"""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from quotes.extraction.documents import html_to_text, looks_like_html
from quotes.extraction.gazetteer import Gazetteer
from quotes.extraction.nlp import ModelNotInstalled, load_pipeline
from quotes.extraction.pipeline import extract, jsonl_row
from quotes.extraction.resolve import gazetteer_from_database, match_statements
from quotes.extraction.types import Candidate


class BadInput(Exception):
    """A file that cannot be read as an article."""


def read_article(path: Path) -> tuple[str, datetime.date | None]:
    """The text offsets refer to, and the publication date an HTML page gives."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except OSError as error:
        raise BadInput(f"{path}: cannot be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(
            f"{path}: not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start})"
        ) from None
    if not text.strip():
        raise BadInput(f"{path}: empty")
    if path.suffix.lower() in (".html", ".htm") or looks_like_html(text):
        text, published_on = html_to_text(text)
        if not text.strip():
            raise BadInput(f"{path}: no article text found in the HTML")
        return text, published_on
    return text, None


class Command(BaseCommand):
    help = "Propose the quotes, paraphrases and written statements of articles (FILE…)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--format", choices=["table", "jsonl"], default="table")
        parser.add_argument(
            "--published-on",
            type=datetime.date.fromisoformat,
            help="publication date (YYYY-MM-DD) for 'on Wednesday'; the seed format's "
            "<PUBLISHED_DATE> or the HTML's date otherwise",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            load_pipeline(settings.EXTRACTION_SPACY_MODEL)
        except ModelNotInstalled as error:
            raise CommandError(str(error)) from None
        gazetteer = self._gazetteer()
        failed = 0
        for name in options["files"]:
            try:
                text, found_on = read_article(Path(name))
            except BadInput as error:
                self.stderr.write(str(error))
                failed += 1
                continue
            candidates = self._extract(text, options["published_on"] or found_on, gazetteer)
            self._write(name, candidates, options["format"])
        if failed:
            raise CommandError(f"{failed} of {len(options['files'])} files could not be read.")

    def _gazetteer(self) -> Gazetteer | None:
        try:
            return gazetteer_from_database()
        except DatabaseError as error:
            self.stderr.write(f"No usable database ({error}): speakers are not resolved.")
            return None

    def _extract(
        self, text: str, published_on: datetime.date | None, gazetteer: Gazetteer | None
    ) -> list[Candidate]:
        started = time.monotonic()
        candidates = extract(
            text,
            published_on=published_on,
            gazetteer=gazetteer,
            model=settings.EXTRACTION_SPACY_MODEL,
        )
        if gazetteer is not None:
            match_statements(candidates)
        self.elapsed = time.monotonic() - started
        return candidates

    def _write(self, name: str, candidates: list[Candidate], format: str) -> None:
        if format == "jsonl":
            for candidate in candidates:
                self.stdout.write(json.dumps(jsonl_row(name, candidate), ensure_ascii=False))
            return
        self.stdout.write(f"{name}: {len(candidates)} candidates")
        for c in candidates:
            who = c.speaker.name if c.speaker else "—"
            extra = "".join(
                f"  {label} {value}"
                for label, value in (("via", c.via.name if c.via else ""), ("on", c.said_on))
                if value
            )
            text = " ".join(c.text.split())
            text = text if len(text) <= 70 else text[:69] + "…"
            self.stdout.write(f"  {c.start:>6}-{c.end:<6} {c.kind:10} {who[:28]:28} {text}{extra}")
