"""Reviewing candidates: the corrections a curator may make, the statement and appearance
a candidate becomes, and the reads of the review queue and its statistics.

Writes are in quotes/services.py ("Article intake"); these are the values they write.
"""

from __future__ import annotations

import datetime
import enum
import itertools
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Q, QuerySet

from quotes.models import (
    Organization,
    Source,
    Speaker,
    StatementKind,
    date_precision_errors,
)

from .articles import Article, normalise_url
from .models import EDITABLE_FIELDS, Candidate, CandidateStatus, SourceImport


class Unchanged(enum.Enum):
    KEEP = "keep"


KEEP = Unchanged.KEEP


@dataclass(frozen=True)
class NewSpeaker:
    """A speaker a curator names on the spot, created when the candidate is accepted."""

    name: str
    is_anonymous: bool = False
    description: str = ""
    country: str = ""


@dataclass(frozen=True)
class CandidateEdits:
    """Corrections made before accepting; KEEP leaves the proposed value."""

    speaker: Speaker | NewSpeaker | Unchanged | None = KEEP
    kind: str | Unchanged = KEEP
    span: tuple[int, int] | Unchanged = KEEP
    said_on: tuple[datetime.date | None, str] | Unchanged = KEEP
    via: Organization | Unchanged | None = KEEP
    organization: Organization | Unchanged | None = KEEP


@dataclass
class Accepted:
    """What an accepted candidate becomes: the appearance (always) and, for a new
    statement, its fields; `edited` names the corrected fields (EDITABLE_FIELDS)."""

    start: int
    end: int
    text: str
    kind: str
    speaker: Speaker | NewSpeaker | None
    organization_id: int | None
    said_on: datetime.date | None
    said_on_precision: str
    via_id: int | None
    edited: list[str] = field(default_factory=list)

    @property
    def statement_changed(self) -> bool:
        """Corrected in what the statement says (not only where or via whom it was
        printed): a match to an existing statement no longer holds."""
        return bool({"speaker", "kind", "said_on", "organization"} & set(self.edited))


def accepted_values(candidate: Candidate, source_text: str, edits: CandidateEdits) -> Accepted:
    """The candidate as accepted with `edits`; ValidationError naming a bad correction."""
    start, end = candidate.start, candidate.end
    if edits.span is not KEEP:
        start, end = _checked_span(edits.span, source_text)
    said_on, precision = candidate.said_on, candidate.said_on_precision
    if edits.said_on is not KEEP:
        said_on, precision = edits.said_on
        if errors := date_precision_errors(said_on, precision):
            raise ValidationError(errors)
    kind = candidate.kind if edits.kind is KEEP else edits.kind
    if kind not in StatementKind.values:
        raise ValidationError({"kind": f"Not a kind of statement: {kind!r}."})
    values = Accepted(
        start=start,
        end=end,
        text=source_text[start:end],
        kind=kind,
        speaker=candidate.speaker if edits.speaker is KEEP else edits.speaker,
        organization_id=_id(edits.organization, candidate.organization_id),
        said_on=said_on,
        said_on_precision=precision,
        via_id=_id(edits.via, candidate.via_id),
    )
    values.edited = _edited(candidate, values, edits)
    return values


def _id(edited: Organization | Unchanged | None, proposed: int | None) -> int | None:
    if edited is KEEP:
        return proposed
    return edited.pk if edited is not None else None


def _checked_span(span: tuple[int, int], text: str) -> tuple[int, int]:
    start, end = span
    if not 0 <= start < end <= len(text):
        message = f"The span must lie within the source's text (0–{len(text)}), start before end."
        raise ValidationError({"span": message})
    if not text[start:end].strip():
        raise ValidationError({"span": "The span holds no words."})
    return start, end


def _edited(candidate: Candidate, values: Accepted, edits: CandidateEdits) -> list[str]:
    proposed_speaker = candidate.speaker_id
    changed = {
        "speaker": edits.speaker is not KEEP
        and not (isinstance(values.speaker, Speaker) and values.speaker.pk == proposed_speaker),
        "kind": values.kind != candidate.kind,
        "span": (values.start, values.end) != (candidate.start, candidate.end),
        "said_on": (values.said_on, values.said_on_precision)
        != (candidate.said_on, candidate.said_on_precision),
        "via": values.via_id != candidate.via_id,
        "organization": values.organization_id != candidate.organization_id,
    }
    return [name for name in EDITABLE_FIELDS if changed[name]]


def canonical_text(wording: str, kind: str) -> str:
    """A new statement's canonical text from its first wording: reported speech reads as
    a sentence ('the mines would arrive soon' → 'The mines would arrive soon.')."""
    text = " ".join(wording.split())
    if kind in (StatementKind.PARAPHRASE, StatementKind.WRITTEN_STATEMENT) and text:
        text = text[0].upper() + text[1:]
        if text[-1] not in '.!?…”"’':
            text += "."
    return text


# --- reads: duplicates, the queue, one source's review, statistics --------------------


def duplicate_of(article: Article) -> tuple[Source, str] | None:
    """The source an article already is, and why: the same URL (as given, fetched or
    canonical, normalised or not) or the same text (its digest, for imported sources)."""
    given = (article.url, article.fetched_url, article.requested_url)
    urls = {url for raw in given if raw for url in (raw.strip(), normalise_url(raw))}
    if urls:
        found = Source.objects.filter(url__in=urls).order_by("pk").first()
        if found is not None:
            return found, "same URL"
    record = SourceImport.objects.select_related("source").filter(text_digest=article.digest)
    if (known := record.first()) is not None:
        return known.source, "same text"
    return None


@dataclass(frozen=True)
class QueueRow:
    source: Source
    open: int
    reviewed: int
    oldest: datetime.datetime


def review_queue(limit: int = 100, offset: int = 0) -> list[QueueRow]:
    """Sources with open candidates, the longest waiting first, with their counts: two
    queries, whatever the number of candidates."""
    waiting = (
        Candidate.objects.values("source")
        .annotate(
            open=Count("id", filter=Q(status=CandidateStatus.OPEN)),
            total=Count("id"),
            oldest=Min("created_at", filter=Q(status=CandidateStatus.OPEN)),
        )
        .filter(open__gt=0)
        .order_by("oldest", "source")[offset : offset + limit]
    )
    rows = list(waiting)
    sources = (
        Source.objects.select_related("outlet").defer("text").in_bulk([r["source"] for r in rows])
    )
    return [
        QueueRow(sources[r["source"]], r["open"], r["total"] - r["open"], r["oldest"])
        for r in rows
        if r["source"] in sources
    ]


def candidates_of(source: Source) -> QuerySet[Candidate]:
    """A source's candidates in reading order, with what their review shows."""
    return Candidate.objects.filter(source=source).select_related(
        "speaker", "organization", "via", "matches_statement", "statement", "reviewed_by"
    )


@dataclass(frozen=True)
class Segment:
    """A stretch of the article's text and the candidates covering it (none: plain text)."""

    text: str
    candidates: tuple[int, ...] = ()
    status: str = ""


def segments(text: str, candidates: list[Candidate]) -> list[Segment]:
    """The text cut where candidates begin and end, so each can be highlighted in place
    (overlapping candidates share the stretches they overlap)."""
    live = [c for c in candidates if c.wording_in_source(text)]
    cuts = sorted({0, len(text), *(c.start for c in live), *(c.end for c in live)})
    out = []
    for lo, hi in itertools.pairwise(cuts):
        covering = [c for c in live if c.start <= lo and hi <= c.end]
        status = covering[0].status if covering else ""
        out.append(Segment(text[lo:hi], tuple(c.pk for c in covering), status))
    return out


@dataclass
class VersionStats:
    """How review received one extractor version's candidates."""

    extractor_version: str
    proposed: int = 0
    open: int = 0
    unchanged: int = 0
    edited: int = 0
    merged: int = 0
    rejected: int = 0
    edited_fields: Counter = field(default_factory=Counter)

    @property
    def reviewed(self) -> int:
        return self.unchanged + self.edited + self.merged + self.rejected

    @property
    def precision(self) -> float | None:
        """Of the reviewed candidates, the share that were statements (kept in any way)."""
        return (self.reviewed - self.rejected) / self.reviewed if self.reviewed else None

    def share(self, count: int) -> str:
        return f"{100 * count / self.reviewed:.0f} %" if self.reviewed else "–"

    # Shown ready-made in the admin and by `extraction_stats`.
    unchanged_share = property(lambda self: self.share(self.unchanged))
    edited_share = property(lambda self: self.share(self.edited))
    merged_share = property(lambda self: self.share(self.merged))
    rejected_share = property(lambda self: self.share(self.rejected))

    @property
    def fields_edited(self) -> list[tuple[str, int]]:
        return self.edited_fields.most_common()

    @property
    def precision_shown(self) -> str:
        return f"{self.precision:.2f}" if self.precision is not None else "–"


def extraction_stats() -> list[VersionStats]:
    """Per extractor version: candidates proposed, open, accepted unchanged, edited (and
    which fields), merged into a chosen statement and rejected."""
    stats: dict[str, VersionStats] = {}
    counts = Candidate.objects.values_list("extractor_version", "status").annotate(n=Count("id"))
    for version, status, n in counts.order_by():
        row = stats.setdefault(version, VersionStats(version))
        row.proposed += n
        if status == CandidateStatus.OPEN:
            row.open += n
        elif status == CandidateStatus.MERGED:
            row.merged += n
        elif status == CandidateStatus.REJECTED:
            row.rejected += n
    accepted = Candidate.objects.filter(status=CandidateStatus.ACCEPTED)
    for version, edited in accepted.values_list("extractor_version", "edited_fields").iterator():
        row = stats.setdefault(version, VersionStats(version))
        if edited:
            row.edited += 1
            row.edited_fields.update(edited)
        else:
            row.unchanged += 1
    return sorted(stats.values(), key=lambda row: row.extractor_version)
