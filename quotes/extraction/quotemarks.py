"""Finding quoted stretches: straight and curly marks, paired, across paragraphs.

Pure string work, no parse: the attribution rules decide afterwards which quotes are
speech and which are scare quotes, titles or nicknames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

QUOTE_MARKS = '"“”„‟«»'
OPENING_GLYPHS = "“„‟«"
CLOSING_GLYPHS = "”»"
# Characters that may stand right outside a quote: 'She said, “No.”' / '(“No”)'.
# Invisible direction and width marks count as spaces: '\u202a”This is why …,”'.
_INVISIBLE = "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff"
_OUTSIDE_LEFT = "([{—–-/:;,\u00a0" + _INVISIBLE
_OUTSIDE_RIGHT = ".,;:!?)]}—–-\u00a0…'’" + _INVISIBLE
# Markup left in a text: '<tweet id="74796…" author="@GideonResnick">' holds no quotes.
_MARKUP = re.compile(r"<[a-zA-Z/][^<>\n]{0,500}>")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Two apostrophes as a double quotation mark, The New York Times' plain-text convention:
# "''You hear that a lot,'' said Representative Dan Kildee."
_DOUBLE_APOSTROPHE = re.compile(r"''")


@dataclass(frozen=True)
class Quote:
    """A quoted stretch from its opening mark to just after its closing mark (or to the
    end of its last paragraph when the mark never closes)."""

    start: int
    end: int
    closed: bool = True
    paragraphs: int = 1
    # Opened by two apostrophes ("''Yes,'' he said"), not by a quotation mark: the
    # corpus the extractor is measured on counts only quotation marks as quoting, so
    # such a quote widens the content but leaves the candidate's kind as it was.
    apostrophes: bool = False

    def inner(self, text: str) -> str:
        body = text[self.start : self.end]
        return body.strip(QUOTE_MARKS + " \n")

    def words(self, text: str) -> int:
        return len(_WORD.findall(self.inner(text)))


def _direction(text: str, i: int) -> str:
    """'open', 'close' or '?' for the mark at `i`, from what flanks it first and its
    glyph second, so a wrongly curled mark still pairs: '”Yes,” he said.'"""
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    space_before = before.isspace() or before in _OUTSIDE_LEFT or before in QUOTE_MARKS
    space_after = after.isspace() or after in _OUTSIDE_RIGHT or after in QUOTE_MARKS
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    if text[i] in OPENING_GLYPHS:
        return "open"
    if text[i] in CLOSING_GLYPHS:
        return "close"
    return "?"


def _paragraph_end(text: str, i: int) -> int:
    """The end of the paragraph holding `i`, trailing spaces left out."""
    newline = text.find("\n", i)
    end = len(text) if newline < 0 else newline
    while end > i and text[end - 1].isspace():
        end -= 1
    return end


def _starts_paragraph(text: str, i: int) -> bool:
    line_start = text.rfind("\n", 0, i) + 1
    return text[line_start:i].strip() == ""


def find_quotes(text: str) -> list[Quote]:
    """Every quoted stretch of `text`, in order.

    '“We will fight,” he said.' → one quote; a quote left open at the end of a paragraph
    and resumed by an opening mark at the start of the next (the newspaper convention
    for multi-paragraph quotes) → one quote over both; a mark that never closes → a
    quote to the end of its paragraph, `closed` False.
    """
    quotes: list[Quote] = []
    opened: int | None = None
    last = paragraphs = 0
    markup = {i for m in _MARKUP.finditer(text) for i in range(m.start(), m.end())}
    original, text = text, _apostrophe_pairs_as_marks(text)
    for i, char in enumerate(text):
        if char not in QUOTE_MARKS or i in markup:
            continue
        direction = _direction(text, i)
        if opened is None:
            if direction != "close":  # a stray closing mark opens nothing
                opened, last, paragraphs = i, i, 1
            continue
        if "\n" not in text[last:i]:
            if direction != "open":
                quotes.append(Quote(opened, i + 1, True, paragraphs))
                opened = None
                continue
            # '“He said “yes”': the first mark never closed.
            quotes.append(Quote(opened, _trimmed_end(text, opened, i), False, paragraphs))
        elif direction != "close" and _starts_paragraph(text, i):
            # '“First paragraph …\n\n“Second paragraph …”': the quote goes on.
            last, paragraphs = i, paragraphs + 1
            continue
        elif direction == "close" and text.count("\n\n", last, i) <= 1:
            # '“So the Ukrainians are taking losses.\n\nThese mines were made for this.”':
            # a paragraph break the source put inside the quote.
            quotes.append(Quote(opened, i + 1, True, paragraphs + 1))
            opened = None
            continue
        else:
            end = _trimmed_end(text, opened, _paragraph_end(text, last))
            quotes.append(Quote(opened, end, False, paragraphs))
        opened = None
        if direction != "close":
            opened, last, paragraphs = i, i, 1
    if opened is not None:
        end = _trimmed_end(text, opened, _paragraph_end(text, last))
        quotes.append(Quote(opened, end, False, paragraphs))
    if original is text:
        return quotes
    return [
        replace(q, apostrophes=True) if original[q.start - 1 : q.start + 1] == "''" else q
        for q in quotes
    ]


def _trimmed_end(text: str, opened: int, end: int) -> int:
    """`end` moved back over spaces, never before the mark after `opened`."""
    while end > opened + 1 and text[end - 1].isspace():
        end -= 1
    return end


def _apostrophe_pairs_as_marks(text: str) -> str:
    """`text` with each pair of apostrophes standing for a quotation mark turned into one
    mark and a space, of the same length (offsets unchanged): the mark takes the inner
    apostrophe's place, so "''Yes,'' he said" pairs as "' "Yes,"  he said" would, and the
    quote runs from the inner apostrophe of the opening pair to that of the closing one."""
    if "''" not in text:
        return text

    def mark(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else "\n"
        after = text[match.end()] if match.end() < len(text) else "\n"
        opening = (before.isspace() or before in "([{—–-/\u00a0" + QUOTE_MARKS) and not (
            after.isspace()
        )
        return ' "' if opening else '" '

    return _DOUBLE_APOSTROPHE.sub(mark, text)
