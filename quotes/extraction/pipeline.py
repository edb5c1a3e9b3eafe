"""From an article's text to candidate statements: the library entry point."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from spacy.tokens import Doc

from quotes.extraction import context, lexicon
from quotes.extraction.attribution import Frame, doc_text, find_frames
from quotes.extraction.documents import prepare
from quotes.extraction.gazetteer import Gazetteer
from quotes.extraction.nlp import DEFAULT_MODEL, load_pipeline
from quotes.extraction.quotemarks import QUOTE_MARKS, find_quotes
from quotes.extraction.speakers import SpeakerResolver
from quotes.extraction.types import Candidate, Kind, Speaker, TextSpan

EXTRACTOR_VERSION = "1.3"
_WORDS = re.compile(r"[^\W_]+")
# How sure each content rule is, before the speaker is taken into account.
RULE_CONFIDENCE = {
    "clause": 0.85,
    "according": 0.85,
    "adjacent-quote": 0.8,
    "interrupted": 0.8,
    "dash-credit": 0.75,
    "colon": 0.75,
    "parenthetical": 0.7,
    "quoted-complement": 0.65,
    "object": 0.6,
    "nominal": 0.6,
    "poll": 0.6,
    "passive": 0.5,
    "unattributed-quote": 0.35,
}


def extract(
    text: str,
    *,
    published_on: datetime.date | None = None,
    gazetteer: Gazetteer | None = None,
    model: str = DEFAULT_MODEL,
) -> list[Candidate]:
    """The candidate statements of an article, in order of their offsets.

    `text` is plain text or the seed format (<TITLE>, <PUBLISHED_DATE>, <CONTENT> …);
    offsets in the candidates are offsets into `text`. `published_on` (or the seed
    format's <PUBLISHED_DATE>) resolves 'on Wednesday' to a day; `gazetteer` resolves
    names to known speakers and organizations.
    """
    article = prepare(text, published_on)
    doc = load_pipeline(model)(article.prose)
    return candidates_from_doc(doc, published_on=article.published_on, gazetteer=gazetteer)


def extract_many(
    articles: Sequence[tuple[str, datetime.date | None]],
    *,
    gazetteer: Gazetteer | None = None,
    model: str = DEFAULT_MODEL,
) -> list[list[Candidate]]:
    """extract() of each (text, published_on), the texts parsed together (`nlp.pipe`
    batches the network's work: about a sixth less time than one article at a time)."""
    prepared = [prepare(text, published_on) for text, published_on in articles]
    docs = load_pipeline(model).pipe(
        (article.prose for article in prepared), batch_size=max(len(prepared), 1)
    )
    return [
        candidates_from_doc(doc, published_on=article.published_on, gazetteer=gazetteer)
        for article, doc in zip(prepared, docs, strict=True)
    ]


def candidates_from_doc(
    doc: Doc, *, published_on: datetime.date | None, gazetteer: Gazetteer | None = None
) -> list[Candidate]:
    """The candidates of an already parsed article (the benchmark parses in batches)."""
    text = doc_text(doc)
    frames = find_frames(doc, find_quotes(text))
    resolver = SpeakerResolver(doc, gazetteer)
    reasons = article_anonymity_reasons(doc)
    out = []
    # Speakers are resolved in reading order, so 'he' finds the person named before it.
    for frame in sorted(frames, key=_reading_position):
        speaker = resolver.resolve(frame.source) if frame.source is not None else None
        out.append(_candidate(doc, frame, speaker, published_on, gazetteer, reasons))
    return sorted(out, key=lambda c: (c.start, c.end))


def _reading_position(frame: Frame) -> int:
    return frame.source.start_char if frame.source is not None else frame.head.idx


def _candidate(doc, frame, speaker, published_on, gazetteer, reasons) -> Candidate:
    text = doc_text(doc)
    _, attribution = context.attribution_text(frame, frame.head.sent)
    said_on, precision = context.said_on(attribution, published_on)
    setting, location = context.setting(frame)
    reason = context.anonymity_reason(attribution)
    if speaker is not None and speaker.anonymous and not reason:
        reason = reasons.get(_head_word(speaker), "")
    cue = None
    if frame.family != "unattributed":
        cue = TextSpan(
            frame.cue[0].idx,
            max(t.idx + len(t.text) for t in frame.cue),
            " ".join(t.text for t in sorted(frame.cue, key=lambda t: t.i)),
        )
    return Candidate(
        start=frame.start,
        end=frame.end,
        text=text[frame.start : frame.end],
        kind=kind_of(doc, frame),
        speaker=speaker,
        cue=cue,
        confidence=confidence(frame, speaker),
        rule=frame.rule if frame.family != "learned" else f"{frame.rule}, learned cue",
        via=context.relay(frame, gazetteer),
        setting=setting,
        location=location,
        said_on=said_on,
        said_on_precision=precision,
        anonymity_reason=reason[:500],
        written=is_written(frame),
        quotes=[TextSpan(q.start, q.end, text[q.start : q.end]) for q in frame.quotes],
        extractor_version=EXTRACTOR_VERSION,
    )


def confidence(frame: Frame, speaker: Speaker | None) -> float:
    """A rough 0..1: the content rule's reliability, less for a learned or belief cue,
    more for a speaker the gazetteer knows, less for none at all."""
    score = RULE_CONFIDENCE.get(frame.rule, 0.6)
    if frame.family in ("learned", "belief", "finding"):
        score -= 0.15
    if speaker is None:
        score -= 0.2
    elif speaker.speaker_id is not None or speaker.organization_id is not None:
        score += 0.1
    return round(min(max(score, 0.05), 0.99), 2)


def _head_word(speaker: Speaker) -> str:
    words = speaker.name.lower().split()
    return words[-1].rstrip("s") if words else ""


def article_anonymity_reasons(doc: Doc) -> dict[str, str]:
    """Reasons printed once for the unnamed sources of a kind: 'The officials spoke on the
    condition of anonymity to candidly discuss sensitive internal White House
    deliberations.' applies to every unnamed official of the article."""
    reasons: dict[str, str] = {}
    for sent in doc.sents:
        reason = context.anonymity_reason(sent.text)
        if not reason:
            continue
        for token in sent:
            head = token.lower_.rstrip("s")
            if head in lexicon.ANONYMOUS_NOUNS and head not in reasons:
                reasons[head] = reason
    return reasons


def kind_of(doc: Doc, frame: Frame) -> Kind:
    """direct: nothing outside the quotes but the attribution ('“We will fight,” he
    said.'); partial: quoted words inside reported speech ('said the plan was “dead on
    arrival”'); written: a written statement without quotation marks ('the Pentagon
    said in a statement that …'); paraphrase: reported speech without quotation marks."""
    marked = [q for q in frame.quotes if not q.apostrophes]  # see Quote.apostrophes
    if not marked:
        return "written" if is_written(frame) else "paraphrase"
    outside = set(range(frame.start, frame.end))
    for quote in marked:
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


def jsonl_row(path: str, candidate: Candidate) -> dict[str, Any]:
    """One line of `extract_quotes --format jsonl`: the evaluation's interface."""
    speaker = candidate.speaker
    via = candidate.via
    match = candidate.matches_statement
    return {
        "file": path,
        "start": candidate.start,
        "end": candidate.end,
        "text": candidate.text,
        "kind": candidate.kind,
        "statement_kind": candidate.statement_kind,
        "speaker": None if speaker is None else _speaker_row(speaker),
        "cue": candidate.cue.text if candidate.cue else None,
        "via": via.name if via else None,
        "setting": candidate.setting,
        "location": candidate.location,
        "said_on": candidate.said_on.isoformat() if candidate.said_on else None,
        "said_on_precision": candidate.said_on_precision,
        "anonymity_reason": candidate.anonymity_reason,
        "matches_statement": None
        if match is None
        else {"id": match.statement_id, "similarity": match.similarity},
        "confidence": candidate.confidence,
        "rule": candidate.rule,
        "extractor_version": candidate.extractor_version,
    }


def _speaker_row(speaker: Speaker) -> dict[str, Any]:
    return {
        "start": speaker.mention.start,
        "end": speaker.mention.end,
        "text": speaker.mention.text,
        "name": speaker.name,
        "anonymous": speaker.anonymous,
        "organization_speaking": speaker.is_organization,
        "description": speaker.description,
        "title": speaker.title,
        "organization": speaker.organization,
        "country": speaker.country,
        "speaker_id": speaker.speaker_id,
        "organization_id": speaker.organization_id,
        "match_score": speaker.match_score,
    }
