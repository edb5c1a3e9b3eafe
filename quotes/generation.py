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

The definitions live here, once: migration 0008_data_generation keeps the frozen copy it
installed (tests/test_generation.py checks the database's triggers against these), and
the corpus loader drops and recreates the SQLite triggers around a bulk load.
"""

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
)
INCREMENT = f"UPDATE {TABLE} SET generation = generation + 1"
# Tests run inside a transaction that never commits: they set this trigger IMMEDIATE.
COMMIT_TRIGGER = "quotes_data_change_at_commit"

SQLITE_TRIGGERS = {
    f"{table}_{event.lower()}_changed": f"AFTER {event} ON {table} BEGIN {INCREMENT}; END"
    for table in WATCHED
    for event in ("INSERT", "UPDATE", "DELETE")
}
POSTGRESQL_TRIGGERS = {
    f"{table}_changed": f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION quotes_data_changed()"
    for table in WATCHED
}


def data_generation(using: str) -> int | None:
    """The data generation of database `using`, or None where there is none (its table
    emptied by hand: then nothing is cached)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT generation FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None
