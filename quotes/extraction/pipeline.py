"""From an article's text to candidate statements: the library entry point."""

from __future__ import annotations

import datetime
import re
from typing import Any

from spacy.tokens import Doc

from quotes.extraction import lexicon
from quotes.extraction.attribution import Frame, doc_text, find_frames
from quotes.extraction.quotemarks import QUOTE_MARKS, find_quotes
from quotes.extraction.types import Candidate, Kind, TextSpan

EXTRACTOR_VERSION = "0.1"
_WORDS = re.compile(r"[^\W_]+")


def kind_of(doc: Doc, frame: Frame) -> Kind:
    """direct: nothing outside the quotes but the attribution ('“We will fight,” he
    said.'); partial: quoted words inside reported speech ('said the plan was “dead on
    arrival”'); written: a written cue; paraphrase: no quotation marks."""
    if not frame.quotes:
        return "written" if is_written(frame) else "paraphrase"
    outside = set(range(frame.start, frame.end))
    for quote in frame.quotes:
        outside -= set(range(quote.start, quote.end))
    for token in frame.cue:
        outside -= set(range(token.idx, token.idx + len(token.text)))
    if frame.source is not None:
        outside -= set(range(frame.source.start_char, frame.source.end_char))
    text = doc_text(doc)
    leftover = "".join(text[i] for i in sorted(outside))
    return "partial" if _WORDS.search(leftover.strip(QUOTE_MARKS)) else "direct"


def is_written(frame: Frame) -> bool:
    """'…, she wrote.', 'said in a statement', 'in an emailed statement', 'the statement
    said', 'an alert issued by the State Department reads'."""
    if frame.family == "written":
        return True
    if frame.source is not None and frame.source.root.lower_ in lexicon.DOCUMENT_NOUNS:
        return True
    for child in frame.head.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "via", "through", "by"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects and objects[0].lower_ in lexicon.WRITTEN_SETTINGS:
                return True
    return False


def candidates_from_doc(
    doc: Doc, *, published_on: datetime.date | None, gazetteer: Any = None
) -> list[Candidate]:
    text = doc_text(doc)
    quotes = find_quotes(text)
    frames = find_frames(doc, quotes)
    out = []
    for frame in frames:
        source = frame.source
        from quotes.extraction.types import Speaker

        speaker = (
            Speaker(TextSpan(source.start_char, source.end_char, source.text), source.text)
            if source is not None
            else None
        )
        cue = TextSpan(
            frame.cue[0].idx,
            frame.cue[-1].idx + len(frame.cue[-1].text),
            " ".join(t.text for t in frame.cue),
        )
        out.append(
            Candidate(
                start=frame.start,
                end=frame.end,
                text=text[frame.start : frame.end],
                kind=kind_of(doc, frame),
                speaker=speaker,
                cue=cue,
                confidence=0.5,
                rule=frame.rule,
                written=is_written(frame),
                quotes=[TextSpan(q.start, q.end, text[q.start : q.end]) for q in frame.quotes],
                extractor_version=EXTRACTOR_VERSION,
            )
        )
    return out


def jsonl_row(path: str, candidate: Candidate) -> dict[str, Any]:
    speaker = candidate.speaker
    return {
        "file": path,
        "start": candidate.start,
        "end": candidate.end,
        "text": candidate.text,
        "kind": candidate.kind,
        "speaker": None
        if speaker is None
        else {
            "start": speaker.mention.start,
            "end": speaker.mention.end,
            "text": speaker.mention.text,
            "name": speaker.name,
            "anonymous": speaker.anonymous,
            "description": speaker.description,
            "organization": speaker.organization,
            "speaker_id": speaker.speaker_id,
        },
        "cue": candidate.cue.text if candidate.cue else None,
        "rule": candidate.rule,
    }
