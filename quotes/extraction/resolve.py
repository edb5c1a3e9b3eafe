"""The database side of extraction, read-only: the gazetteer of known speakers and
organizations, and the existing statements a candidate repeats.

Thin on purpose: the extractor itself (quotes.extraction.pipeline) knows no Django.
Statement matching shortlists with the statement search of quotes/search.py (PostgreSQL
full-text search or SQLite FTS5, indexed, so the cost does not grow with the archive
beyond the index lookup), then compares wordings in Python.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from django.db.models import Prefetch

from quotes.extraction.gazetteer import Entry, Gazetteer
from quotes.extraction.nlp import DEFAULT_MODEL
from quotes.extraction.pipeline import extract
from quotes.extraction.types import Candidate, StatementMatch
from quotes.models import (
    Affiliation,
    Appearance,
    Organization,
    OrganizationKind,
    Speaker,
    Statement,
)
from quotes.search import best_matches, search_statements

# Statements compared in full per candidate, the best-ranked of the search's matches.
SHORTLIST = 20
# Distinctive words searched for (any of them), the rarest of the candidate's wording.
SEARCH_WORDS = 6
# Below this, a wording is another remark: "help slow down that effort" vs "help that
# effort" in the same quote is 0.94, two remarks on the same subject rarely 0.5.
MIN_SIMILARITY = 0.6
WORD_FREQUENCIES = Path(__file__).resolve().parent.parent / "data" / "english_word_frequencies.tsv"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CONTRACTION = re.compile(r"'(?:t|re|ve|ll|d|m)$")


def gazetteer_from_database(using: str = "default") -> Gazetteer:
    """Every named speaker (name, aliases, the organization of their latest role) and
    every organization (name, aliases; news outlets marked) as a Gazetteer. Unnamed
    sources are left out: 'a U.S. official' in one article is not the one in another."""
    roles: dict[int, str] = {}
    affiliations = Affiliation.objects.using(using).select_related("organization")
    for affiliation in affiliations.order_by("speaker_id", "-start_on"):
        roles.setdefault(affiliation.speaker_id, affiliation.organization.name)
    entries = [
        Entry(
            name=speaker.name,
            speaker_id=speaker.pk,
            aliases=list(speaker.aliases or []),
            description=speaker.description,
            organization=roles.get(speaker.pk, ""),
        )
        for speaker in Speaker.objects.using(using)
        .filter(is_anonymous=False)
        .only("id", "name", "aliases", "description")
    ]
    entries += [
        Entry(
            name=organization.name,
            is_organization=True,
            organization_id=organization.pk,
            aliases=list(organization.aliases or []),
            is_outlet=organization.kind == OrganizationKind.NEWS_OUTLET,
        )
        for organization in Organization.objects.using(using).only("id", "name", "aliases", "kind")
    ]
    return Gazetteer(entries)


@lru_cache(maxsize=1)
def word_frequencies() -> dict[str, int]:
    """Frequency per billion words of the 12,000 commonest English words."""
    frequencies = {}
    for line in WORD_FREQUENCIES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, count = line.split("\t")
            frequencies[word] = int(count)
    return frequencies


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def distinctive_words(text: str, limit: int = SEARCH_WORDS) -> list[str]:
    """The rarest words of a wording, rarest first: the ones another outlet's version of
    the same remark most likely shares ('Russians', 'effort' before 'that', 'the')."""
    frequencies = word_frequencies()
    searchable = (_searchable(w) for w in words(text))
    unique = dict.fromkeys(w for w in searchable if w and len(w) > 2)
    return sorted(unique, key=lambda w: frequencies.get(w, 0))[:limit]


def _searchable(word: str) -> str | None:
    """The word as a search would find it: a possessive's owner ('russia's' → 'russia');
    no contraction ("don't", "we're": absent from the frequency list, so they ranked
    rarest, yet the full-text index drops them or keeps only 're', in most statements)."""
    if word.endswith("'s"):
        return word[:-2]
    return None if _CONTRACTION.search(word) else word


def similarity(printed: str, known: str) -> float:
    """How alike two wordings are, 0..1, word by word: the share of words in common in
    order (difflib), or nearly as much when one wording is a fragment of the other
    ('put more civilians at risk …' inside the whole sentence)."""
    a, b = words(printed), words(known)
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    common = sum(block.size for block in matcher.get_matching_blocks())
    shorter = min(len(a), len(b))
    contained = 0.9 * common / shorter if shorter >= 5 else 0.0
    return round(max(matcher.ratio(), contained), 3)


def wording_of(candidate: Candidate) -> str:
    """What to compare: the quoted words of a quote, the whole content otherwise."""
    if candidate.quotes:
        return " ".join(quote.text for quote in candidate.quotes)
    return candidate.text


def match_statement(candidate: Candidate, using: str = "default") -> StatementMatch | None:
    """The existing statement whose canonical text or outlet wording this candidate
    repeats, if any, with its similarity."""
    wording = wording_of(candidate)
    searched = distinctive_words(wording)
    if len(searched) < 2:
        return None
    found = search_statements(Statement.objects.using(using), " or ".join(searched))
    appearances = Prefetch(
        "appearances", queryset=Appearance.objects.only("id", "statement_id", "quoted_text")
    )
    ids = best_matches(found, SHORTLIST)
    listed = Statement.objects.using(using).only("id", "text").prefetch_related(appearances)
    by_id = listed.in_bulk(ids)
    shortlist = [by_id[pk] for pk in ids if pk in by_id]
    best: StatementMatch | None = None
    for statement in shortlist:
        options = [(statement.text, None)] + [
            (a.quoted_text, a.pk) for a in statement.appearances.all()
        ]
        for known, appearance_id in options:
            score = similarity(wording, known)
            if score >= MIN_SIMILARITY and (best is None or score > best.similarity):
                best = StatementMatch(statement.pk, score, appearance_id)
    return best


def match_statements(candidates: Iterable[Candidate], using: str = "default") -> None:
    """Set `matches_statement` on every candidate that repeats an existing statement."""
    for candidate in candidates:
        candidate.matches_statement = match_statement(candidate, using)


def extract_with_database(
    text: str,
    *,
    published_on: datetime.date | None = None,
    gazetteer: Gazetteer | None = None,
    model: str = DEFAULT_MODEL,
    using: str = "default",
) -> list[Candidate]:
    """extract() with speakers resolved against the database and repeated remarks
    matched to their statements. Pass a `gazetteer` to reuse one over many articles."""
    if gazetteer is None:
        gazetteer = gazetteer_from_database(using)
    candidates = extract(text, published_on=published_on, gazetteer=gazetteer, model=model)
    match_statements(candidates, using)
    return candidates
