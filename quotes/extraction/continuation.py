"""Quotes no cue claimed: continued from the attributed quote before them (in its
paragraph, or the paragraph after), or credited to the name beside them."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from quotes.extraction import lexicon
from quotes.extraction.frames import Frame, doc_text
from quotes.extraction.quotemarks import QUOTE_MARKS, Quote

# Uncued quotes of fewer words were right only about half the time on train (0.45 of those of
# three to seven words matched a quoted attribution, 0.7 of the longer ones): below the
# quoted precision wanted, so they are left out.
UNATTRIBUTED_MIN_WORDS = 8


def unattributed_quotes(doc: Doc, frames: list[Frame], quotes: list[Quote]) -> list[Frame]:
    """A quoted sentence of eight words or more that no cue claims is still someone's
    words (a scare quote is shorter and has no sentence's end): credited to the nearest
    person or organization named in its sentence outside the quote."""
    text = doc_text(doc)
    found = []
    for quote in quotes:
        if quote.words(text) < UNATTRIBUTED_MIN_WORDS or text[quote.end - 2] not in ".?!,":
            continue
        if any(f.start < quote.end and f.end > quote.start for f in frames + found):
            continue
        source = _nearest_source(doc, frames, quote)
        if source is None:
            continue
        head = source.root
        found.append(
            Frame(
                [head],
                "",
                "unattributed",
                source,
                quote.start,
                quote.end,
                "unattributed-quote",
                [quote],
            )
        )
    return found


def _nearest_source(doc: Doc, frames: list[Frame], quote: Quote) -> Span | None:
    """Who an unattributed quote most likely belongs to: a person named in its own
    sentence outside the quote, nearest first ('“…,” Sarandon continued with a laugh').
    The speaker of the attribution before it was tried too, and was wrong too often."""
    span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
    sentences = {t.sent.start for t in span} if span is not None else set()
    around = [
        e
        for e in doc.ents
        if e.label_ in ("PERSON", "ORG")
        and e.sent.start in sentences
        and (e.end_char <= quote.start or e.start_char >= quote.end)
    ]
    if around:
        return min(
            around, key=lambda e: min(abs(e.start_char - quote.end), abs(quote.start - e.end_char))
        )
    return None


def continue_quotes(text: str, frames: list[Frame], quotes: list[Quote]) -> None:
    """A quote that follows an attributed quote in the same paragraph, with nothing but
    the attribution between, continues it: '“It is going well,” Ross said. “Police are
    out there doing their jobs.”' is one candidate over both quotes."""
    taken = [(f.start, f.end) for f in frames]
    cues = [(f.head.idx, f.head.idx + len(f.head.text)) for f in frames]
    for quote in quotes:
        if any(s < quote.end and e > quote.start for s, e in taken):
            continue
        after = [f for f in frames if f.start >= quote.end and f.quotes]
        if (
            after
            and not text[quote.end : min(f.start for f in after)].strip(" ")
            and (text[quote.end - 2] in ".?!")
        ):
            # '“A.” “B,” the official said.': the quote goes with the attribution after it.
            frame = min(after, key=lambda f: f.start)
            frame.start = quote.start
            frame.quotes.insert(0, quote)
            taken.append((quote.start, quote.end))
            continue
        before = [f for f in frames if f.end <= quote.start and f.quotes]
        # 'Greene added that the Fed wants out of the way. “They don’t like to talk
        # about it …”': a quote right after reported speech goes on with it.
        before += [
            f
            for f in frames
            if not f.quotes
            and f.family in ("speech", "written")
            # Not a remark inside another's source: '…,” said Bob Mulholland, who has
            # accused Sanders supporters of harassing his peers. “…”' goes on with said.
            and f.head.dep_ != "relcl"
            and f.end <= quote.start
            and text[f.end : quote.start].strip(" .") == ""
        ]
        if not before:
            continue
        frame = max(before, key=lambda f: f.end)
        gap = text[frame.end : quote.start]
        if "\n" in gap or len(gap) > 120 or any(m in gap for m in QUOTE_MARKS):
            if not _attribution_between(text, frame, quote, gap):
                continue
        # '“…,” Christie said, adding that he had fought for bills. “A leader …”': the
        # gap holds another attribution, so the quote is not simply continued.
        elif (
            any(frame.end <= s < quote.start for s, _ in taken)
            or sum(frame.end <= s < quote.start for s, _ in cues) > 1
        ) and not _attribution_between(text, frame, quote, gap):
            continue
        frame.end = quote.end
        frame.quotes.append(quote)
        taken.append((quote.start, quote.end))


def _attribution_between(text: str, frame: Frame, quote: Quote, gap: str) -> bool:
    """Whether the gap between two quotes is the first quote's own attribution sentence,
    however long: '“A,” said Bob Mulholland, a superdelegate who has accused Sanders
    supporters of harassing his peers. “B.”' (the annotators' content runs over both
    quotes and the attribution)."""
    if "\n" in gap or len(gap) > 300 or any(m in gap for m in QUOTE_MARKS):
        return False
    return frame.end <= frame.head.idx < quote.start and gap.rstrip().endswith((".", ":"))


def continue_over_paragraphs(text: str, frames: list[Frame], quotes: list[Quote]) -> None:
    """A paragraph that is one quote with no cue of its own, right after a paragraph
    whose attributed quote it goes on with, continues that candidate: '“…,” Miller
    said.\n\n“And when it comes to the sovereign assets, …”' is one candidate over both
    (the annotators mostly count it as one attribution; a candidate of its own for the
    second paragraph was right only about half the time on the train split). So does one
    after reported speech: 'Kerry said that 100,000 would be accepted.\n\n“That adds up
    to 185,000 over two years.”'."""
    for quote in quotes:
        if not (quote.closed and _starts_paragraph_at(text, quote.start)):
            continue
        if text[quote.end : text.find("\n", quote.end) % (len(text) + 1)].strip():
            continue  # more than the quote in its paragraph
        if any(f.start < quote.end and f.end > quote.start for f in frames):
            continue
        previous = text.rfind("\n", 0, quote.start - 1)
        before = [
            f
            for f in frames
            if (f.quotes or f.family in ("speech", "written"))
            and previous - 400 < f.end <= quote.start
        ]
        if not before:
            continue
        model = max(before, key=lambda f: f.end)
        if (
            "\n" in text[model.end : quote.start].strip(" ")
            and model.source is not None
            and _paragraphs_between(text, model.end, quote.start) <= 1
            # 'Transcript as follows:' leads into something else.
            and not text[model.end : quote.start].rstrip().endswith(":")
        ):
            model.end = quote.end
            model.quotes.append(quote)


def _starts_paragraph_at(text: str, i: int) -> bool:
    return text[text.rfind("\n", 0, i) + 1 : i].strip() == ""


def _paragraphs_between(text: str, start: int, end: int) -> int:
    return len([p for p in text[start:end].split("\n") if p.strip()]) - 1


# '“…” ― Krystal Correa' / '“…”\n\n- Bernie Sanders.': a quote credited by a dash and a
# name closing its paragraph (or standing alone in the next), as under an epigraph.
_DASH_CREDIT = re.compile(
    r"[ \t\u00a0]*\n?[ \t\u00a0]*\n?[ \t\u00a0]*(?:[―—–]|--?)[ \t\u00a0]*"
    r"(?P<name>[A-Z][\w.'’-]*(?:[ \t\u00a0]+(?:[A-Z][\w.'’-]*|of|de|la|van|von)){0,5})"
    r"(?P<tail>[^\n“”\"]{0,80}?)[ \t\u00a0.]*(?=\n|$)"
)


def dash_credits(doc: Doc, frames: list[Frame], quotes: list[Quote]) -> list[Frame]:
    """A quote opening its paragraph and credited by a dash and a name after it, with
    nothing else between: '“We can build a better city.” ― Ana Ruiz' → Ana Ruiz's. The
    name may be followed by a short description ('― Ana Ruiz, a nurse in Tucson'), not by
    another clause; a news agency's credit ('- Reuters.') names no speaker."""
    text = doc_text(doc)
    found = []
    for quote in quotes:
        if not quote.closed or quote.words(text) < 2 or not _starts_paragraph_at(text, quote.start):
            continue
        match = _DASH_CREDIT.match(text, quote.end)
        if match is None or any(f.start < quote.end and f.end > quote.start for f in frames):
            continue
        tail = match.group("tail").strip()
        if tail and not tail.startswith(","):
            continue
        name = match.group("name").rstrip(".")
        if name.lower() in lexicon.OUTLETS or name.lower() in _AGENCIES:
            continue
        source = doc.char_span(
            match.start("name"), match.start("name") + len(name), alignment_mode="expand"
        )
        if source is None or source.root.ent_type_ in ("DATE", "TIME", "GPE"):
            continue
        frame = Frame(
            [source.root], "", "speech", source, quote.start, quote.end, "dash-credit", [quote]
        )
        found.append(frame)
    return found


_AGENCIES = frozenset(["reuters", "ap", "afp", "associated press", "upi", "getty", "getty images"])
