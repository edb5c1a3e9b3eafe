"""No statement runs past the statement timeout, on either database; one cut short is
answered 503 with Retry-After; streamed exports run without it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.test import Client

from quotes import reads
from quotes.outages import is_timeout
from quotes.timeouts import unlimited

pytestmark = pytest.mark.django_db
# Seconds of work for either database: a recursive count, or a sleep.
SLOW = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
    "WHERE x < 500000000) SELECT count(*) FROM c",
    "postgresql": "SELECT pg_sleep(3)",
}


@pytest.fixture
def one_second(settings) -> None:
    settings.DATABASE_STATEMENT_TIMEOUT = 1
    if connection.vendor == "postgresql":  # set per connection at connect time
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 1000")


def slow_query() -> None:
    with connection.cursor() as cursor:
        cursor.execute(SLOW[connection.vendor])
        cursor.fetchall()


def test_a_statement_past_the_timeout_is_cut_short(one_second) -> None:
    with pytest.raises(OperationalError) as stopped:
        slow_query()
    assert is_timeout(stopped.value)


def test_a_request_whose_query_is_cut_short_gets_a_503_problem(one_second, monkeypatch) -> None:
    monkeypatch.setattr(reads, "statements", lambda user: slow_query())
    response = Client(raise_request_exception=False).get("/api/v1/statements/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    assert "statement timeout" in response.json()["detail"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's own SET is tested above")
def test_an_export_runs_without_the_timeout(one_second) -> None:
    quick = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) "
    with unlimited(connection), connection.cursor() as cursor:
        cursor.execute(quick + "SELECT count(*) FROM c")
        assert cursor.fetchone() == (3000000,)


def test_other_errors_are_no_timeout() -> None:
    def missing() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    with pytest.raises(DatabaseError) as failed:
        missing()
    assert not is_timeout(failed.value)


def manage_py_timeout(*command: str) -> str:
    """The statement timeout a manage.py command would run with (its settings)."""
    probe = "from django.conf import settings; print(settings.DATABASE_STATEMENT_TIMEOUT)"
    script = (
        "import runpy, sys; import django.core.management as m; "
        f"m.execute_from_command_line = lambda argv: exec({probe!r}); "
        f"sys.argv = ['manage.py', *{list(command)!r}]; "
        "runpy.run_path('manage.py', run_name='__main__')"
    )
    environment = {**os.environ, "DATABASE_STATEMENT_TIMEOUT": "7"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_management_commands_run_without_the_timeout() -> None:
    # A migration or a bulk load of a million statements runs for minutes.
    assert manage_py_timeout("migrate") == "0"
    assert manage_py_timeout("generate_corpus", "--statements", "1") == "0"


def test_the_development_server_keeps_the_timeout() -> None:
    assert manage_py_timeout("runserver") == "7"
