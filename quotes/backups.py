"""Whole-database backups and restores with each database's own tools (docs/backup.md).

PostgreSQL: pg_dump's custom format (-Fc), restored by pg_restore into a new, empty
database. SQLite: its online backup API (Python's sqlite3 Connection.backup; the sqlite3
command-line tool is often not installed), a consistent copy of a live database. Both
keep every row exactly, timestamps to the microsecond, with the schema, triggers and
search index; dumpdata/loaddata is no backup (it rounds timestamps to milliseconds and
leaves out what Django's models do not know about).

A restore ends by moving the data generation forward (quotes/generation.py), so that no
worker serves a page it cached before the restore.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from quotes import generation

PG_MAGIC, SQLITE_MAGIC = b"PGDMP", b"SQLite format 3\x00"
KINDS = {
    "postgresql": "a PostgreSQL custom-format backup (pg_dump -Fc)",
    "sqlite": "an SQLite database file",
}
# Connection options that libpq reads from the environment as well.
LIBPQ_OPTIONS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "passfile",
    "service",
    "connect_timeout",
}


class BackupError(Exception):
    """What is wrong, in words an operator can act on."""


def supported(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in KINDS:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    return connection.vendor


def backup(using: str, path: Path) -> None:
    """Write a backup of database `using` to `path`, a file that must not exist yet; a
    failed backup leaves nothing at `path`."""
    connection = connections[using]
    vendor = supported(connection)
    if path.exists():
        raise BackupError(f"{path} already exists: a backup never overwrites a file.")
    if not path.parent.is_dir():
        raise BackupError(f"There is no directory {path.parent} to write {path.name} in.")
    partial = path.with_name(path.name + ".partial")
    try:
        if vendor == "postgresql":
            run([pg_tool("pg_dump"), "--format=custom", f"--file={partial}"], connection)
        else:
            sqlite_copy(raw(connection), partial)
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)


def restore(using: str, path: Path) -> None:
    """Restore the backup at `path` into database `using`, which must hold no tables."""
    connection = connections[using]
    vendor = supported(connection)
    check_backup(vendor, path)
    if tables := connection.introspection.table_names():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} already holds {len(tables)} "
            "tables: restore into a new, empty database (docs/backup.md)."
        )
    if vendor == "postgresql":
        restore_postgresql(connection, path)
    else:
        restore_sqlite(connection, path)
    if generation.TABLE in connection.introspection.table_names():
        generation.move_forward(using)


def check_backup(vendor: str, path: Path) -> None:
    """Refuse a missing file, or one that is not a backup of this kind of database."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    with path.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    magic = PG_MAGIC if vendor == "postgresql" else SQLITE_MAGIC
    if not start.startswith(magic):
        raise BackupError(f"{path} is not {KINDS[vendor]}.")


def not_ours(path: Path) -> BackupError:
    return BackupError(f"{path} is not a backup of this service: it has no django_migrations.")


def restore_postgresql(connection: BaseDatabaseWrapper, path: Path) -> None:
    pg_restore = pg_tool("pg_restore")
    # The archive's table of contents first: a damaged or foreign file stops here.
    if " TABLE public django_migrations " not in run([pg_restore, "--list", str(path)]):
        raise not_ours(path)
    # One transaction: a failure leaves the database empty. Objects belong to the role
    # restoring (the app's own), whatever role owned them where the backup was made.
    options = ["--exit-on-error", "--single-transaction", "--no-owner", "--no-acl"]
    run([pg_restore, *options, str(path)], connection)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # pg_restore leaves the planner without statistics


def restore_sqlite(connection: BaseDatabaseWrapper, path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BackupError(f"{path} is damaged: SQLite's quick_check fails.")
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        if source.execute(query).fetchone() is None:
            raise not_ours(path)
        sqlite_copy(source, raw(connection))
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as an SQLite database: {exc}") from exc
    finally:
        source.close()


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed (Debian/Ubuntu: apt-get install postgresql-client, "
            "of the server's major version or newer)."
        )
    return found


def run(command: list[str], connection: BaseDatabaseWrapper | None = None) -> str:
    """Run a PostgreSQL client tool, on `connection`'s database if given, its password in
    the environment rather than on the command line (where `ps` would show it)."""
    if connection is not None:
        command = [*command, f"--dbname={connection.settings_dict['NAME']}"]
    environment = libpq_environment(connection) if connection is not None else None
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f"{name} failed: {result.stderr.strip() or result.returncode}")
    return result.stdout


def libpq_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    settings_dict = connection.settings_dict
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
    }
    for option, value in (settings_dict.get("OPTIONS") or {}).items():
        if option in LIBPQ_OPTIONS:
            values[f"PG{option.upper()}"] = value
    return {**os.environ, **{name: str(value) for name, value in values.items() if value}}


def raw(connection: BaseDatabaseWrapper) -> sqlite3.Connection:
    connection.ensure_connection()
    return connection.connection


def sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection | Path) -> None:
    """SQLite's online backup: a consistent copy, even of a database in use."""
    destination = sqlite3.connect(target) if isinstance(target, Path) else target
    try:
        source.backup(destination)
    finally:
        if isinstance(target, Path):
            destination.close()
