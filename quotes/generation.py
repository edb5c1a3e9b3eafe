"""The data generation: a counter that every committed change to published data
increases, the key of the public page cache (quotes/api/pagecache.py).

Kept by triggers in the database rather than by the application, so that no way of
writing is missed (services, admin, loaddata, the corpus generator's COPY, a fix made in
psql), the new value becomes visible in the same commit as the data it stands for, and a
read replica's counter always describes the data that replica holds.

PostgreSQL: a statement-level trigger per table notes the writing transaction (one row
in quotes_data_change, once per transaction), and a deferred constraint trigger on that
note increments the counter at commit. Incrementing at the first write instead would
hold the counter's row lock for the rest of the transaction: every other writer would
queue behind it, and one waiting for a row this transaction later needs would deadlock.
Needs PostgreSQL 13 or later (pg_current_xact_id).

SQLite has no statement-level or deferred triggers, and one writer at a time: row-level
triggers increment the counter directly. A SQLite rebuild of one of these tables (an
altered column) drops its triggers: such a migration must recreate them.

Each change moves the counter to the current time in microseconds since the epoch, or
one past its value if that is later (migration 0013; 0008 counted +1). A database
restored from a backup starts again at the backup's value, which workers may have seen
with other data since: its first change then jumps past every value the old database
ever had, restore_database moves it forward explicitly (move_forward), and so does a
dumpdata/loaddata reload, whose inserts fire the triggers. Only a clock stepped back by
more than the time since the backup could bring an old value round again.

The definitions live here, once: migrations 0008_data_generation and
0015_data_generation_forward keep the frozen copies they installed
(tests/test_search_index.py checks the database's triggers and functions against
these), and the corpus loader drops and recreates the SQLite triggers around a bulk load.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

TABLE = "quotes_data_generation"
WATCHED = (
    "quotes_statement",
    "quotes_appearance",
    "quotes_statement_topics",
    "quotes_speaker",
    "quotes_organization",
    "quotes_affiliation",
    "quotes_source",
    "quotes_topic",
    # The compound lexicon changes what a search finds.
    "quotes_searchvariant",
)
# Microseconds since the epoch, now: clock_timestamp() is the time of the commit, not of
# the transaction's start (now()); SQLite's 'now' has millisecond resolution.
POSTGRESQL_NOW = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
SQLITE_NOW = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"
POSTGRESQL_INCREMENT = f"UPDATE {TABLE} SET generation = greatest(generation + 1, {POSTGRESQL_NOW})"
SQLITE_INCREMENT = f"UPDATE {TABLE} SET generation = max(generation + 1, {SQLITE_NOW})"
# Tests run inside a transaction that never commits: they set this trigger IMMEDIATE.
COMMIT_TRIGGER = "quotes_data_change_at_commit"

SQLITE_TRIGGERS = {
    f"{table}_{event.lower()}_changed": f"AFTER {event} ON {table} BEGIN {SQLITE_INCREMENT}; END"
    for table in WATCHED
    for event in ("INSERT", "UPDATE", "DELETE")
}
POSTGRESQL_FUNCTIONS = {
    # Notes the writing transaction, once: its row exists only while it runs.
    "quotes_data_changed()": (
        "RETURNS trigger LANGUAGE plpgsql",
        """
        BEGIN
            INSERT INTO quotes_data_change VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
            RETURN NULL;
        END """,
    ),
    # At commit (COMMIT_TRIGGER, deferred): the counter moves, the note goes.
    "quotes_data_committing()": (
        "RETURNS trigger LANGUAGE plpgsql",
        f"""
        BEGIN
            {POSTGRESQL_INCREMENT};
            DELETE FROM quotes_data_change WHERE xid = NEW.xid;
            RETURN NULL;
        END """,
    ),
}
POSTGRESQL_TRIGGERS = {
    f"{table}_changed": f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION quotes_data_changed()"
    for table in WATCHED
}


# Within a request (remembered()), the generation is read once per database: the page
# cache, the compound lexicon and the name lexicon all ask for it.
_remembered: ContextVar[dict[str, int | None] | None] = ContextVar("generations", default=None)


def data_generation(using: str) -> int | None:
    """The data generation of database `using`, or None where there is none (its table
    emptied by hand: then nothing is cached)."""
    memo = _remembered.get()
    if memo is not None and using in memo:
        return memo[using]
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT generation FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    generation = row[0] if row else None
    if memo is not None:
        memo[using] = generation
    return generation


@contextmanager
def remembered() -> Iterator[None]:
    """Read each database's generation at most once in the block (a request)."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def move_forward(using: str) -> None:
    """Move the data generation of database `using` past every value it has had, as a
    change would: after a restore, no page cached before it can match."""
    connection = connections[using]
    increment = POSTGRESQL_INCREMENT if connection.vendor == "postgresql" else SQLITE_INCREMENT
    with connection.cursor() as cursor:
        cursor.execute(increment)
