"""backup_database and restore_database (quotes/backups.py): a backup restored into a
fresh database holds every row of every table exactly, timestamps to the microsecond,
and its data generation is past every value the original had."""

import datetime
import io
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from quotes import backups, generation, services
from quotes.models import Statement
from tests.factories import CuratorFactory, VerifiedStatementFactory

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"  # tests/factories.py


def manage(*arguments: str, database_url: str) -> subprocess.CompletedProcess:
    """A management command in its own process, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def raw_connection(name: str) -> Iterator[object]:
    """The driver's own connection to database `name` on the test database's server:
    values exactly as stored, read the same way on both sides of the comparison."""
    if connection.vendor == "sqlite":
        raw = sqlite3.connect(name, uri=True)  # the in-memory test database, or a file
    else:
        raw = psycopg.connect(**{**connection.get_connection_params(), "dbname": name})
    try:
        yield raw
    finally:
        raw.close()


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A new, empty database: its name and DATABASE_URL. PostgreSQL: created with a
    unique name, dropped after; SQLite: a file in a temporary directory."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield str(path), f"sqlite:///{path}"
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    try:
        yield name, f"postgres://{credentials}@{host}/{name}"
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Committed data, which pg_dump and the restoring process see. The serialized rollback
# brings back what migrations created (the Curators group) after another test's flush.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def archive() -> None:
    """Committed data in every kind of table: the seed, an edit with its history, a
    token, a session, the login log."""
    call_command("loaddata", "seed", verbosity=0)
    curator = CuratorFactory(username="casey")
    services.object_update(
        instance=Statement.objects.first(),
        fields={"setting": "edited"},
        expected_version=None,
        by=curator,
    )
    VerifiedStatementFactory()
    services.token_issue(user=curator)  # a token digest travels with the backup
    Client().post("/admin/login/", {"username": "casey", "password": PASSWORD})


TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
}


def every_row(name: str) -> dict[str, list[tuple]]:
    """Every row of every table (SQLite's internal ones included) of database `name`."""
    with raw_connection(name) as raw:
        cursor = raw.cursor()
        cursor.execute(TABLES[connection.vendor])
        tables = [table for (table,) in cursor.fetchall()]
        return {table: rows(cursor, table) for table in tables}


def rows(cursor: object, table: str) -> list[tuple]:
    cursor.execute(f'SELECT * FROM "{table}"')
    found = [
        tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
        for row in cursor.fetchall()
    ]
    return sorted(found, key=repr)


def below_milliseconds(value: object) -> bool:
    """A timestamp with digits below the millisecond (dumpdata drops them)."""
    if isinstance(value, datetime.datetime):  # PostgreSQL's timestamptz
        return value.microsecond % 1000 != 0
    stored = re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.(\d{6})", str(value))  # SQLite
    return stored is not None and int(stored[1]) % 1000 != 0


@committed
def test_a_backup_restores_into_a_fresh_database_exactly(
    archive, fresh_database: tuple[str, str], tmp_path: Path
) -> None:
    name, url = fresh_database
    path = tmp_path / "quotes.backup"
    call_command("backup_database", str(path), stdout=io.StringIO())
    started_us = time.time_ns() // 1000
    result = manage("restore_database", str(path), database_url=url)
    assert result.returncode == 0, result.stderr
    original = every_row(connection.settings_dict["NAME"])
    restored = every_row(name)
    (before,), (after,) = original.pop(generation.TABLE), restored.pop(generation.TABLE)
    assert after[1] > before[1]  # (id, generation): moved past the original's
    assert after[1] >= started_us - 1000  # to the restore's time (SQLite: to the ms)
    assert restored == original
    values = [value for table in original.values() for row in table for value in row]
    assert any(below_milliseconds(value) for value in values)
    assert len(original["quotes_statement"]) > 10


@committed
def test_a_backup_is_a_file_of_the_databases_own_format(archive, tmp_path: Path) -> None:
    path = tmp_path / "quotes.backup"
    call_command("backup_database", str(path), stdout=io.StringIO())
    magic = backups.PG_MAGIC if connection.vendor == "postgresql" else backups.SQLITE_MAGIC
    assert path.read_bytes().startswith(magic)
    assert not (tmp_path / "quotes.backup.partial").exists()


@pytest.mark.django_db
def test_restore_refuses_a_database_that_already_holds_data(tmp_path: Path) -> None:
    magic = backups.PG_MAGIC if connection.vendor == "postgresql" else backups.SQLITE_MAGIC
    path = tmp_path / "quotes.backup"
    path.write_bytes(magic + b"\0" * 100)
    with pytest.raises(CommandError, match=r"already holds \d+ tables: restore into a new"):
        call_command("restore_database", str(path))


@pytest.mark.django_db
def test_restore_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"No backup at .*missing\.backup"):
        call_command("restore_database", str(tmp_path / "missing.backup"))


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a backup")
    with pytest.raises(CommandError, match=r"notes\.txt is not a"):
        call_command("restore_database", str(path))


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_with_a_non_zero_exit(
    fresh_database: tuple[str, str], tmp_path: Path
) -> None:
    magic = backups.PG_MAGIC if connection.vendor == "postgresql" else backups.SQLITE_MAGIC
    path = tmp_path / "damaged.backup"
    path.write_bytes(magic + b"\x01" * 4096)
    result = manage("restore_database", str(path), database_url=fresh_database[1])
    assert result.returncode == 1
    assert "CommandError" in result.stderr
    assert "damaged.backup" in result.stderr or "pg_restore failed" in result.stderr


@pytest.mark.django_db
def test_backup_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    path = tmp_path / "quotes.backup"
    path.write_text("yesterday's backup")
    with pytest.raises(CommandError, match="already exists: a backup never overwrites"):
        call_command("backup_database", str(path))
    assert path.read_text() == "yesterday's backup"


@pytest.mark.django_db
def test_backup_refuses_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no directory"):
        call_command("backup_database", str(tmp_path / "no" / "quotes.backup"))


def test_a_missing_postgresql_client_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(backups.BackupError, match="pg_dump is not installed"):
        backups.pg_tool("pg_dump")
