"""Reads from PostgreSQL streaming replicas, writes to the primary.

Replicas lag the primary by a little (usually well under a second), so a read is sent
to the primary whenever it must see the latest writes:

- inside a transaction on the primary (a service's `transaction.atomic`): the read
  belongs to the write;
- during a request that writes (any method but GET, HEAD, OPTIONS, TRACE);
- for `DATABASE_REPLICA_PIN_SECONDS` after such a request, for the same client: the
  response sets a short-lived cookie, so an editor who saves and reloads sees the save.

With no replicas configured every query goes to the primary, as without this router.

Hand-built rather than django-multidb-router's pinning router: that one picks a replica
per query, while every read of a request here goes to one replica (a page's count and
rows, and the page cache's data generation, must come from the same one), and reads
inside a transaction on the primary stay there.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from quotes.generation import remembered

PIN_COOKIE = "primary_pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Per request (and per thread or task): whether this request must read from the primary.
_pinned: ContextVar[bool] = ContextVar("pinned_to_primary", default=False)
# Per request: the one replica it reads from. Replicas lag by different amounts, and a
# request's reads must agree (a page's count and rows; the page cache's data generation
# and the page it keys, quotes/api/pagecache.py).
_replica: ContextVar[str | None] = ContextVar("request_replica", default=None)


def replicas() -> list[str]:
    """The database aliases of the configured replicas (settings.DATABASE_REPLICAS)."""
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def pin_seconds() -> int:
    return int(getattr(settings, "DATABASE_REPLICA_PIN_SECONDS", 10))


def writing() -> bool:
    """True inside a transaction on the primary: its reads must see its own writes."""
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    """Sends reads to a replica unless the primary is required (module docstring): the
    request's own replica during a request, else a random one."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        choices = replicas()
        if not choices or _pinned.get() or writing():
            return DEFAULT_DB_ALIAS
        chosen = _replica.get()
        return chosen if chosen in choices else random.choice(choices)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # replicas follow the primary's schema by replication


class PinToPrimaryMiddleware:
    """Reads go to the primary during a writing request and for a few seconds after it;
    the other requests each read from one replica.

    Clients that keep cookies (browsers, the admin, most HTTP libraries with a session)
    read their own writes; a client without cookies may see a replica up to its lag behind.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writes = request.method not in SAFE_METHODS
        token = _pinned.set(writes or request.COOKIES.get(PIN_COOKIE) == "1")
        choices = replicas()
        replica = _replica.set(random.choice(choices) if choices else None)
        try:
            # A read request reads the data generation once (it cannot move it).
            with remembered() if not writes else nullcontext():
                response = self.get_response(request)
        finally:
            _replica.reset(replica)
            _pinned.reset(token)
        if writes and replicas():
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=pin_seconds(),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


@contextmanager
def pinned_to_primary() -> Iterator[None]:
    """Within the block reads go to the primary, e.g. in a command that writes then reads."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)
