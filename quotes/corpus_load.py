"""Bulk loading of the synthetic corpus (quotes/corpus.py) at the speed each backend allows.

PostgreSQL: everything in one transaction, rows streamed through COPY from a writer
thread while the next batch is generated. Secondary indexes and foreign keys of the big
tables are dropped first and recreated at the end (one sort and one anti-join each,
rather than millions of row-by-row updates and checks); the search triggers are off
during the load and the search index is rebuilt set-based afterwards. A failure rolls
everything back, the dropped indexes and constraints included.

SQLite: executemany in one transaction, FTS triggers dropped and recreated, the index
rebuilt at the end. Slower, but the same rows.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import NOT_PROVIDED

from quotes import anonymity, generation, search_index
from quotes.corpus import COLUMNS, TABLES, WORDINGS, Batch, CorpusGenerator, Ids, Words
from quotes.search import rebuild_search_index

CURATORS = 3
# The tables that grow with the corpus; smaller ones keep their indexes during the load.
BIG_TABLES = ("quotes_source", "quotes_statement", "quotes_appearance", "quotes_statement_topics")
# Insert triggers that keep the search index and the first report date in step row by row;
# statements arrive with both computed instead (insert_statements, the generator).
SEARCH_TRIGGERS = [
    ("quotes_statement", "quotes_statement_search_insert"),
    ("quotes_statement", "quotes_statement_first_reported_insert"),
    ("quotes_statement", "quotes_statement_anonymous_insert"),
    ("quotes_appearance", "quotes_appearance_search_insert"),
    ("quotes_statement_topics", "quotes_statement_topics_search_insert"),
]

# Sources' texts are long enough to be compressed; lz4 does it at a third of pglz's cost.
LZ4_IF_AVAILABLE = """
    SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings
    WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)
"""

Progress = Callable[[str], None]


class CorpusExists(Exception):
    """The database already holds statements and replacing them was not asked for."""


@dataclass
class LoadResult:
    statements: int
    rows: int
    load_seconds: float
    total_seconds: float


def load_corpus(
    *, statements: int, seed: int, replace: bool, progress: Progress, using: str = "default"
) -> LoadResult:
    """Generate `statements` statements (and their speakers, sources, appearances…) and
    load them; with `replace`, every quotes table is emptied first."""
    started = time.monotonic()
    connection = connections[using]
    curator_ids = corpus_curators(using)
    loader = (
        PostgresLoader(connection)
        if connection.vendor == "postgresql"
        else SqliteLoader(connection)
    )
    with transaction.atomic(using=using):
        if replace:
            loader.empty()
        elif apps.get_model("quotes", "Statement").objects.using(using).exists():
            raise CorpusExists("The database already holds statements; use --replace.")
        generator = CorpusGenerator(
            statements, seed, next_ids(connection), curator_ids, Words.load()
        )
        with loader.prepared(progress):
            rows = loader.write_all(iter(generator), statements, progress)
            load_seconds = time.monotonic() - started
            progress(f"Loaded {rows:,} rows in {load_seconds:.1f} s")
            loader.index_search(using)
    loader.analyze()
    return LoadResult(statements, rows, load_seconds, time.monotonic() - started)


def corpus_curators(using: str) -> list[int]:
    """The users recorded as having verified generated statements (no password: no login)."""
    User = get_user_model()
    ids = []
    for n in range(1, CURATORS + 1):
        user, created = User.objects.using(using).get_or_create(username=f"corpus-curator-{n}")
        if created:
            user.set_unusable_password()
            user.save(using=using)
        ids.append(user.pk)
    return ids


def next_ids(connection: BaseDatabaseWrapper) -> Ids:
    with connection.cursor() as cursor:
        found = {}
        for table in TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            found[table] = cursor.fetchone()[0]
    return Ids(found)


def progress_marks(batches: Iterator[Batch], total: int, progress: Progress) -> Iterator[Batch]:
    """Passes batches through, reporting every tenth of the way with the rate so far."""
    started, shown = time.monotonic(), 0
    for batch in batches:
        yield batch
        tenth = batch.statements_done * 10 // max(total, 1)
        if tenth > shown:
            shown = tenth
            rate = batch.statements_done / max(time.monotonic() - started, 1e-9)
            progress(f"{batch.statements_done:>12,} / {total:,} statements ({rate:,.0f}/s)")


def quotes_tables() -> list[str]:
    """Every table of the quotes app, many-to-many tables included."""
    models = apps.get_app_config("quotes").get_models(include_auto_created=True)
    return [model._meta.db_table for model in models]


def quotes_models() -> list[Any]:
    return list(apps.get_app_config("quotes").get_models(include_auto_created=True))


class PostgresLoader:
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def empty(self) -> None:
        tables = ", ".join(quotes_tables())
        with self.connection.cursor() as cursor:
            # Checks deferred earlier in the same transaction would block TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    @contextmanager
    def prepared(self, progress: Progress) -> Iterator[None]:
        """Indexes, foreign keys and search triggers off for the load, then back."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {', '.join(BIG_TABLES)} IN EXCLUSIVE MODE")
            cursor.execute(LZ4_IF_AVAILABLE)
            indexes, constraints = self.secondary_indexes(cursor), self.foreign_keys(cursor)
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {name}")
            for table, name, _ in constraints:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {self.quote(name)}")
            for table, trigger in SEARCH_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        yield
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            progress(f"Recreating {len(indexes)} indexes and {len(constraints)} foreign keys")
            for _, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in constraints:
                cursor.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {self.quote(name)} {definition}"
                )
            for table, trigger in SEARCH_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
            for sql in self.connection.ops.sequence_reset_sql(no_style(), quotes_models()):
                cursor.execute(sql)

    def quote(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    def secondary_indexes(self, cursor: Any) -> list[tuple[str, str]]:
        # Unique indexes stay: they are the constraints, checked as rows arrive.
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique ORDER BY 1",
            [list(BIG_TABLES)],
        )
        return cursor.fetchall()

    def foreign_keys(self, cursor: Any) -> list[tuple[str, str, str]]:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [list(BIG_TABLES)],
        )
        return cursor.fetchall()

    def write_all(self, batches: Iterator[Batch], total: int, progress: Progress) -> int:
        """COPY every batch from a writer thread, so that generating the next batch (the
        Python side) overlaps with the database storing this one (the server side)."""
        raw = self.connection.connection  # psycopg's own connection: usable from a thread
        pending: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        failure: list[BaseException] = []
        writer = threading.Thread(target=self.copy_batches, args=(raw, pending, failure))
        # The writer gives up the GIL on every network write; a short switch interval gets
        # it back sooner from the generating thread (+20% rows/s here).
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)
        writer.start()
        rows = 0
        try:
            for batch in progress_marks(batches, total, progress):
                if failure:
                    break
                rows += sum(map(len, batch.rows.values()))
                pending.put(batch)
        finally:
            pending.put(None)
            writer.join()
            sys.setswitchinterval(switch_interval)
        if failure:
            raise failure[0]
        return rows

    def copy_batches(self, raw: Any, pending: queue.Queue, failure: list[BaseException]) -> None:
        try:
            with raw.cursor() as cursor:
                cursor.execute(STAGING)
                while (batch := pending.get()) is not None:
                    for table in TABLES:
                        if batch.rows[table] and table != "quotes_statement":
                            copy_rows(cursor, table, batch.rows[table])
                    insert_statements(cursor, batch)
        except BaseException as error:  # reported by the main thread
            failure.append(error)
            while pending.get() is not None:  # unblock the producer
                pass

    def index_search(self, using: str) -> None:
        pass  # statements arrived with their search vectors and first report dates

    def analyze(self) -> None:
        # VACUUM sets the visibility map (index-only scans); ANALYZE gives the planner
        # statistics for the new rows. VACUUM cannot run inside a transaction (a test's).
        command = "ANALYZE" if self.connection.in_atomic_block else "VACUUM ANALYZE"
        with self.connection.cursor() as cursor:
            cursor.execute(f"{command} {', '.join(quotes_tables())}")


def copy_rows(cursor: Any, table: str, rows: list[tuple], into: str | None = None) -> None:
    names, extra = columns_of(table)
    columns = ", ".join(f'"{column}"' for column in names)
    with cursor.copy(f"COPY {into or table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row + extra)


# Statements pass through a temporary table so that each arrives with its search vector,
# computed by the same query as quotes_rebuild_search_index() (quotes.search_index)
# from the wordings of its appearances: no second pass, no rewritten rows.
STAGING = """
    DROP TABLE IF EXISTS corpus_statement, corpus_wording, corpus_tagging;
    CREATE TEMPORARY TABLE corpus_statement (LIKE quotes_statement INCLUDING DEFAULTS)
        ON COMMIT DROP;
    CREATE TEMPORARY TABLE corpus_wording (statement_id bigint, quoted_text text)
        ON COMMIT DROP;
    CREATE TEMPORARY TABLE corpus_tagging (statement_id bigint, topic_id bigint)
        ON COMMIT DROP;
"""
STAGED_DOCUMENTS = search_index.postgresql_documents(
    "corpus_statement", "corpus_wording", "corpus_tagging"
)


def insert_statements(cursor: Any, batch: Batch) -> None:
    if not batch.rows["quotes_statement"]:
        return
    copy_rows(cursor, "quotes_statement", batch.rows["quotes_statement"], into="corpus_statement")
    with cursor.copy("COPY corpus_wording (statement_id, quoted_text) FROM STDIN") as copy:
        for row in batch.rows[WORDINGS]:
            copy.write_row(row)
    with cursor.copy("COPY corpus_tagging (statement_id, topic_id) FROM STDIN") as copy:
        for _, statement_id, topic_id in batch.rows["quotes_statement_topics"]:
            copy.write_row((statement_id, topic_id))
    names, _ = columns_of("quotes_statement")
    columns = ", ".join(f'"{name}"' for name in names)
    t_columns = ", ".join(f't."{name}"' for name in names)
    cursor.execute(
        f"INSERT INTO quotes_statement ({columns}, search_vector) "
        f"SELECT {t_columns}, d.vector FROM corpus_statement AS t "
        f"JOIN ({STAGED_DOCUMENTS}) AS d ON d.id = t.id"
    )
    cursor.execute("TRUNCATE corpus_statement, corpus_wording, corpus_tagging")


@cache
def columns_of(table: str) -> tuple[tuple[str, ...], tuple]:
    """The generated columns of `table`, plus any other NOT NULL column that has only a
    Python-side default (the database would refuse NULL there), with that default."""
    model = next(m for m in quotes_models() if m._meta.db_table == table)
    extra = [
        field
        for field in model._meta.concrete_fields
        if field.column not in COLUMNS[table]
        and not field.null
        and field.db_default is NOT_PROVIDED
        and (field.has_default() or field.empty_strings_allowed)
    ]
    names = COLUMNS[table] + tuple(field.column for field in extra)
    defaults = (field.get_default() for field in extra)
    return names, tuple(json.dumps(v) if isinstance(v, list | dict) else v for v in defaults)


class SqliteLoader:
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        # Both kinds of row-by-row trigger are off during the load: the search index is
        # rebuilt in one pass, and the data generation moves once, at the end.
        self.triggers = (
            search_index.SQLITE_TRIGGERS | anonymity.SQLITE_TRIGGERS | generation.SQLITE_TRIGGERS
        )
        self.changed = generation.SQLITE_INCREMENT

    def empty(self) -> None:
        tables = quotes_tables()
        with self.connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'DELETE FROM "{table}"')
            cursor.execute(
                f"DELETE FROM sqlite_sequence WHERE name IN ({', '.join(['%s'] * len(tables))})",
                tables,
            )

    @contextmanager
    def prepared(self, progress: Progress) -> Iterator[None]:
        with self.connection.cursor() as cursor:
            for name in self.triggers:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        yield
        with self.connection.cursor() as cursor:
            for name, definition in self.triggers.items():
                cursor.execute(f"CREATE TRIGGER {name} {definition}")
            cursor.execute(self.changed)

    def write_all(self, batches: Iterator[Batch], total: int, progress: Progress) -> int:
        ops, rows = self.connection.ops, 0
        with self.connection.cursor() as cursor:
            for batch in progress_marks(batches, total, progress):
                for table in TABLES:
                    names, extra = columns_of(table)
                    values = [tuple(map(self.adapt, row + extra)) for row in batch.rows[table]]
                    columns = ", ".join(ops.quote_name(column) for column in names)
                    marks = ", ".join(["%s"] * len(names))
                    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                    cursor.executemany(sql, values)
                    rows += len(values)
        return rows

    def adapt(self, value: Any) -> Any:
        if hasattr(value, "tzinfo"):
            return self.connection.ops.adapt_datetimefield_value(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    def index_search(self, using: str) -> None:
        rebuild_search_index(using)

    def analyze(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE")
