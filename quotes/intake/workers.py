"""Extraction in worker processes, for batch imports: each worker loads the spaCy model
once and the gazetteer it is given, extracts the articles sent to it and, when asked,
matches their candidates to existing statements on its own database connection (the
searches are half an import's work; the main process then only writes). Django is set
up only for that: extracting alone needs none of it."""

from __future__ import annotations

import datetime
import os

from quotes.extraction import Candidate, Gazetteer, extract
from quotes.extraction.nlp import load_pipeline

_state: dict[str, object] = {}


def start(model: str, gazetteer: Gazetteer | None, match: bool) -> None:
    """Pool initializer: load the model now, not with the first article."""
    load_pipeline(model)
    _state.update(model=model, gazetteer=gazetteer, match=match)
    if match:
        # Spawned with the parent's environment: the same settings and database.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()


def extract_job(job: tuple[str, datetime.date | None]) -> list[Candidate]:
    text, published_on = job
    found = extract(
        text,
        published_on=published_on,
        gazetteer=_state["gazetteer"],  # type: ignore[arg-type]
        model=str(_state["model"]),
    )
    if _state["match"]:
        from quotes.intake.proposals import repeated_statement

        for candidate in found:
            candidate.matches_statement = repeated_statement(candidate)
    return found
