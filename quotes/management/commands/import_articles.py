"""Import articles in bulk: files, folders, or JSONL files of {url|text|html, …}.

Usage: ``python manage.py import_articles PATH… [--processes N] [--user NAME]``. Each
article becomes a source with the extractor's candidates in the review queue, or is
found as a duplicate (the same URL or text) of one imported before. Safe to interrupt
and to run again: each article is written in its own transaction, and what was done is
found again without being extracted again. Shows progress, ends with a summary
(imported, duplicates, failed with reasons) and exits non-zero if any article failed.
"""

from __future__ import annotations

import os
import time
from multiprocessing.pool import AsyncResult
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from quotes import services
from quotes.extraction.nlp import ModelNotInstalled
from quotes.intake import batch
from quotes.intake.articles import ArticleError

CHUNK = 32


class Command(BaseCommand):
    help = "Import articles (files, folders, JSONL of {url|text|html, …}) for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--processes",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="worker processes extracting articles (0: in this process; default: "
            "one per core, at most 2)",
        )
        parser.add_argument("--user", help="the curator recorded as importing them")

    def handle(self, *args: Any, paths: list[str], processes: int, **options: Any) -> None:
        by = self._user(options.get("user"))
        items = list(batch.items(paths))
        summary, started = batch.Summary(), time.monotonic()
        workers = self._workers(processes if len(items) > 1 else 0)
        self.matched = workers.matching
        finished = False
        try:
            self._run(items, workers, by, summary)
            finished = True
        except KeyboardInterrupt:
            self.stderr.write("Interrupted: what was imported is kept; run again to go on.")
        finally:
            workers.close(finished=finished)
        self._report(summary, len(items), time.monotonic() - started)
        if summary.failed or not finished:
            raise CommandError(f"{len(summary.failed)} of {len(items)} articles failed.")

    def _user(self, name: str | None) -> Any:
        if not name:
            return None
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"No user {name!r}.")
        return user

    def _workers(self, processes: int) -> batch.Extractors:
        try:
            return batch.Extractors(max(processes, 0))
        except ModelNotInstalled as error:
            raise CommandError(str(error)) from None

    def _run(self, items: list, workers: batch.Extractors, by: Any, summary: batch.Summary) -> None:
        """Read and start extracting each chunk, then write the one before it meanwhile."""
        progress = tqdm(total=len(items), unit="article", file=self.stderr, disable=None)
        chunks = (items[i : i + CHUNK] for i in range(0, len(items), CHUNK))
        pending = None
        for chunk in chunks:
            prepared = [batch.prepare(item) for item in chunk]
            submitted = (prepared, workers.submit(prepared))
            if pending is not None:
                self._write(*pending, workers, by, summary, progress)
            pending = submitted
        if pending is not None:
            self._write(*pending, workers, by, summary, progress)
        progress.close()

    def _write(
        self,
        chunk: list[batch.Item],
        extraction: AsyncResult | None,
        workers: batch.Extractors,
        by: Any,
        summary: batch.Summary,
        progress: tqdm,
    ) -> None:
        workers.collect(chunk, extraction)
        for item in chunk:
            self._import(item, by, summary)
            progress.update(1)
            if progress.disable and summary.done % 100 == 0:
                self.stdout.write(f"{summary.done:,} of {progress.total:,} articles")

    def _import(self, item: batch.Item, by: Any, summary: batch.Summary) -> None:
        if item.error:
            summary.failed.append((item.label, item.error))
            return
        if item.duplicate:
            summary.duplicates += 1
            return
        try:
            outcome = services.source_import(
                article=item.article, by=by, extracted=item.extracted, matched=self.matched
            )
        except ValidationError as error:
            summary.failed.append((item.label, "; ".join(error.messages)))
            return
        except (ArticleError, DatabaseError) as error:
            summary.failed.append((item.label, str(error)))
            return
        summary.proposed += outcome.proposed
        if outcome.created:
            summary.imported += 1
        else:
            summary.duplicates += 1

    def _report(self, summary: batch.Summary, total: int, seconds: float) -> None:
        rate = summary.done / seconds if seconds else 0.0
        self.stdout.write(
            f"{summary.imported} imported, {summary.duplicates} duplicates, "
            f"{len(summary.failed)} failed, of {total} articles; {summary.proposed} candidates "
            f"proposed ({seconds:.1f} s, {rate:.1f} articles/s)."
        )
        for label, reason in summary.failed:
            self.stderr.write(f"  failed: {label}: {reason}")
