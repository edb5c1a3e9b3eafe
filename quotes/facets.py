"""Facet counts for a filtered set of statements, bounded in cost.

Counts are taken over at most FACET_LIMIT statements (the most recently added), so a
facet request on a filter matching half the archive costs what one on 10,000 rows
does; the response says when the counts are partial.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from .models import Appearance, Statement

FACET_LIMIT = 10_000


def statement_facets(statements: QuerySet[Statement], size: int) -> dict[str, Any]:
    """Top `size` values per facet of `statements`, each with the filter that selects it."""
    matched = statements.prefetch_related(None).order_by()
    considered = matched[: FACET_LIMIT + 1].count()
    ids = matched.order_by("-id").values("pk")[:FACET_LIMIT]
    subset = Statement.objects.filter(pk__in=ids)
    printed = Appearance.objects.filter(statement__in=ids)
    tagged = Statement.topics.through.objects.filter(statement__in=ids)
    return {
        "considered": min(considered, FACET_LIMIT),
        "complete": considered <= FACET_LIMIT,
        "speaker": _top(subset, "speaker__slug", "speaker__name", "speaker", size),
        "organization": _top(
            subset, "organization__slug", "organization__name", "organization", size
        ),
        "outlet": _top(
            printed, "source__outlet__slug", "source__outlet__name", "outlet", size, "statement"
        ),
        "kind": _top(subset, "kind", "kind", "kind", size, label=lambda v: Statement.Kind(v).label),
        "topic": _top(tagged, "topic__slug", "topic__name", "topic", size, "statement"),
        "year": _years(subset, size),
    }


def _top(
    rows: QuerySet,
    value_field: str,
    label_field: str,
    parameter: str,
    size: int,
    counted: str = "id",
    label: Callable[[Any], str] | None = None,
) -> list[dict[str, Any]]:
    # Counting distinct statements: one statement printed twice by an outlet counts once.
    counts = (
        rows.exclude(**{f"{value_field}__isnull": True})
        .values(value_field, label_field)
        .annotate(count=Count(counted, distinct=counted != "id"))
        .order_by("-count", value_field)[:size]
    )
    return [
        {
            "value": row[value_field],
            "label": label(row[label_field]) if label else row[label_field],
            "count": row["count"],
            "filter": f"{parameter}={row[value_field]}",
        }
        for row in counts
    ]


def _years(subset: QuerySet[Statement], size: int) -> list[dict[str, Any]]:
    counts = (
        subset.exclude(said_on__isnull=True)
        .annotate(year=ExtractYear("said_on"))
        .values("year")
        .annotate(count=Count("id"))
        .order_by("-count", "-year")[:size]
    )
    return [
        {
            "value": str(row["year"]),
            "label": str(row["year"]),
            "count": row["count"],
            "filter": f"said_after={row['year']}-01-01&said_before={row['year']}-12-31",
        }
        for row in counts
    ]
