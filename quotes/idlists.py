"""Lists of row ids as query parameters."""

from collections.abc import Iterable

from django.db import connections
from django.db.models.expressions import RawSQL


def among(ids: Iterable[int], using: str = "default") -> list[int] | RawSQL:
    """`ids` for an `__in` lookup. On PostgreSQL one array parameter: binding thousands
    of placeholders one by one costs more than running the query they belong to. The
    array is written out here: psycopg's list adapter checks each element for quoting
    (25 ms for the 10,000 ids of a facet request, about as long as its query)."""
    ids = list(ids)
    if connections[using].vendor == "postgresql":
        literal = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
        return RawSQL("SELECT unnest(%s::bigint[])", [literal])
    return ids
