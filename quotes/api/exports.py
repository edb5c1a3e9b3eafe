"""Streaming exports of a filtered statement list: CSV and NDJSON.

Rows are read with a chunked iterator (a server-side cursor on PostgreSQL) and
written as they come, so memory stays flat however many statements are exported.
"""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from quotes.models import Statement

from .serializers import StatementSerializer

CHUNK_SIZE = 2_000
CSV_COLUMNS = [
    "id",
    "said_on",
    "said_on_precision",
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


def csv_row(statement: Statement) -> list[Any]:
    speaker, organization = statement.speaker, statement.organization
    sources = [appearance.source for appearance in statement.appearances.all()]
    return [
        statement.id,
        statement.said_on.isoformat() if statement.said_on else "",
        statement.said_on_precision,
        speaker.name if speaker else "",
        speaker.slug if speaker else "",
        "true" if speaker and speaker.is_anonymous else "false",
        statement.speaker_title,
        organization.name if organization else "",
        statement.kind,
        statement.status,
        statement.text,
        " | ".join(topic.slug for topic in statement.topics.all()),
        " | ".join(dict.fromkeys(source.title for source in sources)),
        " | ".join(dict.fromkeys(source.url for source in sources if source.url)),
    ]


def spreadsheet_safe(value: Any) -> Any:
    """Quoted words starting with =, +, - or @ would run as formulas in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def stream_csv(statements: QuerySet[Statement]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for statement in statements.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow([spreadsheet_safe(value) for value in csv_row(statement)])


def stream_ndjson(statements: QuerySet[Statement], context: dict[str, Any]) -> Iterator[str]:
    for statement in statements.iterator(chunk_size=CHUNK_SIZE):
        data = StatementSerializer(statement, context=context).data
        yield json.dumps(data, ensure_ascii=False, default=str) + "\n"


def export_response(
    fmt: str, statements: QuerySet[Statement], context: dict[str, Any]
) -> StreamingHttpResponse:
    if fmt == "csv":
        response = StreamingHttpResponse(
            stream_csv(statements), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="statements.csv"'
        return response
    return StreamingHttpResponse(
        stream_ndjson(statements, context), content_type="application/x-ndjson"
    )
