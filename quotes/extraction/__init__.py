"""Quote extraction: candidate statements from an article's text, for curators to review.

`extract(text, published_on=…, gazetteer=…)` returns typed `Candidate`s (no Django
needed); `quotes.extraction.resolve` adds the database: a gazetteer of known speakers and
organizations and matches to existing statements.
"""

from quotes.extraction.gazetteer import Entry, Gazetteer
from quotes.extraction.pipeline import EXTRACTOR_VERSION, extract
from quotes.extraction.types import Candidate, Outlet, Speaker, StatementMatch, TextSpan

__all__ = [
    "EXTRACTOR_VERSION",
    "Candidate",
    "Entry",
    "Gazetteer",
    "Outlet",
    "Speaker",
    "StatementMatch",
    "TextSpan",
    "extract",
]
