#!/usr/bin/env python3
"""The search index's build time and size, before and after the richer document.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1000000 \\
        .venv/bin/python bench/search_index.py

On a generated archive (`bench/full N` leaves one), builds both search documents of
every statement into scratch tables and a GIN index over each, and prints the time and
size of each step. *Before* is the document of migration 0003 (text A, other wordings B,
the speaker's or organization's name and aliases C); *after* is today's
(`quotes.search_index.postgresql_documents`: the same plus the speaker's description, the
organization chain, the title at the time, and setting, location, reason and topics D).
Nothing in the archive itself is changed; the scratch tables are dropped at the end.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A maintenance job, as manage.py commands are: a million documents take minutes.
os.environ["DATABASE_STATEMENT_TIMEOUT"] = "0"
django.setup()

from django.db import connection  # noqa: E402

from quotes.search_index import postgresql_documents  # noqa: E402

# Migration 0003's set-based document, frozen here (migrations are not imported by
# code); its functions were replaced by 0016, so the expression is inlined.
BEFORE = """
    SELECT t.id,
        setweight(to_tsvector('english', t.text), 'A')
        || setweight(to_tsvector('english', coalesce(w.wordings, '')), 'B')
        || setweight(to_tsvector('english', coalesce(CASE WHEN t.speaker_id IS NOT NULL
            THEN quotes_search_names(p.name, p.aliases)
            ELSE quotes_search_names(o.name, o.aliases) END, '')), 'C') AS vector
    FROM quotes_statement AS t
    LEFT JOIN (
        SELECT a.statement_id, string_agg(DISTINCT a.quoted_text, E'\\n') AS wordings
        FROM quotes_appearance AS a JOIN quotes_statement AS st ON st.id = a.statement_id
        WHERE a.quoted_text <> st.text GROUP BY a.statement_id
    ) AS w ON w.statement_id = t.id
    LEFT JOIN quotes_speaker AS p ON p.id = t.speaker_id
    LEFT JOIN quotes_organization AS o ON o.id = t.organization_id"""

AFTER = postgresql_documents("quotes_statement", "quotes_appearance", "quotes_statement_topics")


def timed(cursor, sql: str) -> float:
    started = time.perf_counter()
    cursor.execute(sql)
    return time.perf_counter() - started


def measure(cursor, name: str, documents: str) -> dict[str, float]:
    table = f"bench_search_{name}"
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    computed = timed(cursor, f"CREATE UNLOGGED TABLE {table} AS {documents}")
    indexed = timed(cursor, f"CREATE INDEX {table}_gin ON {table} USING gin (vector)")
    cursor.execute(
        "SELECT pg_relation_size(%s), pg_relation_size(%s), avg(length(vector)) FROM " + table,
        [table, f"{table}_gin"],
    )
    vectors, index, lexemes = cursor.fetchone()
    cursor.execute(f"DROP TABLE {table}")
    return {
        "documents s": computed,
        "GIN build s": indexed,
        "vectors MiB": vectors / 2**20,
        "GIN MiB": index / 2**20,
        "lexemes per statement": float(lexemes),
    }


def main() -> int:
    if connection.vendor != "postgresql":
        print("error: DATABASE_URL must name a PostgreSQL archive.", file=sys.stderr)
        return 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM quotes_statement")
        (statements,) = cursor.fetchone()
        cursor.execute("SET maintenance_work_mem = '256MB'")
        results = {"before (0003)": measure(cursor, "before", BEFORE)}
        results["after (0016)"] = measure(cursor, "after", AFTER)
    print(f"{statements:,} statements\n")
    columns = list(next(iter(results.values())))
    print("| document | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(f"{row[c]:,.1f}" for c in columns) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
