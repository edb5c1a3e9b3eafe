"""Which news outlet published an article: a known one, or one to propose.

Signals, most telling first: the URL's domain ("washingtonpost.com" is The Washington
Post, by an alias holding the domain or by the name run together), the site name the
page gives (og:site_name), the copyright line ("© 2024 The New York Sun Company, LLC"),
a closing bio ("… is a reporter for The Epoch Times"), and a line of the text that is an
outlet's name alone (a masthead). With no known outlet, the first name found is
proposed as a new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .articles import Article

# Subdomains that say nothing of the outlet: "www.", "edition.", "m.", "amp."
_NOISE_LABELS = {"www", "m", "amp", "mobile", "edition", "news", "beta"}
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "news"}
MASTHEAD_LINES = 40


@dataclass(frozen=True)
class KnownOutlet:
    id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutletFinding:
    """A known outlet (`outlet_id`) or a proposed new one (`outlet_id` None), and how."""

    name: str
    found_by: str
    outlet_id: int | None = None

    @property
    def proposed(self) -> bool:
        return self.outlet_id is None


def normalise(name: str) -> str:
    """The gazetteer's normal form of a name, without a leading 'the'."""
    # Imported here: the extraction package loads spaCy (see quotes/intake/articles.py).
    from quotes.extraction.gazetteer import normalise

    return re.sub(r"^the ", "", normalise(name))


def squashed(name: str) -> str:
    """'The Washington Post' → 'washingtonpost': a name as a domain would spell it."""
    return normalise(name).replace(" ", "").replace("-", "")


def site_of(url: str) -> tuple[str, str]:
    """The host without noise labels ('nytimes.com') and its main label ('nytimes')."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    labels = [label for label in host.split(".") if label]
    while len(labels) > 2 and labels[0] in _NOISE_LABELS:
        labels = labels[1:]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        main = labels[-3]  # bbc.co.uk
    else:
        main = labels[-2] if len(labels) >= 2 else (labels[0] if labels else "")
    return ".".join(labels), main


class OutletIndex:
    """Known outlets by name, alias, squashed name and domain alias."""

    def __init__(self, outlets: list[KnownOutlet]) -> None:
        self.by_name: dict[str, KnownOutlet] = {}
        self.by_squashed: dict[str, KnownOutlet] = {}
        self.by_domain: dict[str, KnownOutlet] = {}
        for outlet in outlets:
            for name in (outlet.name, *outlet.aliases):
                if "." in name and " " not in name.strip():
                    self.by_domain.setdefault(name.strip().lower().removeprefix("www."), outlet)
                    continue
                key = normalise(name)
                if key:
                    self.by_name.setdefault(key, outlet)
                    self.by_squashed.setdefault(squashed(name), outlet)

    def named(self, name: str) -> KnownOutlet | None:
        key = normalise(name)
        return self.by_name.get(key) if key else None

    def at_domain(self, url: str) -> KnownOutlet | None:
        host, main = site_of(url)
        if not host:
            return None
        labels = host.split(".")
        for i in range(len(labels) - 1):
            if found := self.by_domain.get(".".join(labels[i:])):
                return found
        return self.by_squashed.get(main)


def find_outlet(article: Article, index: OutletIndex) -> OutletFinding | None:
    """The article's outlet: known if any signal names one, else the first name proposed."""
    urls = [u for u in (article.url, article.fetched_url, article.requested_url) if u]
    for url in urls:
        if known := index.at_domain(url):
            return OutletFinding(known.name, "domain", known.id)
    named = [
        ("site name", article.site_name),
        ("copyright line", article.copyright_holder),
        ("author's bio", article.byline_outlet),
    ]
    for found_by, name in named:
        if name and (known := index.named(name)):
            return OutletFinding(known.name, found_by, known.id)
    if known := _masthead(article.text, index):
        return OutletFinding(known.name, "masthead line", known.id)
    for found_by, name in named:
        if name:
            return OutletFinding(name, found_by)
    if urls:
        return OutletFinding(site_of(urls[0])[0], "domain")
    return None


def _masthead(text: str, index: OutletIndex) -> KnownOutlet | None:
    """A short line that is a known outlet's name alone, near the top or the bottom."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[:5] + lines[-MASTHEAD_LINES:]:
        if len(line) <= 60 and (known := index.named(line)):
            return known
    return None
