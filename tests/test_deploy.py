"""Production readiness: deploy checks, and a full dump that reloads exactly."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from quotes import services
from quotes.models import Statement

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings() -> None:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x7-production-secret-key-that-is-long-and-random-enough-2b9f1c",
        "ALLOWED_HOSTS": "quotes.example",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def dump() -> str:
    out = io.StringIO()
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=["contenttypes", "auth.permission", "sessions", "admin.logentry"],
        indent=1,
        stdout=out,
    )
    return out.getvalue()


# Committed transactions, as in production: PostgreSQL will not TRUNCATE (flush) tables
# with deferred constraint checks pending in the same transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_full_dump_loads_into_an_empty_database_exactly(tmp_path: Path, curator) -> None:
    call_command("loaddata", "seed", verbosity=0)
    statement = Statement.objects.first()
    services.object_update(
        instance=statement, fields={"setting": "edited"}, expected_version=None, by=curator
    )
    before = dump()
    (tmp_path / "all.json").write_text(before)
    call_command("flush", interactive=False, verbosity=0)
    assert not Statement.objects.exists()
    call_command("loaddata", str(tmp_path / "all.json"), verbosity=0)
    # Django's JSON keeps milliseconds: a time 1–999 µs past a second is written
    # "…:35.000Z", loaded as :35 exactly and written again as "…:35Z" (the same instant).
    assert dump() == before.replace('.000Z"', 'Z"')
