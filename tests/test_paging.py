"""Keyset pages (quotes/paging.py), below the API: every row once, NULL keys last."""

import base64
import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from quotes import paging
from quotes.models import Statement
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


def walk(queryset, size: int) -> list[int]:
    seen, cursor = [], None
    while True:
        page = paging.Keyset(queryset).page(cursor, size)
        seen += [row.pk for row in page.rows]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


@pytest.fixture
def dated() -> list[Statement]:
    days = [datetime.date(2024, 1, d) for d in (3, 1, 2, 2)] + [None, None]
    return [
        StatementFactory(said_on=day, said_on_precision="day" if day else "unknown") for day in days
    ]


@pytest.mark.parametrize("ordering", [["-said_on", "-id"], ["said_on", "id"]])
def test_pages_walk_every_row_once_with_undated_rows_last(dated, ordering) -> None:
    statements = Statement.objects.order_by(*ordering)
    seen = walk(statements, size=2)

    assert sorted(seen) == sorted(s.pk for s in dated)
    assert [Statement.objects.get(pk=pk).said_on for pk in seen][-2:] == [None, None]


def test_a_page_walked_back_is_the_page_before(dated) -> None:
    statements = Statement.objects.order_by("-said_on", "-id")
    first = paging.Keyset(statements).page(None, 2)
    second = paging.Keyset(statements).page(first.next_cursor, 2)
    back = paging.Keyset(statements).page(second.previous_cursor, 2)

    assert [row.pk for row in back.rows] == [row.pk for row in first.rows]
    assert first.previous_cursor is None


def test_past_the_end_the_previous_page_is_the_first(dated) -> None:
    beyond = paging.encode_cursor(None, 0, backwards=False)
    page = paging.Keyset(Statement.objects.order_by("-said_on", "-id")).page(beyond, 2)

    assert page.rows == []
    assert page.previous_cursor == paging.FIRST_PAGE


def test_the_count_is_a_floor_beyond_the_limit(dated, monkeypatch) -> None:
    monkeypatch.setattr(paging, "COUNT_LIMIT", 4)
    page = paging.Keyset(Statement.objects.order_by("-said_on", "-id")).page(None, 2)
    assert (page.count, page.count_is_exact) == (4, False)


def token(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    ["not base64 !", token({"a": 1}), token([[1], 1, False]), token(["x", True, False]),
     token(["x\u0000", 1, False]), token([1, 1, "no"])],
)  # fmt: skip
def test_a_malformed_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(paging.InvalidCursor):
        paging.decode_cursor(cursor)


@pytest.mark.parametrize("raw", ["0", "101", "1.5", "²", "-3", " ", "ten"])
def test_a_size_out_of_range_is_refused_naming_the_parameter(raw: str) -> None:
    with pytest.raises(ValidationError) as refused:
        paging.bounded_int("page_size", raw, default=20, maximum=100)
    assert list(refused.value.message_dict) == ["page_size"]


def test_a_size_in_range_is_taken_and_absent_is_the_default() -> None:
    assert paging.bounded_int("page_size", "100", default=20, maximum=100) == 100
    assert paging.bounded_int("page_size", None, default=20, maximum=100) == 20
    assert paging.bounded_int("page_size", "", default=20, maximum=100) == 20  # sent empty
