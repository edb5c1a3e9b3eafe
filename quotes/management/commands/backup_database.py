"""Back up the whole database: pg_dump -Fc on PostgreSQL, SQLite's online backup."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from quotes import backups


class Command(BaseCommand):
    help = (
        "Write a backup of the database to PATH, a new file: PostgreSQL's custom format "
        "(pg_dump -Fc) or an SQLite database file. Safe while the service runs; restore "
        "it with restore_database (docs/backup.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to create.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args: Any, path: Path, database: str, **options: Any) -> None:
        self.stdout.write(f"Backing up the {database!r} database to {path} ...")
        started = time.monotonic()
        try:
            backups.backup(database, path)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        size, seconds = path.stat().st_size, time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}: {size:,} bytes in {seconds:.1f} s."))
