"""Extraction in worker processes, for batch imports: each worker loads the spaCy model
once and the gazetteer it is given, extracts the articles sent to it (several at a
time, parsed together) and, when asked, matches their candidates to existing
statements on its own database connection (the searches are a large part of an
import's work; the main process then only writes). Django is set up only for that:
extracting alone needs none of it."""

from __future__ import annotations

import datetime
import os
import pickle
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quotes.extraction import Candidate

_state: dict[str, object] = {}

Job = tuple[str, datetime.date | None]


def start(model: str, gazetteer: bytes, match: bool) -> None:
    """Pool initializer: load the model now, not with the first article. The gazetteer
    comes pickled, and spaCy is imported only here: a spawned worker unpickles what the
    pool sends before running this, and importing spaCy then held the main process
    (blocked writing the rest, ~2 s a worker, one after the other)."""
    from quotes.extraction.nlp import load_pipeline

    load_pipeline(model)
    _state.update(model=model, gazetteer=pickle.loads(gazetteer), match=match)
    if match:
        # Spawned with the parent's environment: the same settings and database.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()


def extract_jobs(jobs: list[Job]) -> list[list[Candidate]]:
    """The candidates of each article, matched to statements if asked (all of the
    articles' searches in one query)."""
    from quotes.extraction.pipeline import extract_many

    found = extract_many(
        jobs,
        gazetteer=_state["gazetteer"],  # type: ignore[arg-type]
        model=str(_state["model"]),
    )
    if _state["match"]:
        from quotes.intake.matching import repeated_statements

        every = [candidate for candidates in found for candidate in candidates]
        for candidate, match in zip(every, repeated_statements(every), strict=True):
            candidate.matches_statement = match
    return found
