"""Facet counts for a filtered set of statements, bounded in cost.

Counts are taken over at most FACET_LIMIT statements (the most recently added), so a
facet request on a filter matching half the archive costs what one on 10,000 rows
does; the response says when the counts are partial. The filter runs once, for the
ids; each facet then aggregates over those.
"""

from collections import Counter
from typing import Any

from django.db.models import Model, QuerySet

from .idlists import among
from .models import Appearance, Organization, Speaker, Statement, Topic

FACET_LIMIT = 10_000


def statement_facets(statements: QuerySet[Statement], size: int) -> dict[str, Any]:
    """Top `size` values per facet of `statements`, each with the filter that selects it."""
    # The filter runs once, reading the statements' own facet columns as it finds them
    # (a second pass over thousands of scattered rows cost as much as the filter); the
    # counting is then one pass over each related table for those ids, not one GROUP BY
    # query per facet re-reading the statements.
    fields = "pk", "speaker_id", "organization_id", "kind", "said_on"
    found = statements.prefetch_related(None).order_by("-id").values_list(*fields)
    rows = list(found[: FACET_LIMIT + 1])
    considered, rows = len(rows), rows[:FACET_LIMIT]
    ids = among([row[0] for row in rows], statements.db)
    speakers, organizations, kinds, years = Counter(), Counter(), Counter(), Counter()
    for _, speaker, organization, kind, said_on in rows:
        speakers[speaker] += 1
        organizations[organization] += 1
        kinds[kind] += 1
        years[said_on.year if said_on else None] += 1
    return {
        "considered": min(considered, FACET_LIMIT),
        "complete": considered <= FACET_LIMIT,
        "speaker": _named(Speaker, speakers, "speaker", size),
        "organization": _named(Organization, organizations, "organization", size),
        "outlet": _named(Organization, _outlets(ids), "outlet", size),
        "kind": _kinds(kinds, size),
        "topic": _named(Topic, _topics(ids), "topic", size),
        "year": _years(years, size),
    }


def _outlets(ids: Any) -> Counter:
    # Distinct statements: one statement printed twice by an outlet counts once.
    printed = Appearance.objects.filter(statement_id__in=ids).exclude(source__outlet=None)
    pairs = set(printed.order_by().values_list("statement_id", "source__outlet_id"))
    return Counter(outlet for _, outlet in pairs)


def _topics(ids: Any) -> Counter:
    tagged = Statement.topics.through.objects.filter(statement_id__in=ids)
    return Counter(tagged.values_list("topic_id", flat=True))


def _named(model: type[Model], counts: Counter, parameter: str, size: int) -> list[dict]:
    """The `size` most counted rows of `model` (most first, then by slug), as facet values."""
    counts.pop(None, None)
    names = dict(
        (pk, (slug, name))
        for pk, slug, name in model.objects.filter(pk__in=among(counts))
        .order_by()
        .values_list("pk", "slug", "name")
    )
    ranked = sorted(counts.items(), key=lambda item: (-item[1], names[item[0]][0]))
    return [
        _value(names[pk][0], names[pk][1], count, f"{parameter}={names[pk][0]}")
        for pk, count in ranked[:size]
    ]


def _kinds(counts: Counter, size: int) -> list[dict]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size]
    return [
        _value(kind, Statement.Kind(kind).label, count, f"kind={kind}") for kind, count in ranked
    ]


def _years(counts: Counter, size: int) -> list[dict]:
    counts.pop(None, None)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], -item[0]))[:size]
    return [
        _value(str(year), str(year), count, f"said_after={year}-01-01&said_before={year}-12-31")
        for year, count in ranked
    ]


def _value(value: str, label: str, count: int, filter_: str) -> dict[str, Any]:
    return {"value": value, "label": label, "count": count, "filter": filter_}
