"""An outlet's wording with its word-level differences from the canonical text marked.

The same comparison as Appearance.differences() (quotes.models.word_differences):
words only, case, punctuation and apostrophe styles aside. Here the differences are put
in place: the printed wording as printed, with added or changed words in <ins> and the
canonical words it dropped or changed in <del> where they would have stood.
"""

import difflib
from html import escape

from django.utils.safestring import SafeString, mark_safe

# The models' word pattern, so that the site marks exactly what differences() lists.
from quotes.models import _WORD, word_key


def marked_wording(canonical: str, printed: str) -> SafeString:
    """`printed` as HTML, escaped, with <ins>/<del> around the words that differ."""
    ours, theirs = list(_WORD.finditer(canonical)), list(_WORD.finditer(printed))
    matcher = difflib.SequenceMatcher(
        a=[word_key(m.group()) for m in ours],
        b=[word_key(m.group()) for m in theirs],
        autojunk=False,
    )
    out: list[str] = []
    at = 0  # how much of `printed` is out

    def upto(end: int) -> None:
        nonlocal at
        out.append(escape(printed[at:end]))
        at = end

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            upto(theirs[j2 - 1].end())
            continue
        if j1 < j2:
            upto(theirs[j1].start())
        if i1 < i2:
            dropped = canonical[ours[i1].start() : ours[i2 - 1].end()]
            spacer = " " if out and not out[-1].endswith(" ") and j1 == j2 else ""
            after = " " if j1 < j2 or printed[at : at + 1].isalnum() else ""
            out.append(f"{spacer}<del>{escape(dropped)}</del>{after}")
        if j1 < j2:
            added = printed[theirs[j1].start() : theirs[j2 - 1].end()]
            out.append(f"<ins>{escape(added)}</ins>")
            at = theirs[j2 - 1].end()
    upto(len(printed))
    return mark_safe("".join(out))


def differs(canonical: str, printed: str) -> bool:
    keys = [word_key(m.group()) for m in _WORD.finditer(canonical)]
    return keys != [word_key(m.group()) for m in _WORD.finditer(printed)]
