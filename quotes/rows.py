"""Statement rows built by the database, in exactly the shape of the API's
StatementSerializer (tests/api/test_export_rows.py checks the two agree).

A list page, an NDJSON line and a CSV line all start from this one row. The database
writes it as JSON text in the query that finds the statements: building model
instances and running the serializers for each row costs ten times as much (10 to 15
ms for a page of 20, 2,000 rows a second for an export), and on PostgreSQL the JSON is
built on another core while the worker sends. One definition, two SQL dialects:
PostgreSQL's json_build_object and SQLite's json_object.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from quotes.idlists import among
from quotes.models import Statement
from quotes.timeouts import unlimited

CHUNK_SIZE = 2_000


class _PostgreSQL:
    """JSON building in PostgreSQL: types map to JSON natively."""

    @staticmethod
    def obj(pairs: Iterable[tuple[str, str]]) -> str:
        return "json_build_object(" + ", ".join(f"'{k}', {v}" for k, v in pairs) + ")"

    @staticmethod
    def array(element: str, source: str, order: str, *, objects: bool = True) -> str:
        return f"coalesce((SELECT json_agg({element} ORDER BY {order}) {source}), '[]')"

    @staticmethod
    def nested(sql: str) -> str:
        return sql

    boolean = json_value = nested


class _SQLite:
    """JSON building in SQLite: booleans are integers and JSON travels as text, so both
    are marked as JSON; json_group_array takes its order from an ordered subquery
    (SQLite before 3.44 has no ORDER BY inside an aggregate)."""

    @staticmethod
    def obj(pairs: Iterable[tuple[str, str]]) -> str:
        return "json_object(" + ", ".join(f"'{k}', {v}" for k, v in pairs) + ")"

    @staticmethod
    def array(element: str, source: str, order: str, *, objects: bool = True) -> str:
        inner = f"SELECT {element} AS element {source} ORDER BY {order}"
        value = "json(element)" if objects else "element"
        return f"json(coalesce((SELECT json_group_array({value}) FROM ({inner})), '[]'))"

    @staticmethod
    def nested(sql: str) -> str:
        return f"json({sql})"

    @staticmethod
    def boolean(sql: str) -> str:
        return f"CASE WHEN {sql} THEN json('true') ELSE json('false') END"

    json_value = nested


def _outlet(dialect: Any, table: str) -> str:
    pairs = [("slug", f"{table}.slug"), ("name", f"{table}.name")]
    return f"CASE WHEN {table}.id IS NOT NULL THEN {dialect.obj(pairs)} END"


def _appearances(dialect: Any) -> str:
    source = dialect.obj(
        [
            ("id", "src.id"),
            ("title", "src.title"),
            ("url", "src.url"),
            ("published_on", "src.published_on"),
            ("outlet", _outlet(dialect, "o")),
        ]
    )
    element = dialect.obj(
        [
            ("source", source),
            ("quoted_text", "a.quoted_text"),
            ("attribution", "a.attribution"),
            ("via", _outlet(dialect, "v")),
            ("offset", 'a."offset"'),
        ]
    )
    printed = """FROM quotes_appearance AS a JOIN quotes_source AS src ON src.id = a.source_id
        LEFT JOIN quotes_organization AS o ON o.id = src.outlet_id
        LEFT JOIN quotes_organization AS v ON v.id = a.via_id
        WHERE a.statement_id = quotes_statement.id"""
    # Appearance.Meta.ordering: undated sources last.
    order = 'src.published_on IS NULL, src.published_on, a.source_id, a."offset"'
    return dialect.array(element, printed, order)


def _speaker(dialect: Any) -> str:
    pairs = [
        ("id", "p.id"),
        ("slug", "p.slug"),
        ("name", "p.name"),
        ("aliases", dialect.json_value("p.aliases")),
        ("description", "p.description"),
        ("is_anonymous", dialect.boolean("p.is_anonymous")),
    ]
    return dialect.nested(
        f"(SELECT {dialect.obj(pairs)} FROM quotes_speaker AS p "
        "WHERE p.id = quotes_statement.speaker_id)"
    )


def _organization(dialect: Any) -> str:
    pairs = [("id", "g.id"), ("slug", "g.slug"), ("name", "g.name")]
    return dialect.nested(
        f"(SELECT {dialect.obj(pairs)} FROM quotes_organization AS g "
        "WHERE g.id = quotes_statement.organization_id)"
    )


def _topics(dialect: Any) -> str:
    tagged = """FROM quotes_statement_topics AS st JOIN quotes_topic AS t ON t.id = st.topic_id
        WHERE st.statement_id = quotes_statement.id"""
    return dialect.array("t.slug", tagged, "t.name", objects=False)


def _response_to() -> str:
    # The statement answered, if the reader may see it: a draft's id is not public.
    return (
        "(SELECT r.id FROM quotes_statement AS r WHERE r.id = quotes_statement.in_response_to_id"
        " AND (%s OR r.status = 'verified'))"
    )


def row_sql(vendor: str) -> str:
    """The JSON text of the statement row `quotes_statement`. Two parameters: the URL
    prefix of statement URLs (see quotes.api.serializers.statement_url_prefix), and
    whether the reader sees every statement (reads.sees_every_statement)."""
    dialect = _PostgreSQL if vendor == "postgresql" else _SQLite
    s = "quotes_statement"
    pairs = [
        ("id", f"{s}.id"),
        ("url", f"%s || {s}.id || '/'"),
        ("text", f"{s}.text"),
        ("kind", f"{s}.kind"),
        ("speaker", _speaker(dialect)),
        ("organization", _organization(dialect)),
        ("speaker_title", f"{s}.speaker_title"),
        ("said_on", f"{s}.said_on"),
        ("said_on_precision", f"{s}.said_on_precision"),
        ("first_reported_on", f"{s}.first_reported_on"),
        ("setting", f"{s}.setting"),
        ("location", f"{s}.location"),
        ("anonymity_reason", f"{s}.anonymity_reason"),
        ("topics", _topics(dialect)),
        ("status", f"{s}.status"),
        ("in_response_to", _response_to()),
        ("appearances", _appearances(dialect)),
        ("highlight", "NULL"),
    ]
    cast = "::text" if vendor == "postgresql" else ""
    return dialect.obj(pairs) + cast


def _line(statements: QuerySet[Statement], url_prefix: str, sees_all: bool) -> RawSQL:
    return RawSQL(row_sql(connections[statements.db].vendor), [url_prefix, sees_all])


def statement_rows(
    ids: list[int], url_prefix: str, *, sees_all: bool, using: str = "default"
) -> dict[int, dict]:
    """The rows of the statements `ids`, by id, for a reader who sees every statement
    or not (callers pass ids they found through Statement.objects.visible_to)."""
    if not ids:
        return {}
    statements = Statement.objects.using(using).filter(pk__in=among(ids, using)).order_by()
    line = _line(statements, url_prefix, sees_all)
    lines = statements.annotate(row=line).values_list("pk", "row")
    return {pk: json.loads(line) for pk, line in lines}


def in_list_order(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    """`statements` in the order the paginated list shows them: undated ones (NULL keys)
    last in either direction, whatever the database's default for NULLs."""
    ordering = []
    for field in statements.query.order_by:
        if isinstance(field, str):
            column = F(field.lstrip("-"))
            field = column.desc(nulls_last=True) if field[0] == "-" else column.asc(nulls_last=True)
        ordering.append(field)
    return statements.prefetch_related(None).select_related(None).order_by(*ordering)


def row_lines(
    statements: QuerySet[Statement], url_prefix: str, *, sees_all: bool
) -> Iterator[list[str]]:
    """The rows of `statements`, in list order, as JSON text, CHUNK_SIZE at a time.

    On PostgreSQL streamed straight from the query (psycopg's stream: the database keeps
    producing while the worker sends, and only a socket buffer of rows is in memory);
    on SQLite through Django's chunked iterator."""
    lines = in_list_order(statements).annotate(row=_line(statements, url_prefix, sees_all))
    connection = connections[statements.db]
    # An export streams the whole filtered set on purpose: no statement timeout.
    with unlimited(connection):
        if connection.vendor != "postgresql":
            rows = lines.values_list("row", flat=True).iterator(chunk_size=CHUNK_SIZE)
            yield from _chunked(rows)
            return
        try:
            sql, params = lines.values_list("row").query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (an unknown slug)
            return
        with connection.cursor() as cursor, _logged(cursor, sql, params):
            yield from _chunked(line for (line,) in cursor.cursor.stream(sql, params))


def _chunked(lines: Iterable[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _logged(cursor: Any, sql: str, params: Any) -> AbstractContextManager:
    """Records the query where Django records the ones it runs (DEBUG, tests, the
    benchmark's SQL capture): streaming bypasses Django's cursor.execute()."""
    debug_sql = getattr(cursor, "debug_sql", None)
    return debug_sql(sql, params, use_last_executed_query=True) if debug_sql else nullcontext()
