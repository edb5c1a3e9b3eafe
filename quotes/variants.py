"""Compounds and the words they are also written as, learned from the corpus itself.

Newsrooms write "landmines", "land mines" and "land-mines", "nonpersistent" and
"non-persistent" for the same thing, and a search for one should find the others (a
search for the head word, "mines", the compound too). A hand list would not keep up
with a growing archive, so the lexicon is read off the texts: a word is a compound of
two words when both also occur on their own, side by side (or hyphenated), far more
often than chance would put them there, and the first mostly comes before the second.
"however" is not "how ever": that pair is rare next to how common "how" is. Rebuilt by
`manage.py rebuild_search_variants` (after load_seed and generate_corpus too);
quotes/search.py expands queries with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from quotes.models import Appearance, SearchVariant, Statement

_WORD = re.compile(r"[^\W\d_]+")
_HYPHENATED = re.compile(r"([^\W\d_]+)[-\u2010\u2011](?=([^\W\d_]+))")
# Parts shorter than this are too often a fragment of an unrelated word ("in" + "to").
MIN_PART = 3
# Side by side this many times more often than two independent words would be, and in
# at least this share of the first word's uses ("land" mostly before "mines"; "how" is
# rarely before "ever"); a hyphenated spelling counts on its own (a writer joining two
# words says they are one).
MIN_LIFT = 3.0
MIN_SHARE = 0.3
CHUNK = 5_000


@dataclass(frozen=True)
class Variant:
    compound: str
    modifier: str
    head: str


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def texts(using: str = "default") -> Iterator[str]:
    """Every searchable text: statements' own words and every outlet's other wording
    (a wording identical to its statement's text would only count it twice)."""
    statements = Statement.objects.using(using).order_by()
    yield from statements.values_list("text", flat=True).iterator(chunk_size=CHUNK)
    printed = Appearance.objects.using(using).exclude(quoted_text=F("statement__text")).order_by()
    yield from printed.values_list("quoted_text", flat=True).iterator(chunk_size=CHUNK)


def splits(vocabulary: Counter[str]) -> dict[str, tuple[str, str]]:
    """Each word that is two other words of the vocabulary run together, with them
    (the longest head wins: "antipersonnel" is "anti" + "personnel")."""
    found: dict[str, tuple[str, str]] = {}
    for word in vocabulary:
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            modifier, head = word[:cut], word[cut:]
            if modifier in vocabulary and head in vocabulary:
                found[word] = (modifier, head)
                break
    return found


def learn(corpus: Iterable[str]) -> list[Variant]:
    """The compounds of `corpus` (an iterable that can be read twice)."""
    vocabulary: Counter[str] = Counter()
    for text in corpus:
        vocabulary.update(words(text))
    candidates = splits(vocabulary)
    wanted = {pair: word for word, pair in candidates.items()}
    side_by_side, hyphenated = _pairs(corpus, wanted)
    total = max(sum(vocabulary.values()), 1)
    variants = []
    for (modifier, head), compound in wanted.items():
        together = side_by_side[(modifier, head)]
        expected = vocabulary[modifier] * vocabulary[head] / total
        associated = together >= MIN_LIFT * expected
        if hyphenated[(modifier, head)] or (
            together and associated and together >= MIN_SHARE * vocabulary[modifier]
        ):
            variants.append(Variant(compound, modifier, head))
    return sorted(variants, key=lambda variant: variant.compound)


def _pairs(
    corpus: Iterable[str], wanted: dict[tuple[str, str], str]
) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """How often each wanted pair stands side by side, and how often hyphenated."""
    together: Counter[tuple[str, str]] = Counter()
    hyphenated: Counter[tuple[str, str]] = Counter()
    if not wanted:
        return together, hyphenated
    modifiers = {modifier for modifier, _ in wanted}
    heads_of: dict[str, set[str]] = {}
    for modifier, head in wanted:
        heads_of.setdefault(modifier, set()).add(head)
    for text in corpus:
        folded = text.casefold()
        tokens = words(folded)
        # Most words start no wanted pair: test the word before building a pair.
        for index in [i for i, token in enumerate(tokens[:-1]) if token in modifiers]:
            if tokens[index + 1] in heads_of[tokens[index]]:
                together[(tokens[index], tokens[index + 1])] += 1
        if "-" in folded or "\u2010" in folded or "\u2011" in folded:
            joined = (match.groups() for match in _HYPHENATED.finditer(folded))
            hyphenated.update(pair for pair in joined if pair in wanted)
    return together, hyphenated


class _Corpus:
    """The database's texts, readable twice (learn() makes two passes)."""

    def __init__(self, using: str) -> None:
        self.using = using

    def __iter__(self) -> Iterator[str]:
        return texts(self.using)


def rebuild_variants(using: str = "default") -> int:
    """Relearn the lexicon from every statement and wording; returns how many compounds.
    Read outside the transaction that replaces the old lexicon, so that writers are not
    held up while a large archive is read."""
    learned = learn(_Corpus(using))
    with transaction.atomic(using=using):
        SearchVariant.objects.using(using).all().delete()
        SearchVariant.objects.using(using).bulk_create(
            SearchVariant(compound=v.compound, modifier=v.modifier, head=v.head) for v in learned
        )
    return len(learned)


class Lexicon:
    """The variants, looked up by compound, by pair and by head word."""

    def __init__(self, variants: Iterable[Variant]) -> None:
        self.by_compound: dict[str, Variant] = {}
        self.by_pair: dict[tuple[str, str], Variant] = {}
        self.by_head: dict[str, list[Variant]] = {}
        for variant in variants:
            self.by_compound[variant.compound] = variant
            self.by_pair[(variant.modifier, variant.head)] = variant
            self.by_head.setdefault(variant.head, []).append(variant)

    @classmethod
    def load(cls, using: str = "default") -> Lexicon:
        rows = SearchVariant.objects.using(using).values_list("compound", "modifier", "head")
        return cls(Variant(*row) for row in rows)

    def compound(self, word: str) -> Variant | None:
        """The compound `word` is, in either number: the corpus may print only
        "landmines" while a reader types "landmine" (then "land" + "mine")."""
        if variant := self.by_compound.get(word):
            return variant
        if (variant := self.by_compound.get(word + "s")) and variant.head.endswith("s"):
            return Variant(word, variant.modifier, variant.head.removesuffix("s"))
        if word.endswith("s") and (variant := self.by_compound.get(word.removesuffix("s"))):
            return Variant(word, variant.modifier, variant.head + "s")
        return None

    def joined(self, modifier: str, head: str) -> Variant | None:
        """The compound the two words are written as, in the head's number: "land mine"
        is "landmine" when the corpus has only "landmines"."""
        if variant := self.by_pair.get((modifier, head)):
            return variant
        plural = self.by_pair.get((modifier, head + "s"))
        if plural and plural.compound.endswith("s"):
            return Variant(plural.compound.removesuffix("s"), modifier, head)
        if head.endswith("s") and (singular := self.by_pair.get((modifier, head[:-1]))):
            return Variant(singular.compound + "s", modifier, head)
        return None

    def compounds_headed_by(self, word: str) -> list[Variant]:
        """Compounds whose head is `word`, or its plural or singular ("mine", "mines")."""
        forms = {word, word + "s", word.removesuffix("s")} - {""}
        return [variant for form in sorted(forms) for variant in self.by_head.get(form, [])]

    def spellings(self, phrase: list[str], limit: int = 8) -> list[list[str]]:
        """Other ways to write the words of `phrase`: compounds split and pairs joined,
        in every combination ("antipersonnel land mines" → "anti personnel landmines"),
        at most `limit` of them."""
        seen, queue, others = {tuple(phrase)}, [phrase], []
        while queue and len(others) < limit:
            for other in self._one_change(queue.pop(0)):
                if tuple(other) not in seen and len(others) < limit:
                    seen.add(tuple(other))
                    queue.append(other)
                    others.append(other)
        return others

    def _one_change(self, phrase: list[str]) -> list[list[str]]:
        changed = []
        for index, word in enumerate(phrase):
            before, after = phrase[:index], phrase[index + 1 :]
            if variant := self.compound(word):
                changed.append([*before, variant.modifier, variant.head, *after])
            if after and (variant := self.joined(word, after[0])):
                changed.append([*before, variant.compound, *after[1:]])
        return changed
