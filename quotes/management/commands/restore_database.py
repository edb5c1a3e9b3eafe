"""Restore a backup made by backup_database into a new, empty database."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from quotes import backups


class Command(BaseCommand):
    help = (
        "Restore the backup at PATH (from backup_database) into the configured database, "
        "which must be new and empty (pg_restore on PostgreSQL, SQLite's backup API), "
        "then move the page cache's data generation forward. Refuses a database that "
        "already holds tables (docs/backup.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args: Any, path: Path, database: str, **options: Any) -> None:
        self.stdout.write(f"Restoring {path} into the {database!r} database ...")
        started = time.monotonic()
        try:
            backups.restore(database, path)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Restored {path} in {seconds:.1f} s."))
        self.stdout.write("Next: `manage.py migrate` if this release is newer than the backup.")
