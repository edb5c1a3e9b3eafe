"""The API's pagination: keyset pages of quotes.paging, with next and previous links."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from quotes import paging
from quotes.paging import COUNT_LIMIT


class KeysetPagination(BasePagination):
    page_size = paging.DEFAULT_SIZE
    max_page_size = paging.MAX_SIZE
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    extra_schema: dict = {}  # fields a view adds to its pages (StatementPagination)

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Model]:
        self.request = request
        size = self.get_page_size(request)
        try:
            self.page = paging.Keyset(queryset).page(
                request.query_params.get(self.cursor_query_param), size
            )
        except paging.InvalidCursor as invalid:
            raise ValidationError({self.cursor_query_param: invalid.messages}) from None
        return self.page.rows

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        try:
            return paging.bounded_int(
                self.page_size_query_param, raw, default=self.page_size, maximum=self.max_page_size
            )
        except DjangoValidationError as invalid:
            raise ValidationError(invalid.message_dict) from None

    def link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        if cursor == paging.FIRST_PAGE:
            return remove_query_param(url, self.cursor_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        return self.link(self.page.next_cursor)

    def get_previous_link(self) -> str | None:
        return self.link(self.page.previous_cursor)

    def get_paginated_response(self, data: Sequence[Any]) -> Response:
        return Response(
            {
                "count": self.page.count,
                "count_is_exact": self.page.count_is_exact,
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
                **self.extra_schema,
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


SEARCHED_SCHEMA = {
    "corrected_query": {
        "type": "string",
        "nullable": True,
        "description": "With `q`: the search actually run when a misspelled name was "
        'corrected ("Lloyd Austin" for "Lloyd Austen"); null when `q` was run as typed.',
    },
    "original_query": {
        "type": "string",
        "nullable": True,
        "description": "With a correction: `q` as typed.",
    },
}


class StatementPagination(KeysetPagination):
    """Statement lists say which search they ran (StatementViewSet.searched)."""

    extra_schema = SEARCHED_SCHEMA
