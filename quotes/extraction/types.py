"""The extractor's typed results: plain dataclasses, no Django.

Offsets are Python string indices into the text given to `extract` (for a file: the file
read as UTF-8 with newline=""; for HTML: the text extracted from it).
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["direct", "partial", "paraphrase", "written"]
Precision = Literal["day", "month", "year", "unknown"]

# Candidate kinds as the Statement model spells them (quotes.models.StatementKind).
STATEMENT_KINDS: dict[str, str] = {
    "direct": "direct_quote",
    "partial": "partial_quote",
    "paraphrase": "paraphrase",
    "written": "written_statement",
}


@dataclass(frozen=True)
class TextSpan:
    """A stretch of the article's text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class GazetteerMatch:
    """A known speaker or organization a printed name resolved to, and how closely."""

    name: str
    score: float
    speaker_id: int | None = None
    organization_id: int | None = None
    description: str = ""
    organization: str = ""


@dataclass
class Speaker:
    """Who a candidate is credited to: a person, an anonymous source or an organization.

    `mention` is the printed words at the candidate ("he", "a U.S. official"); `name` is
    who that is ("Lloyd Austin", "U.S. official", "U.S. Department of State").
    """

    mention: TextSpan
    name: str
    anonymous: bool = False
    is_organization: bool = False
    description: str = ""
    title: str = ""
    organization: str = ""
    country: str = ""
    speaker_id: int | None = None
    organization_id: int | None = None
    match_score: float | None = None
    # Index of the article-level speaker (one per person or unnamed source per article).
    key: int = 0


@dataclass(frozen=True)
class Outlet:
    """A news outlet a remark was relayed through: "told the Post"."""

    name: str
    mention: TextSpan
    organization_id: int | None = None


@dataclass(frozen=True)
class StatementMatch:
    """An existing statement whose wording this candidate repeats."""

    statement_id: int
    similarity: float
    appearance_id: int | None = None


@dataclass
class Candidate:
    """One proposed statement as printed in the article."""

    start: int
    end: int
    text: str
    kind: Kind
    speaker: Speaker | None
    cue: TextSpan | None
    confidence: float
    rule: str
    via: Outlet | None = None
    setting: str = ""
    location: str = ""
    said_on: datetime.date | None = None
    said_on_precision: Precision = "unknown"
    anonymity_reason: str = ""
    # Written rather than spoken ("said in a statement", "tweeted"): a quoted written
    # statement keeps its kind direct or partial, and is a written statement to the model.
    written: bool = False
    # The quoted stretches inside [start, end), each with its marks.
    quotes: list[TextSpan] = field(default_factory=list)
    matches_statement: StatementMatch | None = None
    extractor_version: str = ""

    @property
    def statement_kind(self) -> str:
        """The kind as quotes.models.Statement spells it ("direct_quote", …): anything
        written is a written statement there, quoted or not."""
        return STATEMENT_KINDS["written" if self.written else self.kind]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (dates as ISO strings)."""
        data = asdict(self)
        data["said_on"] = self.said_on.isoformat() if self.said_on else None
        return data
