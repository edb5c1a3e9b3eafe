"""From the extractor's output to Candidate rows: the reads an import needs before it
writes (gazetteer, statement matches, speakers' roles), and the row each candidate
becomes. Reads only; quotes.services stores the rows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Max, Sum

from quotes.extraction import EXTRACTOR_VERSION, Gazetteer, TextSpan, extract
from quotes.extraction import Candidate as Extracted
from quotes.extraction.quotemarks import CLOSING_GLYPHS, OPENING_GLYPHS
from quotes.extraction.resolve import (
    gazetteer_from_database,
)
from quotes.extraction.types import StatementMatch
from quotes.models import (
    Affiliation,
    Appearance,
    Organization,
    OrganizationKind,
    Source,
    Speaker,
    Statement,
)

from .articles import Article
from .matching import may_be_similar, repeated_statements, word_counts
from .models import Candidate
from .outlets import KnownOutlet, OutletFinding, OutletIndex
from .outlets import find_outlet as find_in_index
from .remembering import RememberingGazetteer

__all__ = ["EXTRACTOR_VERSION", "may_be_similar", "word_counts"]
# At accept time, a statement accepted since the import is the same remark only if its
# wording is nearly the same (the extractor's own threshold, 0.6, is for proposing).
REPEATED_SINCE = 0.85

OPENING = OPENING_GLYPHS + '"'
CLOSING = CLOSING_GLYPHS + '"'
# A paraphrase's content starts after its complementizer: 'said that the mines …'.
_THAT = re.compile(r"that\s+", re.I)  # matched at the span's start
# Attribution printed around the wording, kept when speaker and cue are this close.
ATTRIBUTION_REACH = 200
_gazetteer_cache: dict[str, tuple[tuple, Gazetteer]] = {}
_outlet_cache: dict[str, tuple[tuple, OutletIndex]] = {}


def gazetteer(using: str = "default") -> Gazetteer:
    """The gazetteer of known speakers and organizations, rebuilt only when they changed
    (their counts, latest change and versions): building it reads every speaker, which
    at 20,000 speakers costs more than extracting an article."""
    key = _people_fingerprint(using)
    cached = _gazetteer_cache.get(using)
    if cached is None or cached[0] != key:
        cached = (key, RememberingGazetteer(gazetteer_from_database(using)))
        _gazetteer_cache[using] = cached
    return cached[1]


def _people_fingerprint(using: str) -> tuple:
    # Counts and the highest id notice additions and deletions; the latest change (a
    # speaker) and the sum of versions (every write through quotes.services bumps one)
    # notice edits.
    speakers = Speaker.objects.using(using).aggregate(
        n=Count("id"), last=Max("id"), at=Max("updated_at"), v=Sum("version")
    )
    organizations = Organization.objects.using(using).aggregate(
        n=Count("id"), last=Max("id"), v=Sum("version")
    )
    roles = Affiliation.objects.using(using).aggregate(
        n=Count("id"), last=Max("id"), v=Sum("version")
    )
    return (*speakers.values(), *organizations.values(), *roles.values())


def find_outlet(article: Article, using: str = "default") -> OutletFinding | None:
    return find_in_index(article, outlet_index(using))


def outlet_index(using: str = "default") -> OutletIndex:
    """The known news outlets, rebuilt only when they changed (as the gazetteer)."""
    outlets = Organization.objects.using(using).filter(kind=OrganizationKind.NEWS_OUTLET)
    key = tuple(outlets.aggregate(n=Count("id"), last=Max("id"), v=Sum("version")).values())
    cached = _outlet_cache.get(using)
    if cached is None or cached[0] != key:
        known = [
            KnownOutlet(o.pk, o.name, tuple(o.aliases or ()))
            for o in outlets.only("name", "aliases")
        ]
        cached = (key, OutletIndex(known))
        _outlet_cache[using] = cached
    return cached[1]


def extracted(
    text: str, published_on: datetime.date | None, using: str = "default"
) -> list[Extracted]:
    """The extractor's candidates for an article's text, speakers resolved."""
    return extract(
        text,
        published_on=published_on,
        gazetteer=gazetteer(using),
        model=settings.EXTRACTION_SPACY_MODEL,
    )


def wording_span(text: str, start: int, end: int, kind: str) -> tuple[int, int]:
    """Where the wording lies within a candidate's span, as curators record appearances:
    a direct quote without its quotation marks and the comma inside them ('“We will
    fight,” he said' → 'We will fight'); reported speech without its 'that' and final
    stop ('said that the mines would arrive soon.' → 'the mines would arrive soon')."""
    lo, hi = start, end
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    if kind == "direct" and hi - lo > 2 and text[lo] in OPENING and text[hi - 1] in CLOSING:
        lo, hi = lo + 1, hi - 1
    elif kind != "direct" and (that := _THAT.match(text, lo, hi)):
        lo = that.end()
    while hi > lo and text[hi - 1] in ",.;: \n":
        hi -= 1
    return (lo, hi) if hi > lo else (start, end)


def attribution(text: str, found: Extracted) -> str:
    """The attribution as printed: from the speaker's mention to the cue and the relay
    ('one US official told the Post'), when they are printed together."""
    pieces = [p for p in (found.speaker and found.speaker.mention, found.cue) if p]
    if found.via is not None:
        pieces.append(found.via.mention)
    if not pieces:
        return ""
    lo, hi = min(p.start for p in pieces), max(p.end for p in pieces)
    inside = found.start < hi and lo < found.end
    if hi - lo <= ATTRIBUTION_REACH and not inside:
        printed = text[lo:hi]
    else:
        printed = " ".join(p.text for p in sorted(pieces, key=lambda p: p.start))
    return " ".join(printed.split())[:500]


def roles(speaker_ids: Iterable[int], using: str = "default") -> dict[int, tuple[int, str]]:
    """Each speaker's latest role: (organization id, title)."""
    found: dict[int, tuple[int, str]] = {}
    rows = Affiliation.objects.using(using).filter(speaker_id__in=set(speaker_ids))
    for row in rows.order_by("speaker_id", "-start_on").values_list(
        "speaker_id", "organization_id", "title"
    ):
        found.setdefault(row[0], (row[1], row[2]))
    return found


def known_spans(source: Source) -> set[tuple[int, int]]:
    """Spans not to propose again: the source's candidates, whatever their review, and
    its appearances (already curated)."""
    spans = set(source.candidates.values_list("start", "end"))
    for offset, wording in Appearance.objects.filter(source=source).values_list(
        "offset", "quoted_text"
    ):
        spans.add((offset, offset + len(wording)))
    return spans


def is_known(span: tuple[int, int], known: set[tuple[int, int]]) -> bool:
    """The same span, or one covering half of a curated one or more."""
    if span in known:
        return True
    lo, hi = span
    return any(min(hi, b) - max(lo, a) >= (b - a) / 2 for a, b in known)


def new_candidates(
    text: str,
    found: list[Extracted],
    known: set[tuple[int, int]],
    using: str = "default",
    match: bool = True,
) -> list[Candidate]:
    """The rows (without their source yet) for the extractor's candidates in `text` that
    are not known, each matched to the existing statement it repeats (the article's
    searches at once) unless `match` is off (matched already, by a batch's workers)."""
    fresh, seen = [], set()
    for item in found:
        span = wording_span(text, item.start, item.end, item.kind)
        # Nested candidates of this extraction stay; what was known before does not.
        if span not in seen and not is_known(span, known):
            seen.add(span)
            fresh.append((span, item))
    speakers = [
        item.speaker.speaker_id for _, item in fresh if item.speaker and item.speaker.speaker_id
    ]
    held = roles(speakers, using)
    if match:
        items = [item for _, item in fresh]
        for item, found in zip(items, repeated_statements(items, using), strict=True):
            item.matches_statement = found
    return [candidate_row(text, item, span, held) for span, item in fresh]


def repeated_statement(item: Extracted, using: str = "default") -> StatementMatch | None:
    """The existing statement the candidate repeats (see quotes.intake.matching)."""
    return repeated_statements([item], using)[0]


def candidate_row(
    text: str, found: Extracted, span: tuple[int, int], held: dict[int, tuple[int, str]]
) -> Candidate:
    speaker, via, match = found.speaker, found.via, found.matches_statement
    role = held.get(speaker.speaker_id) if speaker and speaker.speaker_id else None
    start, end = span
    return Candidate(
        start=start,
        end=end,
        text=text[start:end],
        kind=found.statement_kind,
        **_speaker_fields(speaker, role),
        said_on=found.said_on,
        said_on_precision=found.said_on_precision,
        setting=found.setting[:300],
        location=found.location[:200],
        anonymity_reason=found.anonymity_reason[:500],
        attribution=attribution(text, found),
        via_id=via.organization_id if via else None,
        via_name=via.name[:200] if via else "",
        matches_statement_id=match.statement_id if match else None,
        match_similarity=match.similarity if match else None,
        confidence=found.confidence,
        extractor_version=found.extractor_version or EXTRACTOR_VERSION,
        proposal=found.as_dict(),
    )


def _speaker_fields(speaker, role: tuple[int, str] | None) -> dict:
    if speaker is None:
        return {}
    return {
        "speaker_id": None if speaker.is_organization else speaker.speaker_id,
        "speaker_mention": speaker.mention.text[:300],
        "speaker_name": speaker.name[:200],
        "speaker_anonymous": speaker.anonymous,
        "speaker_description": speaker.description[:300],
        "speaker_country": speaker.country[:100],
        "speaker_title": (role[1] if role and role[1] else speaker.title)[:200],
        "speaker_key": speaker.key,
        "match_score": speaker.match_score,
        "organization_speaking": speaker.is_organization,
        "organization_id": speaker.organization_id or (role[0] if role else None),
        "organization_name": speaker.organization[:200],
    }


def repeated_since(candidate: Candidate) -> Statement | None:
    """A statement accepted after the candidate was proposed whose wording is nearly the
    candidate's ('“These mines were made …”' in an article's highlights, then its body)."""
    proposed = candidate.proposal.get("quotes", []) if candidate.kind == "partial_quote" else []
    probe = Extracted(
        start=candidate.start,
        end=candidate.end,
        text=candidate.text,
        kind="direct",
        speaker=None,
        cue=None,
        confidence=0.0,
        rule="",
        quotes=[TextSpan(q["start"], q["end"], q["text"]) for q in proposed],
    )
    match = repeated_statement(probe)
    if match is None or match.similarity < REPEATED_SINCE:
        return None
    return Statement.objects.select_related("speaker").filter(pk=match.statement_id).first()


def same_speaker(candidate: Candidate, statement: Statement) -> bool:
    """Whether `statement` can be the candidate's remark as far as who said it goes: the
    same known speaker, the same organization speaking as a body, or a speaker the
    database did not know under the same name; a wording alone does not say who spoke."""
    if candidate.speaker_id is not None:
        return statement.speaker_id == candidate.speaker_id
    if candidate.organization_speaking:
        return statement.speaker_id is None and statement.organization_id in (
            None,
            candidate.organization_id,
        )
    if candidate.speaker_name and statement.speaker_id is not None:
        speaker = statement.speaker
        names = {speaker.name.casefold(), *(alias.casefold() for alias in speaker.aliases)}
        return speaker.is_anonymous == candidate.speaker_anonymous and (
            candidate.speaker_anonymous or candidate.speaker_name.casefold() in names
        )
    return not candidate.speaker_name
