"""What each detail and index page shows, built from the read layer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from quotes import reads
from quotes.models import (
    Appearance,
    Organization,
    Source,
    Speaker,
    Statement,
    Topic,
    _wording_pattern,
)

from . import searching
from .display import as_json_script, day_text, link_target, said_on_iso, said_on_text
from .forms import organization_tree
from .timeline import timeline
from .wording import differs, marked_wording

SITE_NAME = "Quote and Attribution Database"
SOURCE_PASSAGES = 100  # statements a source page lists; a search by source pages the rest


def _admin(request: HttpRequest, model: str, pk: int) -> str | None:
    """The admin's change page, for curators only."""
    if not (request.user.is_authenticated and request.user.is_staff):
        return None
    return reverse(f"admin:quotes_{model}_change", args=[pk])


def statement_context(statement: Statement, request: HttpRequest) -> dict[str, Any]:
    appearances = list(statement.appearances.all())
    shown = [
        {
            "appearance": a,
            "wording": marked_wording(statement.text, a.quoted_text),
            "differs": differs(statement.text, a.quoted_text),
            "link": link_target(a.source.url),
        }
        for a in appearances
    ]
    first = next((a for a in appearances if a.source.published_on), None)
    speaker = statement.speaker
    label = None
    if speaker is not None and speaker.is_anonymous:
        label = reads.speaker_labels([speaker.pk], request.user, quoting=False).get(speaker.pk)
    response_to = reads.visible_response_to(statement, request.user)
    answered = (
        reads.statements(request.user).filter(pk=response_to).first() if response_to else None
    )
    date = said_on_text(statement.said_on, statement.said_on_precision)
    url = request.build_absolute_uri(reverse("site:statement", args=[statement.pk]))
    who = label or (speaker.name if speaker else statement.organization.name)
    return {
        "statement": statement,
        "who": who,
        "date": date,
        "first_reported_on": day_text(statement.first_reported_on),
        "appearances": shown,
        "first": first,
        "answered": _brief(answered) if answered else None,
        # Brief fields only: a statement answered a hundred times lists its first ten.
        "responses": [
            _brief(r)
            for r in reads.statements(request.user)
            .filter(in_response_to=statement)
            .prefetch_related(None)
            .order_by("said_on", "id")[:10]
        ],
        "other": list(reads.other_statements_by_speaker(statement, request.user)),
        "citation": citation(statement, who, date, first, url),
        "json_ld": as_json_script(json_ld(statement, appearances, url)),
        "url": url,
        "draft": statement.status != Statement.Status.VERIFIED,
        "admin_url": _admin(request, "statement", statement.pk),
    }


def _brief(statement: Statement) -> dict[str, Any]:
    """Who said it and how it starts: a linked line about another statement."""
    who = statement.speaker or statement.organization
    text = statement.text if len(statement.text) <= 120 else statement.text[:119] + "…"
    return {"pk": statement.pk, "who": who.name if who else "Unknown", "text": text}


def citation(statement: Statement, who: str, date: str, first: Appearance | None, url: str) -> str:
    """A plain-text citation: who, what, when, where first printed, and this page."""
    parts = [f"{who}, “{statement.text}”, {date}."]
    if first is not None:
        outlet = first.source.outlet.name if first.source.outlet else "Unknown outlet"
        printed = (
            f"Reported by {outlet}, “{first.source.title}”, {day_text(first.source.published_on)}"
        )
        parts.append(printed + (f", {first.source.url}." if first.source.url else "."))
    parts.append(f"{SITE_NAME}, statement {statement.pk}, {url}")
    return " ".join(parts)


def json_ld(statement: Statement, appearances: list[Appearance], url: str) -> dict[str, Any]:
    """schema.org Quotation: the text, who said it, when, and each article that printed it."""
    speaker = statement.speaker
    if speaker is not None:
        creator: dict[str, Any] = {"@type": "Person", "name": speaker.name}
        if speaker.is_anonymous:
            creator["description"] = speaker.description
    else:
        creator = {"@type": "Organization", "name": statement.organization.name}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Quotation",
        "@id": url,
        "url": url,
        "text": statement.text,
        "creator": creator,
    }
    if created := said_on_iso(statement.said_on, statement.said_on_precision):
        data["dateCreated"] = created
    data["citation"] = [_article(a) for a in appearances]
    return data


def _article(appearance: Appearance) -> dict[str, Any]:
    source = appearance.source
    article: dict[str, Any] = {"@type": "NewsArticle", "headline": source.title}
    if source.outlet:
        article["publisher"] = {"@type": "Organization", "name": source.outlet.name}
    if source.url:
        article["url"] = source.url
    if source.published_on:
        article["datePublished"] = source.published_on.isoformat()
    return article


def speaker_context(speaker: Speaker, request: HttpRequest) -> dict[str, Any]:
    detail = reads.with_affiliations(speaker)
    by_kind = reads.statements_by_kind(speaker, request.user)
    kinds = [(Statement.Kind(k).label, n) for k, n in by_kind.items()]
    spoken = reads.statements(request.user).filter(speaker=speaker)
    latest = searching.latest({"speaker": speaker.slug}, request.user)
    described = []
    if speaker.is_anonymous:
        described = _descriptions(latest.cards)
    return {
        "speaker": detail,
        "label": speaker.label,
        "affiliations": [
            {
                "affiliation": a,
                "dates": _span(a.start_on, a.end_on),
            }
            for a in detail.affiliations.all()
        ],
        "kinds": kinds,
        "timeline": timeline(spoken),
        "latest": latest.cards,
        "total": latest.total,
        "described": described,
        "first_published_on": day_text(getattr(speaker, "first_published_on", None)),
        "search_url": searching.search_url([("speaker", speaker.slug)]),
        "feed_url": reverse("site:feed") + searching.query_string([("speaker", speaker.slug)]),
        "admin_url": _admin(request, "speaker", speaker.pk),
    }


def _span(start: Any, end: Any) -> str:
    if start and end:
        return f"{day_text(start)} to {day_text(end)}"
    if start:
        return f"from {day_text(start)}"
    if end:
        return f"until {day_text(end)}"
    return "dates not recorded"


def _descriptions(cards: list) -> list[dict[str, str]]:
    """How each outlet described an anonymous source, as printed."""
    seen, described = set(), []
    for card in cards:
        for appearance in card.statement.appearances.all():
            key = (appearance.source_id, appearance.attribution)
            if appearance.attribution and key not in seen:
                seen.add(key)
                outlet = appearance.source.outlet
                described.append(
                    {
                        "attribution": appearance.attribution,
                        "outlet": outlet.name if outlet else "Unknown outlet",
                        "title": appearance.source.title,
                        "source_id": appearance.source_id,
                        "reason": card.statement.anonymity_reason,
                    }
                )
    return described


def organization_context(organization: Organization, request: HttpRequest) -> dict[str, Any]:
    slug = organization.slug
    people = reads.affiliations(request.user).filter(organization=organization)
    sources = reads.speakers(request.user).filter(organization=organization, is_anonymous=True)
    with_departments = [("organization", slug), ("include_children", "true")]
    latest = searching.latest(dict(with_departments), request.user)
    own = searching.latest({"organization": slug}, request.user, size=1)
    return {
        "organization": organization,
        "ancestors": organization.ancestors()[::-1],
        "departments": list(organization.children.all()),
        "people": list(people),
        "anonymous_sources": list(sources),
        "latest": latest.cards,
        "total": latest.total,
        "own_total": own.total,
        "search_url": searching.search_url(with_departments),
        "own_search_url": searching.search_url([("organization", slug)]),
        "feed_url": reverse("site:feed") + searching.query_string(with_departments),
        "is_outlet": organization.kind == Organization.Kind.NEWS_OUTLET,
        "admin_url": _admin(request, "organization", organization.pk),
    }


def outlet_context(outlet: Organization, request: HttpRequest) -> dict[str, Any]:
    # Articles with a passage the reader may see: one quoted only in drafts would tell
    # the public what the newsroom is working on.
    quoted = reads.sources(request.user).filter(outlet=outlet, appearance_count__gt=0)
    sources = quoted[:50]
    latest = searching.latest({"outlet": outlet.slug}, request.user)
    relayed = searching.latest({"via": outlet.slug}, request.user, size=1)
    return {
        "outlet": outlet,
        "sources": [{"source": s, "date": day_text(s.published_on)} for s in sources],
        "latest": latest.cards,
        "total": latest.total,
        "relayed_total": relayed.total,
        "search_url": searching.search_url([("outlet", outlet.slug)]),
        "relayed_url": searching.search_url([("via", outlet.slug)]),
        "feed_url": reverse("site:feed") + searching.query_string([("outlet", outlet.slug)]),
        "admin_url": _admin(request, "organization", outlet.pk),
    }


def topic_context(topic: Topic, request: HttpRequest) -> dict[str, Any]:
    latest = searching.latest({"topic": topic.slug}, request.user)
    return {
        "topic": topic,
        "latest": latest.cards,
        "total": latest.total,
        "search_url": searching.search_url([("topic", topic.slug)]),
        "feed_url": reverse("site:feed") + searching.query_string([("topic", topic.slug)]),
        "admin_url": _admin(request, "topic", topic.pk),
    }


def source_context(source: Source, request: HttpRequest) -> dict[str, Any]:
    """The source's metadata and its quoted passages in article order. Curators also see
    the full text with each passage marked in place; the public does not, as the API's
    source detail withholds it (SourceDetailSerializer shows the text to curators only)."""
    found = searching.latest({"source": str(source.pk)}, request.user, size=SOURCE_PASSAGES)
    passages = []
    for card in found.cards:
        for appearance in card.statement.appearances.all():
            if appearance.source_id == source.pk:
                passages.append({"appearance": appearance, "card": card})
    passages.sort(key=lambda p: p["appearance"].offset)
    context: dict[str, Any] = {
        "source": source,
        "link": link_target(source.url),
        "date": day_text(source.published_on),
        "passages": passages,
        # More statements quote it than the page lists: say so, and where to find them all.
        "cut": found.page is not None and found.page.next_cursor is not None,
        "shown": f"{len(found.cards):,}",
        "total": f"{found.page.count:,}" if found.page else "",
        "search_url": searching.search_url([("source", str(source.pk))]),
        "marked_text": None,
        "admin_url": _admin(request, "source", source.pk),
    }
    if request.user.is_authenticated and request.user.is_staff:
        context["marked_text"] = marked_source(reads.source_text(source), passages)
    return context


def marked_source(text: str, passages: list[dict]) -> list[dict[str, Any]]:
    """The text cut into plain runs and marked passages (each linked to its statement),
    passages found at their offsets as the models find them (whitespace-tolerant)."""
    runs, at = [], 0
    for passage in passages:
        appearance = passage["appearance"]
        pattern = _wording_pattern(appearance.quoted_text)
        match = pattern.match(text, appearance.offset) if pattern else None
        if match is None or match.start() < at:
            continue  # not where recorded, or overlapping the previous passage
        runs.append({"text": text[at : match.start()], "statement": None})
        runs.append({"text": match.group(), "statement": appearance.statement_id})
        at = match.end()
    runs.append({"text": text[at:], "statement": None})
    return runs


def speaker_index_context(request: HttpRequest) -> dict[str, Any]:
    everyone = list(reads.speakers(request.user))
    named = [s for s in everyone if not s.is_anonymous]
    letters: dict[str, list[Speaker]] = {}
    for speaker in named:
        first = speaker.name[:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(speaker)
    return {
        "letters": sorted(letters.items()),
        "anonymous": [s for s in everyone if s.is_anonymous],
    }


def organization_index_context() -> dict[str, Any]:
    everything = list(reads.organizations().prefetch_related(None))
    news = Organization.Kind.NEWS_OUTLET
    return {"tree": organization_tree([o for o in everything if o.kind != news])}
