"""Facet counts for a filtered set of statements, bounded in cost.

Counts are taken over at most FACET_LIMIT statements (the most recently added), so a
facet request on a filter matching half the archive costs what one on 10,000 rows
does; the response says when the counts are partial. One query does it all: the filter
runs once, as a common table expression, and every facet is a GROUP BY over its rows (or
their appearances and topics), so a few hundred counts come back rather than the tens of
thousands of rows counting them in Python took (half of a facet request's time).
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet

from .idlists import among
from .models import Organization, Speaker, Statement, Topic
from .search import newest_added

FACET_LIMIT = 10_000
Labels = Callable[[list[int]], dict[int, str]]

# {found}: the filtered statements, newest first, at most FACET_LIMIT + 1 of them (one
# more tells whether the counts are complete). Every value is text: one column for all.
FACETS_SQL = """
    WITH found (id, speaker_id, organization_id, kind, said_on) AS ({found}),
    counted AS (SELECT * FROM found ORDER BY id DESC LIMIT {limit})
    SELECT 'considered', NULL, COUNT(*) FROM found
    UNION ALL
    SELECT 'speaker', CAST(speaker_id AS text), COUNT(*) FROM counted
    WHERE speaker_id IS NOT NULL GROUP BY speaker_id
    UNION ALL
    SELECT 'organization', CAST(organization_id AS text), COUNT(*) FROM counted
    WHERE organization_id IS NOT NULL GROUP BY organization_id
    UNION ALL
    SELECT 'kind', kind, COUNT(*) FROM counted GROUP BY kind
    UNION ALL
    SELECT 'year', CAST({year} AS text), COUNT(*) FROM counted
    WHERE said_on IS NOT NULL GROUP BY {year}
    UNION ALL
    -- Distinct statements: one printed twice by an outlet counts once. CROSS JOIN makes
    -- SQLite go from the counted statements to their appearances (it otherwise scans
    -- every source of every outlet); PostgreSQL plans it as the inner join it is.
    SELECT 'outlet', CAST(s.outlet_id AS text), COUNT(DISTINCT a.statement_id)
    FROM counted AS c
    CROSS JOIN quotes_appearance AS a
    CROSS JOIN quotes_source AS s
    WHERE a.statement_id = c.id AND s.id = a.source_id AND s.outlet_id IS NOT NULL
    GROUP BY s.outlet_id
    UNION ALL
    SELECT 'topic', CAST(t.topic_id AS text), COUNT(*)
    FROM counted AS c CROSS JOIN quotes_statement_topics AS t WHERE t.statement_id = c.id
    GROUP BY t.topic_id
"""
YEAR = {
    "postgresql": "CAST(EXTRACT(YEAR FROM said_on) AS integer)",
    "sqlite": "CAST(strftime('%%Y', said_on) AS integer)",
}


def statement_facets(
    statements: QuerySet[Statement], size: int, labels: Labels | None = None
) -> dict[str, Any]:
    """Top `size` values per facet of `statements`, each with the filter that selects it.
    `labels`: for speaker ids, the labels to show (reads.speaker_labels tells anonymous
    sources apart); their names without it."""
    considered, counts = facet_counts(statements)
    return {
        "considered": min(considered, FACET_LIMIT),
        "complete": considered <= FACET_LIMIT,
        "speaker": _named(Speaker, counts["speaker"], "speaker", size, labels),
        "organization": _named(Organization, counts["organization"], "organization", size),
        "outlet": _named(Organization, counts["outlet"], "outlet", size),
        "kind": _kinds(counts["kind"], size),
        "topic": _named(Topic, counts["topic"], "topic", size),
        "year": _years(counts["year"], size),
    }


def facet_counts(statements: QuerySet[Statement]) -> tuple[int, defaultdict[str, Counter]]:
    """How many statements matched (up to FACET_LIMIT + 1), and counts by facet and value
    (ids as ints) over the newest FACET_LIMIT of them."""
    considered, counts = 0, defaultdict(Counter)
    fields = "pk", "speaker_id", "organization_id", "kind", "said_on"
    # Newest first, as the full-text index hands a search's matches out (search.newest_added).
    found = statements.prefetch_related(None).order_by(newest_added(statements))
    found = found.values_list(*fields)
    try:
        sql, params = found[: FACET_LIMIT + 1].query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an unknown slug)
        return considered, counts
    connection = connections[statements.db]
    query = FACETS_SQL.format(found=sql, limit=FACET_LIMIT, year=YEAR[connection.vendor])
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for facet, value, count in cursor.fetchall():
            if facet == "considered":
                considered = count
            else:
                counts[facet][value if facet == "kind" else int(value)] = count
    return considered, counts


def _named(
    model: type[Model], counts: Counter, parameter: str, size: int, labels: Labels | None = None
) -> list[dict]:
    """The `size` most counted rows of `model` (most first, then by slug), as facet values."""
    counts.pop(None, None)
    # Names only for the rows that can be shown: the `size` most counted, and any tied
    # with the last of them (ties go by slug). Thousands of speakers may be counted.
    by_count = counts.most_common()
    cutoff = by_count[size - 1][1] if len(by_count) >= size else 0
    shown = [pk for pk, count in by_count if count >= cutoff]
    names = dict(
        (pk, (slug, name))
        for pk, slug, name in model.objects.filter(pk__in=among(shown))
        .order_by()
        .values_list("pk", "slug", "name")
    )
    counts = Counter({pk: counts[pk] for pk in names})
    ranked = sorted(counts.items(), key=lambda item: (-item[1], names[item[0]][0]))[:size]
    shown = labels([pk for pk, _ in ranked]) if labels and ranked else {}
    return [
        _value(names[pk][0], shown.get(pk, names[pk][1]), count, f"{parameter}={names[pk][0]}")
        for pk, count in ranked
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
