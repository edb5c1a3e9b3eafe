"""Which database errors mean "the database cannot be reached right now".

Those are answered 503 with Retry-After (quotes/problems.py): the request was fine and
the same request will work once the database is back, which Django's per-request
connection handling (and CONN_HEALTH_CHECKS for persistent connections) makes happen
by itself. A statement cut short by the statement timeout (quotes/timeouts.py) is a 503
too: the database is too busy for it now. Everything else, an IntegrityError, a
deadlock, a missing table, stays a 500: retrying would not help, and it is a bug to look
into, not an outage.
"""

import sqlite3

import psycopg
from django.db import InterfaceError, OperationalError

RETRY_AFTER_SECONDS = 5

# SQLSTATE class 08 is "connection exception"; the others: the server is shutting down
# or restarting (57P01-57P03), or refuses more connections (53300).
POSTGRESQL_UNAVAILABLE = {"57P01", "57P02", "57P03", "53300"}
# The database file cannot be opened (its disk or directory went away), the disk fails,
# or another process holds the database locked beyond the busy timeout.
SQLITE_UNAVAILABLE = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_BUSY}


def is_outage(exc: BaseException | None) -> bool:
    """True for Django's OperationalError or InterfaceError from a lost, refused or
    closed connection (or SQLite's file equivalents); False for anything else."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", None)
        # Extended codes (SQLITE_IOERR_READ, …) carry the primary code in the low byte.
        return code is not None and (code & 0xFF) in SQLITE_UNAVAILABLE
    if isinstance(cause, psycopg.Error):
        if cause.sqlstate is None:
            # No SQLSTATE: the server never answered. psycopg's OperationalError is then
            # a refused, dropped or closed connection; its InterfaceError is misuse.
            return isinstance(cause, psycopg.OperationalError)
        return cause.sqlstate.startswith("08") or cause.sqlstate in POSTGRESQL_UNAVAILABLE
    # psycopg2 and other drivers say "connection already closed" as an InterfaceError.
    return isinstance(exc, InterfaceError) and "closed" in str(exc)


def is_timeout(exc: BaseException | None) -> bool:
    """True for a statement cut short by the statement timeout: PostgreSQL's
    query_canceled (57014), SQLite's interrupt (quotes/timeouts.py's progress handler)."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        return getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_INTERRUPT
    return isinstance(cause, psycopg.Error) and cause.sqlstate == "57014"
