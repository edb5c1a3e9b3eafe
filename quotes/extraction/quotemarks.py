"""Finding quoted stretches: straight and curly marks, paired, across paragraphs.

Pure string work, no parse: the attribution rules decide afterwards which quotes are
speech and which are scare quotes, titles or nicknames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTE_MARKS = '"“”„‟«»'
OPENING_GLYPHS = "“„‟«"
CLOSING_GLYPHS = "”»"
# Characters that may stand right outside a quote: 'She said, “No.”' / '(“No”)'.
_OUTSIDE_LEFT = "([{—–-/:;,\u00a0"
_OUTSIDE_RIGHT = ".,;:!?)]}—–-\u00a0…'’"
# Markup left in a text: '<tweet id="74796…" author="@GideonResnick">' holds no quotes.
_MARKUP = re.compile(r"<[a-zA-Z/][^<>\n]{0,500}>")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class Quote:
    """A quoted stretch from its opening mark to just after its closing mark (or to the
    end of its last paragraph when the mark never closes)."""

    start: int
    end: int
    closed: bool = True
    paragraphs: int = 1

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
    return quotes


def _trimmed_end(text: str, opened: int, end: int) -> int:
    """`end` moved back over spaces, never before the mark after `opened`."""
    while end > opened + 1 and text[end - 1].isspace():
        end -= 1
    return end
