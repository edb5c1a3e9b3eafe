"""Streaming exports of a filtered statement list: CSV and NDJSON.

Both come from the database-built statement rows of quotes.rows, streamed a chunk at a
time, so memory stays flat however many statements are exported: an NDJSON line is
that row as the database wrote it (exactly what the list's StatementSerializer shows),
a CSV line its columns.
"""

import csv
import datetime
import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from quotes.models import Statement, sees_every_statement, word_differences
from quotes.rows import row_lines, statement_rows

from .serializers import statement_url_prefix

CSV_COLUMNS = [
    "id",
    "said_on",
    "said_on_precision",
    "first_reported_on",
    "speaker",
    "speaker_slug",
    "anonymous",
    "speaker_title",
    "organization",
    "kind",
    "status",
    "text",
    "topics",
    "source_titles",
    "source_urls",
    # Added after the columns above, which stay as they were for existing scripts.
    "outlets",
    "appearance_count",
]

# One row per statement, so each appearance gets a numbered group of columns: a cell per
# value (wordings hold newlines, so values joined in one cell could not be told apart).
# Past the last group appearance_count says how many more there are (docs/csv.md).
CSV_APPEARANCES = 5
APPEARANCE_FIELDS = [
    "outlet",
    "source_title",
    "source_url",
    "published_on",
    "wording",
    "attribution",
    "via",
]
CSV_COLUMNS += [
    f"appearance_{n}_{field}" for n in range(1, CSV_APPEARANCES + 1) for field in APPEARANCE_FIELDS
]


class ExportRenderer(BaseRenderer):
    """Lets content negotiation pick an export; the view streams the body itself."""

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return json.dumps(data).encode()


class CSVRenderer(ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class NDJSONRenderer(ExportRenderer):
    media_type = "application/x-ndjson"
    format = "ndjson"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _name(outlet: dict[str, str] | None) -> str:
    return outlet["name"] if outlet else ""


def _appearance_cells(appearance: dict[str, Any]) -> list[Any]:
    """One appearance (quotes.rows) as the APPEARANCE_FIELDS."""
    source = appearance["source"]
    return [
        _name(source["outlet"]),
        source["title"],
        source["url"],
        source["published_on"] or "",
        appearance["quoted_text"],
        appearance["attribution"],
        _name(appearance["via"]),
    ]


def _appearance_columns(appearances: list[dict[str, Any]]) -> list[Any]:
    shown = appearances[:CSV_APPEARANCES]
    cells = [cell for appearance in shown for cell in _appearance_cells(appearance)]
    return cells + [""] * (len(APPEARANCE_FIELDS) * (CSV_APPEARANCES - len(shown)))


def csv_row(row: dict[str, Any]) -> list[Any]:
    """`row` (a statement row, quotes.rows) as the CSV_COLUMNS of one line."""
    speaker, organization = row["speaker"] or {}, row["organization"] or {}
    appearances = row["appearances"]
    sources = [appearance["source"] for appearance in appearances]
    outlets = dict.fromkeys(_name(source["outlet"]) for source in sources if source["outlet"])
    return [
        row["id"],
        row["said_on"] or "",
        row["said_on_precision"],
        row["first_reported_on"] or "",
        speaker.get("name", ""),
        speaker.get("slug", ""),
        "true" if speaker.get("is_anonymous") else "false",
        row["speaker_title"],
        organization.get("name", ""),
        row["kind"],
        row["status"],
        row["text"],
        " | ".join(row["topics"]),
        " | ".join(dict.fromkeys(source["title"] for source in sources)),
        " | ".join(dict.fromkeys(source["url"] for source in sources if source["url"])),
        " | ".join(outlets),
        len(appearances),
        *_appearance_columns(appearances),
    ]


def spreadsheet_safe(value: Any) -> Any:
    """Quoted words starting with =, +, - or @ would run as formulas in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def stream_csv(statements: QuerySet[Statement], url_prefix: str, sees_all: bool) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for chunk in row_lines(statements, url_prefix, sees_all=sees_all):
        yield "".join(
            writer.writerow([spreadsheet_safe(value) for value in csv_row(json.loads(line))])
            for line in chunk
        )


def stream_ndjson(
    statements: QuerySet[Statement], url_prefix: str, sees_all: bool
) -> Iterator[str]:
    for chunk in row_lines(statements, url_prefix, sees_all=sees_all):
        yield "\n".join(chunk) + "\n"


def paged(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    """`statements` as the paginator should read them for page_data(): only what paging
    and highlighting need (sort key, id, and the text a highlight falls back on), since
    page_data() has the database build the rows."""
    return statements.prefetch_related(None).select_related(None).only("said_on", "text")


def page_data(page: Sequence[Statement], context: dict[str, Any]) -> list[dict[str, Any]]:
    """What StatementSerializer(page, many=True, context=context).data shows, built by the
    database: about 1 ms for a page of 20 instead of the serializers' 10 to 15 ms, which
    would be most of a list request's time. `page`: the paginated page of
    paged(statements); `context`: the request and, with `q`, the highlights."""
    ids = [statement.pk for statement in page]
    prefix, highlights = statement_url_prefix(context["request"]), context.get("highlights", {})
    sees_all = sees_every_statement(context["request"].user)
    using = page[0]._state.db if page else "default"
    by_id = statement_rows(ids, prefix, sees_all=sees_all, using=using)
    for pk, data in by_id.items():
        data["highlight"] = highlights.get(pk)
    return [by_id[pk] for pk in ids]


def detail_row(
    statement: Statement, others: QuerySet[Statement], context: dict[str, Any]
) -> dict[str, Any]:
    """What StatementDetailSerializer(statement, context=context).data shows, built from
    the database's row as a list page is: the nested serializers cost about 12 ms of a
    detail request's 16 ms of processor time, this about 2. `others`:
    reads.other_statements_by_speaker(statement, user)."""
    request = context["request"]
    prefix = statement_url_prefix(request)
    rows = statement_rows(
        [statement.pk],
        prefix,
        sees_all=sees_every_statement(request.user),
        using=statement._state.db,
    )
    row = rows[statement.pk]
    for appearance in row["appearances"]:
        appearance["differences"] = word_differences(row["text"], appearance["quoted_text"])
    brief = others.values("id", "text", "kind", "said_on", "said_on_precision", "first_reported_on")
    row["other_statements_by_speaker"] = [
        {
            "id": other["id"],
            "url": f"{prefix}{other['id']}/",
            "text": other["text"],
            "kind": other["kind"],
            "said_on": _iso(other["said_on"]),
            "said_on_precision": other["said_on_precision"],
            "first_reported_on": _iso(other["first_reported_on"]),
        }
        for other in brief
    ]
    return row


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def export_response(
    fmt: str, statements: QuerySet[Statement], context: dict[str, Any]
) -> StreamingHttpResponse:
    prefix = statement_url_prefix(context["request"])
    sees_all = sees_every_statement(context["request"].user)
    if fmt == "csv":
        response = StreamingHttpResponse(
            stream_csv(statements, prefix, sees_all), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="statements.csv"'
        return response
    return StreamingHttpResponse(
        stream_ndjson(statements, prefix, sees_all), content_type="application/x-ndjson"
    )
