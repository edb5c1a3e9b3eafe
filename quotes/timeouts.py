"""A statement timeout on both databases: no query holds a worker for a minute.

PostgreSQL enforces `statement_timeout` itself (set for every connection from
DATABASE_STATEMENT_TIMEOUT in config/settings.py). SQLite has none: a progress handler,
called every few thousand virtual-machine steps, interrupts a statement that has run
past its deadline (each statement gets one when it is executed). A query cut short
raises an error that quotes.outages.is_timeout recognises and quotes/problems.py answers
503 with Retry-After. Exports, which stream the whole of a large archive on purpose, run
without the limit (unlimited()).
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

# How many SQLite VM instructions between checks of the clock (about a millisecond).
CHECK_EVERY = 10_000
_unlimited: ContextVar[bool] = ContextVar("unlimited_statements", default=False)


def seconds() -> int:
    return int(getattr(settings, "DATABASE_STATEMENT_TIMEOUT", 0))


def _limit_sqlite(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor != "sqlite" or not seconds():
        return
    deadline = [float("inf")]

    def started(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        limit = seconds()
        deadline[0] = float("inf") if _unlimited.get() or not limit else time.monotonic() + limit
        return execute(sql, params, many, context)

    def overdue() -> int:
        return int(time.monotonic() > deadline[0])  # non-zero interrupts the statement

    connection.execute_wrappers.append(started)
    connection.connection.set_progress_handler(overdue, CHECK_EVERY)


connection_created.connect(_limit_sqlite)


@contextmanager
def unlimited(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Statements in the block run without the timeout (a streamed export)."""
    token = _unlimited.set(True)
    postgresql = connection.vendor == "postgresql" and seconds()
    try:
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        yield
    finally:
        _unlimited.reset(token)
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {seconds() * 1000}")
