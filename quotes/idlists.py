"""Lists of row ids as query parameters."""

from collections.abc import Iterable

from django.db import connections
from django.db.models.expressions import RawSQL


def among(ids: Iterable[int], using: str = "default") -> list[int] | RawSQL:
    """`ids` for an `__in` lookup. On PostgreSQL one array parameter: binding thousands
    of placeholders one by one costs more than running the query they belong to."""
    ids = list(ids)
    if connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return ids
