"""Batch imports (`import_articles`): what to import from paths, read in the main
process, extracted in worker processes while the main process writes the previous
chunk, each article written in its own transaction (so an interrupted run keeps what it
finished, and a rerun finds those as duplicates without extracting them again).
"""

from __future__ import annotations

import json
import multiprocessing
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from . import inputs, review
from .articles import Article, ArticleError
from .models import SourceImport

ARTICLE_SUFFIXES = {".html", ".htm", ".txt"}
BATCH_SUFFIXES = {".jsonl"}
# Articles a worker parses together (spaCy's nlp.pipe: batching saves about a sixth of
# the parse); small enough that the two workers share a chunk evenly.
PER_JOB = 8


@dataclass
class Item:
    """One article to import: where it comes from, and how to read it."""

    label: str
    read: Callable[[], Article]
    article: Article | None = None
    error: str = ""
    duplicate: str = ""  # known already, by the current extractor: nothing to extract
    extracted: list | None = None


@dataclass
class Summary:
    imported: int = 0
    duplicates: int = 0
    proposed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.imported + self.duplicates + len(self.failed)


def items(paths: list[str]) -> Iterator[Item]:
    """The articles named by paths: files, folders (their .html, .htm, .txt and .jsonl
    files, recursively, in name order) and JSONL files of {url|text|html, …} records."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES | BATCH_SUFFIXES
            )
            yield from items([str(p) for p in found if p.is_file()])
        elif path.suffix.lower() in BATCH_SUFFIXES and path.is_file():
            yield from _records(path)
        else:
            yield Item(str(path), lambda path=path: _file(path))


def _file(path: Path) -> Article:
    try:
        with path.open("rb") as file:
            return inputs.from_file(path.name, file)
    except FileNotFoundError:
        raise ArticleError("no such file") from None
    except OSError as error:
        raise ArticleError(f"cannot be read ({error.strerror})") from None


def _records(path: Path) -> Iterator[Item]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        yield Item(str(path), lambda error=error: _raise(f"cannot be read ({error})"))
        return
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield Item(f"{path}:{number}", lambda line=line: _record(line))


def _record(line: str) -> Article:
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as error:
        raise ArticleError(f"not JSON ({error.msg})") from None
    return inputs.from_record(record)


def _raise(message: str) -> Article:
    raise ArticleError(message)


def prepare(item: Item) -> Item:
    """Read the article, and note whether it is known already to the current extractor
    (a rerun then costs a lookup, not an extraction)."""
    from .proposals import EXTRACTOR_VERSION

    try:
        item.article = item.read()
    except ArticleError as error:
        item.error = str(error)
        return item
    known = review.duplicate_of(item.article)
    if known is not None:
        source, why = known
        record = SourceImport.objects.filter(source=source).only("extractor_version").first()
        if record is not None and record.extractor_version == EXTRACTOR_VERSION:
            item.duplicate = why
    return item


def needs_extraction(item: Item) -> bool:
    return item.article is not None and not item.duplicate


class Extractors:
    """Worker processes extracting articles, or none (extraction then happens in the
    import itself, in this process)."""

    def __init__(self, processes: int) -> None:
        self.pool: Pool | None = None
        # Workers match candidates on their own connections, which cannot see rows of a
        # transaction this process has open (a test's): then this process matches.
        self.matching = processes > 0 and not connection.in_atomic_block
        if processes > 0:
            from .proposals import gazetteer
            from .workers import start

            context = multiprocessing.get_context("spawn")
            model = settings.EXTRACTION_SPACY_MODEL
            initargs = (model, pickle.dumps(gazetteer()), self.matching)
            self.pool = context.Pool(processes, initializer=start, initargs=initargs)

    def submit(self, chunk: list[Item]) -> AsyncResult | None:
        """Start extracting the chunk's articles that need it, PER_JOB at a time."""
        if self.pool is None:
            return None
        from .workers import extract_jobs

        jobs = [
            (item.article.text, item.article.published_on)
            for item in chunk
            if needs_extraction(item)
        ]
        groups = [jobs[i : i + PER_JOB] for i in range(0, len(jobs), PER_JOB)]
        return self.pool.map_async(extract_jobs, groups, chunksize=1) if jobs else None

    @staticmethod
    def collect(chunk: list[Item], pending: AsyncResult | None) -> None:
        if pending is None:
            return
        results = (found for group in pending.get() for found in group)
        for item in chunk:
            if needs_extraction(item):
                item.extracted = next(results)

    def close(self, *, finished: bool) -> None:
        if self.pool is not None:
            if finished:
                self.pool.close()
            else:
                self.pool.terminate()
            self.pool.join()
