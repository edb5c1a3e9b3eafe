"""Keyset (cursor) pagination with a bounded count.

A page is found by comparing against the last row seen (``WHERE (key, id) < (…)``),
never by OFFSET, so deep pages cost what the first one does and rows added meanwhile
don't shift what comes next. The queryset's ordering must be ``[key, id]`` with both in
the same direction (e.g. ``["-said_on", "-id"]`` or ``["-search_rank", "-id"]``); NULL
keys sort last in either direction.
"""

import base64
import datetime
import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Model, Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from quotes import search

COUNT_LIMIT = 10_000


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


class KeysetPagination(BasePagination):
    page_size = 20
    max_page_size = 100
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Model]:
        self.request = request
        self.size = self.get_page_size(request)
        self.key, self.descending = self.ordering_of(queryset)
        self.count, self.count_is_exact = self.bounded_count(queryset)
        position, backwards = self.decode_cursor(request)
        if self.key == search.RANK:  # count every match, but page through the ranked ones
            queryset = search.relevance_candidates(queryset)
        ordered = self.order(queryset, reverse=backwards)
        if position is not None:
            try:
                ordered = ordered.filter(self.after(*position, reverse=backwards))
            except (DjangoValidationError, ValueError, TypeError):
                raise self.invalid_cursor() from None
        rows = list(ordered[: self.size + 1])
        has_more = len(rows) > self.size
        rows = rows[: self.size]
        if backwards:
            rows.reverse()
        self.has_next = True if backwards else has_more
        self.has_previous = has_more if backwards else position is not None
        self.page = rows
        return rows

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Enter a whole number from 1 to {self.max_page_size}; got {raw!r}."
                    ]
                }
            )
        return int(raw)

    def ordering_of(self, queryset: QuerySet) -> tuple[str, bool]:
        ordering = list(queryset.query.order_by)
        if len(ordering) == 1:  # ordered by id alone: id is its own tie-breaker
            ordering = ordering * 2
        if len(ordering) != 2 or ordering[1].lstrip("-") != "id":
            raise AssertionError(f"keyset pagination needs [key, id] ordering, got {ordering}")
        return ordering[0].lstrip("-"), ordering[0].startswith("-")

    def bounded_count(self, queryset: QuerySet) -> tuple[int, bool]:
        # COUNT over at most COUNT_LIMIT + 1 rows: exact for small sets, a floor beyond.
        count = queryset.order_by()[: COUNT_LIMIT + 1].count()
        return min(count, COUNT_LIMIT), count <= COUNT_LIMIT

    def order(self, queryset: QuerySet, *, reverse: bool) -> QuerySet:
        descending = self.descending != reverse
        # NULL keys last going forward, so first when walking back.
        nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
        key, pk = F(self.key), F("id")
        if descending:
            return queryset.order_by(key.desc(**nulls), pk.desc())
        return queryset.order_by(key.asc(**nulls), pk.asc())

    def after(self, value: Any, pk: int, *, reverse: bool) -> Q:
        """Rows strictly after (key=value, id=pk) in the walking direction."""
        descending = self.descending != reverse
        beyond, pk_beyond = ("lt", "lt") if descending else ("gt", "gt")
        nulls_ahead = not reverse  # NULL keys come last going forward, first going back
        if value is None:
            same = Q(**{f"{self.key}__isnull": True, f"id__{pk_beyond}": pk})
            return same if nulls_ahead else same | Q(**{f"{self.key}__isnull": False})
        later = Q(**{f"{self.key}__{beyond}": value}) | Q(
            **{self.key: value, f"id__{pk_beyond}": pk}
        )
        return later | Q(**{f"{self.key}__isnull": True}) if nulls_ahead else later

    def decode_cursor(self, request: Request) -> tuple[tuple[Any, int] | None, bool]:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None, False
        try:
            value, pk, backwards = json.loads(base64.urlsafe_b64decode(raw.encode()))
        except (ValueError, TypeError, UnicodeError):
            raise self.invalid_cursor() from None
        scalar = (
            value is None
            or isinstance(value, int | float)
            or (isinstance(value, str) and "\x00" not in value)
        )
        if not (scalar and isinstance(pk, int) and isinstance(backwards, bool)):
            raise self.invalid_cursor()
        return (value, pk), backwards

    def invalid_cursor(self) -> ValidationError:
        return ValidationError(
            {self.cursor_query_param: ["Invalid cursor: use the next or previous link."]}
        )

    def encode_cursor(self, row: Model, *, backwards: bool) -> str:
        position = [_encode(getattr(row, self.key)), row.pk, backwards]
        token = base64.urlsafe_b64encode(json.dumps(position).encode()).decode()
        return replace_query_param(
            self.request.build_absolute_uri(), self.cursor_query_param, token
        )

    def get_next_link(self) -> str | None:
        if not (self.has_next and self.page):
            return None
        return self.encode_cursor(self.page[-1], backwards=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.page:  # past the end: back to the start
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self.encode_cursor(self.page[0], backwards=True)

    def get_paginated_response(self, data: Sequence[Any]) -> Response:
        return Response(
            {
                "count": self.count,
                "count_is_exact": self.count_is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["count", "count_is_exact", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": f"Matching rows, exact up to {COUNT_LIMIT:,}.",
                    "example": 42,
                },
                "count_is_exact": {
                    "type": "boolean",
                    "description": f"False when there are more than {COUNT_LIMIT:,} rows: "
                    "`count` is then a lower bound.",
                },
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque position from a previous page's `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Results per page, 1 to {self.max_page_size} "
                f"(default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
                "example": 20,
            },
        ]
