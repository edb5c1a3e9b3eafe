"""What the attribution rules yield, and the text helpers they share: a Frame ties a cue,
a source and the content's characters; cue_family says which verbs cue at all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from quotes.extraction import lexicon
from quotes.extraction.quotemarks import Quote


@dataclass
class Frame:
    """One attribution: `source` (or None) said `content` [start, end) through `cue`."""

    cue: list[Token]
    lemma: str
    family: str  # speech, written, finding, belief, according
    source: Span | None
    start: int
    end: int
    rule: str
    quotes: list[Quote] = field(default_factory=list)

    @property
    def head(self) -> Token:
        return self.cue[0]


def cue_family(token: Token, any_verb: bool = False) -> tuple[str, str] | None:
    """The lemma and family of a verb that can cue an attribution: 'told' → (tell, speech);
    a verb learned from the train split ('endorsed') → (endorsed, learned). With
    `any_verb`, every verb is a learned cue (to measure them all when learning)."""
    if not token.tag_.startswith("VB"):
        return None
    form = token.lower_
    if form in ("put", "puts", "putting") and any(
        c.dep_ == "dobj" and c.lower_ == "it" for c in token.children
    ):
        return "put it", "speech"  # 'As Vulture put it, “Hello, it’s the Biebs.”'
    phrasal = lexicon.PHRASAL_FORMS.get(form)
    if phrasal and any(
        c.dep_ == "prt" and c.lower_ == lexicon.PHRASAL_VERBS[phrasal] for c in token.children
    ):
        return phrasal, "speech"
    for family, forms in (
        ("written", lexicon.WRITTEN_FORMS),
        ("speech", lexicon.SPEECH_FORMS),
        ("finding", lexicon.FINDING_FORMS),
        ("belief", lexicon.BELIEF_FORMS),
    ):
        if form in forms:
            return forms[form], family
    if any_verb or form in lexicon.learned_cues():
        return form, "learned"
    return None


def doc_text(doc: Doc) -> str:
    """The Doc's text, joined once: spaCy rebuilds `doc.text` from its tokens each time."""
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return doc.user_data["text"]


def char_span(tokens: Iterable[Token]) -> tuple[int, int]:
    tokens = sorted(tokens, key=lambda t: t.i)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """[start, end) without spaces, commas or dashes at either end (quotes kept)."""
    text = doc_text(doc)
    junk = " \n\t\u00a0,;:—–-"
    while start < end and text[start] in junk:
        start += 1
    while end > start and text[end - 1] in junk:
        end -= 1
    return start, end


def with_quotes(start: int, end: int, quotes: list[Quote]) -> tuple[int, int, list[Quote]]:
    """[start, end) widened to every quote it touches: 'said the plan was “dead on
    arrival”' keeps the whole quoted phrase with its marks."""
    touched = [q for q in quotes if q.start < end and q.end > start]
    if touched:
        start = min(start, touched[0].start)
        end = max(end, touched[-1].end)
    return start, end, touched


def in_quote(token: Token, quotes: list[Quote]) -> bool:
    """Whether a token is inside a closed quote (an unclosed one may well run over its own
    attribution: '“We will fight, the mayor said.')."""
    return any(q.closed and q.start < token.idx < q.end - 1 for q in quotes)


def sentence_bounds(sent: Span) -> tuple[int, int]:
    words = [t for t in sent if not t.is_space]
    return (words[0].idx, words[-1].idx + len(words[-1].text)) if words else (sent.start_char,) * 2


def token_range(span: Span | None) -> tuple[int, int]:
    return (span.start, span.end) if span is not None else (0, 0)
