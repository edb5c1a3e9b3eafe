"""Extraction in worker processes, for batch imports: each worker loads the spaCy model
once and the gazetteer it is given, and extracts articles sent to it. Nothing here
imports Django (workers are spawned fresh and never touch the database)."""

from __future__ import annotations

import datetime

from quotes.extraction import Candidate, Gazetteer, extract
from quotes.extraction.nlp import load_pipeline

_state: dict[str, object] = {}


def start(model: str, gazetteer: Gazetteer | None) -> None:
    """Pool initializer: load the model now, not with the first article."""
    load_pipeline(model)
    _state.update(model=model, gazetteer=gazetteer)


def extract_job(job: tuple[str, datetime.date | None]) -> list[Candidate]:
    text, published_on = job
    return extract(
        text,
        published_on=published_on,
        gazetteer=_state["gazetteer"],  # type: ignore[arg-type]
        model=str(_state["model"]),
    )
