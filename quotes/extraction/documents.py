"""Article inputs: plain text, the seed format with <TITLE>/<CONTENT> tags, and HTML.

Offsets always refer to the text as given (plain and seed format) or as extracted (HTML):
tags and metadata lines of the seed format are blanked with spaces, never removed, so
the parse sees prose only and every offset still points into the original string.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

# '<PUBLISHED_DATE>2024-11-19</PUBLISHED_DATE>' and the like: metadata, not prose.
_METADATA = re.compile(r"<(PUBLISHED_DATE|URL|AUTHOR|SOURCE|DATE)>.*?</\1>", re.S)
_TAG = re.compile(r"</?(?:TITLE|SUMMARY|HIGHLIGHTS|CONTENT|PUBLISHED_DATE|URL|AUTHOR)>")
_PUBLISHED = re.compile(r"<PUBLISHED_DATE>\s*(\d{4}-\d{2}-\d{2})")
_HTML = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<article|<div|<p[ >])", re.I)


@dataclass(frozen=True)
class Article:
    """The text offsets refer to, what the parser reads (same length), and the date."""

    text: str
    prose: str
    published_on: datetime.date | None


def looks_like_html(text: str) -> bool:
    return bool(_HTML.match(text))


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def prepare(text: str, published_on: datetime.date | None = None) -> Article:
    """`text` ready to parse: seed-format tags and metadata blanked, the publication date
    read from <PUBLISHED_DATE> when not given."""
    if published_on is None:
        found = _PUBLISHED.search(text)
        if found:
            try:
                published_on = datetime.date.fromisoformat(found.group(1))
            except ValueError:
                published_on = None
    prose = _TAG.sub(_blank, _METADATA.sub(_blank, text))
    return Article(text=text, prose=prose, published_on=published_on)


def html_to_text(html: str) -> tuple[str, datetime.date | None]:
    """The article text of an HTML page (trafilatura: main content, no navigation or
    comments, paragraphs separated by blank lines) and its publication date, if found."""
    import trafilatura

    text = trafilatura.extract(
        html,
        output_format="txt",
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    metadata = trafilatura.extract_metadata(html)
    published_on = None
    if metadata is not None and metadata.date:
        try:
            published_on = datetime.date.fromisoformat(metadata.date[:10])
        except ValueError:
            published_on = None
    title = metadata.title if metadata is not None and metadata.title else ""
    body = re.sub(r"\n+", "\n\n", text or "")
    return (f"{title}\n\n{body}" if title else body).strip(), published_on
