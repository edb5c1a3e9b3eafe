"""Keyset (cursor) pages with a bounded count, for the API and the site alike.

A page is found by comparing against the last row seen (``WHERE (key, id) < (…)``),
never by OFFSET, so deep pages cost what the first one does and rows added meanwhile
don't shift what comes next. The queryset's ordering must be ``[key, id]`` with both in
the same direction (e.g. ``["-said_on", "-id"]`` or ``["-search_rank", "-id"]``); NULL
keys sort last in either direction.

Hand-built rather than DRF's CursorPagination: that one pages by a single ordering field
with offsets inside it, cannot put NULL keys last on both databases, counts nothing, and
is tied to DRF's request; the site pages its search results with this same code.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Model, Q, QuerySet

from quotes import search
from quotes.models import Statement

COUNT_LIMIT = 10_000
DEFAULT_SIZE = 20
MAX_SIZE = 100
# The cursor of the first page, for a "previous" link that leads back to the start.
FIRST_PAGE = ""


class InvalidCursor(ValidationError):
    def __init__(self) -> None:
        super().__init__("Invalid cursor: use the next or previous link.")


def bounded_int(name: str, raw: str | None, *, default: int, maximum: int) -> int:
    """A whole number from 1 to `maximum` given as parameter `name` (`default` when
    absent or empty). Raises ValidationError({name: …}) otherwise, "²" and "1.5" included."""
    if raw is None or raw == "":
        return default
    field = forms.IntegerField(min_value=1, max_value=maximum)
    try:
        return field.clean(raw)
    except ValidationError:
        message = f"Enter a whole number from 1 to {maximum}; got {raw!r}."
        raise ValidationError({name: [message]}) from None


@dataclass
class Page:
    """One page of rows, with how many match (exact up to COUNT_LIMIT) and the cursors
    of the pages either side (None: there is none; FIRST_PAGE: the first page)."""

    rows: list[Model]
    count: int
    count_is_exact: bool
    next_cursor: str | None
    previous_cursor: str | None


def ordering_of(queryset: QuerySet) -> tuple[str, bool]:
    """The key the queryset is ordered by, and whether it descends."""
    ordering = list(queryset.query.order_by)
    if len(ordering) == 1:  # ordered by id alone: id is its own tie-breaker
        ordering = ordering * 2
    if len(ordering) != 2 or ordering[1].lstrip("-") != "id":
        raise AssertionError(f"keyset pagination needs [key, id] ordering, got {ordering}")
    return ordering[0].lstrip("-"), ordering[0].startswith("-")


def bounded_count(queryset: QuerySet) -> tuple[int, bool]:
    """COUNT over at most COUNT_LIMIT + 1 rows: exact for small sets, a floor beyond.
    Ids only: annotations (a search's rank) are not computed for counting."""
    count = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    return min(count, COUNT_LIMIT), count <= COUNT_LIMIT


def decode_cursor(raw: str | None) -> tuple[tuple[Any, int] | None, bool]:
    """The position a cursor names (key value, id) and whether it walks backwards."""
    if not raw:
        return None, False
    try:
        value, pk, backwards = json.loads(base64.urlsafe_b64decode(raw.encode()))
    except (ValueError, TypeError, UnicodeError):
        raise InvalidCursor() from None
    scalar = (
        value is None
        or (isinstance(value, int | float) and not isinstance(value, bool))
        or (isinstance(value, str) and "\x00" not in value)
    )
    if not (scalar and type(pk) is int and isinstance(backwards, bool)):
        raise InvalidCursor()
    return (value, pk), backwards


def encode_cursor(value: Any, pk: int, *, backwards: bool) -> str:
    if isinstance(value, datetime.date):
        value = value.isoformat()
    return base64.urlsafe_b64encode(json.dumps([value, pk, backwards]).encode()).decode()


class Keyset:
    """Pages of `queryset` (ordered [key, id]) by cursor."""

    def __init__(self, queryset: QuerySet) -> None:
        self.queryset = queryset
        self.key, self.descending = ordering_of(queryset)

    def page(self, cursor: str | None, size: int) -> Page:
        count, exact = bounded_count(self.queryset)
        position, backwards = decode_cursor(cursor)
        if self.key == search.RANK:  # count every match, but page through the ranked ones
            rows = self.ranked(position, backwards, size + 1)
            return self.made(rows, size, position, backwards, count, exact)
        ordered = self.order(self.queryset, reverse=backwards)
        if position is not None:
            try:
                ordered = ordered.filter(self.after(*position, reverse=backwards))
            except (ValidationError, ValueError, TypeError):
                raise InvalidCursor() from None
        return self.made(list(ordered[: size + 1]), size, position, backwards, count, exact)

    def made(
        self,
        rows: list[Model],
        size: int,
        position: tuple[Any, int] | None,
        backwards: bool,
        count: int,
        exact: bool,
    ) -> Page:
        """The page of `rows` (up to size + 1, in walking order)."""
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        has_next = True if backwards else more
        has_previous = more if backwards else position is not None
        return Page(
            rows=rows,
            count=count,
            count_is_exact=exact,
            next_cursor=self.cursor(rows[-1], False) if has_next and rows else None,
            previous_cursor=self.previous(rows, has_previous),
        )

    def ranked(self, position: tuple[Any, int] | None, backwards: bool, limit: int) -> list:
        """Up to `limit` statements in relevance order (search.ranked_candidates, ranked
        here: a thousand pairs sort in well under a millisecond) after `position`."""
        pairs = sorted(search.ranked_candidates(self.queryset), key=lambda p: (p[1], p[0]))
        if not backwards:
            pairs.reverse()  # best first
        if position is not None:
            value, pk = position
            if not isinstance(value, int | float):
                raise InvalidCursor()
            beyond = (lambda p: p < (value, pk)) if not backwards else (lambda p: p > (value, pk))
            pairs = [(rank, key) for key, rank in pairs if beyond((rank, key))]
        else:
            pairs = [(rank, key) for key, rank in pairs]
        chosen = pairs[:limit]
        found = Statement.objects.using(self.queryset.db).only("said_on", "text")
        by_id = found.in_bulk([pk for _, pk in chosen])
        rows = []
        for rank, pk in chosen:
            if row := by_id.get(pk):  # not deleted since
                row.search_rank = rank
                rows.append(row)
        return rows

    def previous(self, rows: list[Model], has_previous: bool) -> str | None:
        if not has_previous:
            return None
        return self.cursor(rows[0], True) if rows else FIRST_PAGE  # past the end: restart

    def cursor(self, row: Model, backwards: bool) -> str:
        return encode_cursor(getattr(row, self.key), row.pk, backwards=backwards)

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
        beyond = "lt" if descending else "gt"
        nulls_ahead = not reverse  # NULL keys come last going forward, first going back
        if value is None:
            same = Q(**{f"{self.key}__isnull": True, f"id__{beyond}": pk})
            return same if nulls_ahead else same | Q(**{f"{self.key}__isnull": False})
        later = Q(**{f"{self.key}__{beyond}": value}) | Q(**{self.key: value, f"id__{beyond}": pk})
        return later | Q(**{f"{self.key}__isnull": True}) if nulls_ahead else later
