"""Known people and organizations, matched by name, alias or a close misspelling.

Plain Python: quotes.extraction.resolve fills one from the database; tests build their own.
Matching is exact on normalised names and aliases first, then fuzzy over a trigram
shortlist ("Perskov" → Dmitry Peskov, 0.92), so a lookup stays cheap with many entries.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from quotes.extraction.types import GazetteerMatch

# A fuzzy match below this is no match: "Peskov"/"Perskov" 0.92, "Austin"/"Justin" 0.83.
MIN_SCORE = 0.86
_TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|dr|sen|rep|gov|gen|lt|col|sgt|adm|pres|prof|rev|sir|dame)\.?\s+)+",
    re.IGNORECASE,
)
_NOT_NAME = re.compile(r"[^\w\s-]")


def normalise(name: str) -> str:
    """'Dr. Dmitry  Peskov’s' → 'dmitry peskov': no accents, titles, possessive or punctuation."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"['’]s\b", "", name)
    name = _TITLES.sub("", name.strip())
    return " ".join(_NOT_NAME.sub(" ", name).lower().split())


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass
class Entry:
    """One speaker or organization, with every name it goes by."""

    name: str
    is_organization: bool = False
    speaker_id: int | None = None
    organization_id: int | None = None
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    organization: str = ""
    is_outlet: bool = False

    def match(self, score: float) -> GazetteerMatch:
        return GazetteerMatch(
            name=self.name,
            score=round(score, 3),
            speaker_id=self.speaker_id,
            organization_id=self.organization_id,
            description=self.description,
            organization=self.organization,
        )


class Gazetteer:
    """Lookups of people and organizations by the names an article prints."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._exact: dict[tuple[bool, str], list[Entry]] = defaultdict(list)
        self._by_gram: dict[tuple[bool, str], set[int]] = defaultdict(set)
        self._names: list[tuple[str, Entry]] = []
        for entry in entries:
            for name in {entry.name, *entry.aliases}:
                self._add(normalise(name), entry)

    def _add(self, key: str, entry: Entry) -> None:
        if not key:
            return
        self._exact[entry.is_organization, key].append(entry)
        index = len(self._names)
        self._names.append((key, entry))
        for gram in _trigrams(key):
            self._by_gram[entry.is_organization, gram].add(index)

    def person(self, name: str) -> GazetteerMatch | None:
        """The known person `name` denotes: 'Lloyd Austin', 'Austin', 'Dmitry Perskov'."""
        return self._lookup(name, organization=False)

    def organization(self, name: str) -> GazetteerMatch | None:
        """The organization `name` denotes: 'the State Department', 'Pentagon'."""
        return self._lookup(re.sub(r"^the\s+", "", name.strip(), flags=re.I), organization=True)

    def outlet(self, name: str) -> GazetteerMatch | None:
        """The news outlet `name` denotes ('the Post' → The Washington Post), exact only."""
        key = normalise(re.sub(r"^the\s+", "", name.strip(), flags=re.I))
        for candidate in (key, f"the {key}"):
            outlets = [e for e in self._exact.get((True, candidate), []) if e.is_outlet]
            if outlets:
                return outlets[0].match(1.0)
        return None

    def _lookup(self, name: str, *, organization: bool) -> GazetteerMatch | None:
        key = normalise(name)
        if not key:
            return None
        exact = self._exact.get((organization, key))
        if exact:
            return exact[0].match(1.0)
        best: tuple[float, Entry] | None = None
        for known, entry in self._shortlist(key, organization):
            if not _may_reach(key, known, surname_only=not organization):
                continue
            score = _similarity(key, known, surname_only=not organization)
            if score >= MIN_SCORE and (best is None or score > best[0]):
                best = (score, entry)
        return best[1].match(best[0]) if best else None

    def _shortlist(self, key: str, organization: bool) -> list[tuple[str, Entry]]:
        """Names sharing at least a third of `key`'s trigrams, or its last word's."""
        grams = _trigrams(key) | _trigrams(key.split()[-1])
        counts: dict[int, int] = defaultdict(int)
        for gram in grams:
            for index in self._by_gram.get((organization, gram), ()):
                counts[index] += 1
        needed = max(2, len(_trigrams(key.split()[-1])) // 3)
        return [self._names[i] for i, n in counts.items() if n >= needed]


def _may_reach(printed: str, known: str, *, surname_only: bool) -> bool:
    """Whether _similarity can reach MIN_SCORE, by a bound on each ratio it takes (the
    characters two names share, difflib's quick_ratio): most of a shortlist of thousands
    of "Ministry of …" is passed over without aligning it."""
    printed_words, known_words = printed.split(), known.split()
    if surname_only and len(printed_words) == 1 and len(known_words) > 1:
        return _ratio_bound(printed_words[-1], known_words[-1]) * 0.95 >= MIN_SCORE
    return _ratio_bound(printed, known) >= MIN_SCORE


def _ratio_bound(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    lengths = 2.0 * min(len(a), len(b)) / (len(a) + len(b))
    if lengths < MIN_SCORE:  # as many characters in common as the shorter has, at most
        return lengths
    small, large = sorted((_letters(a), _letters(b)), key=len)
    shared = sum(min(n, large[c]) for c, n in small.items() if c in large)
    return 2.0 * shared / (len(a) + len(b))


@lru_cache(maxsize=50_000)
def _letters(text: str) -> Counter:
    return Counter(text)


def _similarity(printed: str, known: str, *, surname_only: bool) -> float:
    """How alike two normalised names are, 0..1. A printed surname alone is compared with
    the known surname, a little short of certain ('perskov' ~ 'dmitry peskov' 0.88,
    'austin' ~ 'lloyd austin' 0.95); a full name with the full name, once the first names
    agree, so 'lloyd austen' is Lloyd Austin (0.92) and 'joe miller' is not Matthew Miller."""
    whole = difflib.SequenceMatcher(None, printed, known).ratio()
    printed_words, known_words = printed.split(), known.split()
    last = difflib.SequenceMatcher(None, printed_words[-1], known_words[-1]).ratio()
    if surname_only and len(printed_words) == 1 and len(known_words) > 1:
        return last * 0.95
    if len(printed_words) > 1 and len(known_words) > 1:
        first = difflib.SequenceMatcher(None, printed_words[0], known_words[0]).ratio()
        return whole if first > 0.5 or printed_words[0][0] == known_words[0][0] else 0
    return whole
