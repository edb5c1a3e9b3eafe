"""Correcting misspelled names in a search: "Lloyd Austen" → "Lloyd Austin".

A word of the query is corrected only when it is close to a word of a speaker's or an
organization's name or alias (the names the archive holds, which outlets and readers
misspell) and matches nothing in the index itself: a real word is never "corrected",
however close to a name. The correction is kept only if the corrected search finds
something. Both databases alike: the names are read into a small per-process lexicon,
renewed when the data generation moves.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from django.db.models import QuerySet

from quotes import search
from quotes.generation import data_generation
from quotes.models import Organization, Speaker, Statement

# difflib's ratio (2 × matching characters / both lengths) a name word must reach:
# "austen"/"austin" 0.83, "peskov"/"perskov" 0.92, "mines"/"miner" 0.8.
CLOSE_ENOUGH = 0.8
MIN_LENGTH = 4  # shorter words are too often close to some name by chance
_WORD = re.compile(r"[^\W\d_]+")


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class NameWords:
    """The words of every speaker's and organization's name and aliases, with a
    trigram index to find the close ones without comparing against all of them."""

    def __init__(self, names: list[str]) -> None:
        self.words: dict[str, str] = {}  # casefolded -> as written
        for name in names:
            for word in _WORD.findall(name):
                self.words.setdefault(word.casefold(), word)
        self.by_trigram: dict[str, set[str]] = defaultdict(set)
        for word in self.words:
            for trigram in _trigrams(word):
                self.by_trigram[trigram].add(word)

    def closest(self, word: str) -> str | None:
        """The name word closest to `word` (as written), or None when none is close
        enough or `word` is a name word itself."""
        folded = word.casefold()
        if folded in self.words or len(folded) < MIN_LENGTH:
            return None
        shared: dict[str, int] = defaultdict(int)
        for trigram in _trigrams(folded):
            for candidate in self.by_trigram.get(trigram, ()):
                shared[candidate] += 1
        scored = [
            (difflib.SequenceMatcher(a=folded, b=candidate).ratio(), candidate)
            for candidate, count in shared.items()
            if count >= 2
        ]
        best = max(scored, default=(0.0, ""))
        return self.words[best[1]] if best[0] >= CLOSE_ENOUGH else None


_lexicons: dict[str, tuple[int | None, NameWords]] = {}


def name_words(using: str) -> NameWords:
    generation = data_generation(using)
    cached = _lexicons.get(using)
    if cached is None or generation is None or cached[0] != generation:
        names = []
        for model in (Speaker, Organization):
            for name, aliases in model.objects.using(using).values_list("name", "aliases"):
                names += [name, *(alias for alias in aliases or [] if isinstance(alias, str))]
        _lexicons[using] = (generation, NameWords(names))
    return _lexicons[using][1]


def corrected(q: str, statements: QuerySet[Statement]) -> str | None:
    """`q` with its misspelled names corrected, if any and if that finds something.

    A word found in the index is left alone, and is checked first (one index probe a
    word): the names are only looked at for a word that finds nothing. A query of words
    that must all match and that finds something has none to correct: one probe."""
    query = search.parse_web_search(q)
    if len(query) == 1 and search.search_statements(statements, q).exists():
        return None
    terms = [term for terms in query for term in terms if not term.negated]
    words = sorted({word for term in terms for word in _WORD.findall(term.text)})
    unknown = [w for w in words if not search.search_statements(statements, w).exists()]
    if not unknown:
        return None
    lexicon = name_words(statements.db)
    replacements = {word: name for word in unknown if (name := lexicon.closest(word))}
    if not replacements:
        return None
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, replacements)) + r")\b")
    fixed = pattern.sub(lambda match: replacements[match.group(1)], q)
    return fixed if search.search_statements(statements, fixed).exists() else None
