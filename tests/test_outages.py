"""A database outage is a 503 with Retry-After, not a 500, and the service recovers by
itself when the database is back (quotes/outages.py, quotes/problems.py)."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.sessions.backends import db as session_db
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from quotes.api import pagecache
from quotes.models import Topic
from quotes.outages import is_outage
from tests.factories import TopicFactory, VerifiedStatementFactory
from tests.tcp_proxy import CuttableProxy

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_database_error() -> OperationalError:
    """What this database's driver raises when the database cannot be reached: a SQLite
    file in a directory that does not exist, a PostgreSQL port nobody listens on."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-directory/quotes.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=free_port())
    unreachable = type(connections["default"])(settings_dict, alias="unreachable")
    with pytest.raises(OperationalError) as caught:
        unreachable.ensure_connection()
    return caught.value


def raising(exc: Exception) -> Callable[..., object]:
    def fail(*args: object, **kwargs: object) -> object:
        raise exc

    return fail


class OutageMiddleware:
    """Stands for any middleware whose query meets an unreachable database."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: object) -> object:
        raise unreachable_database_error()


@pytest.fixture
def lenient_client() -> Client:
    """Answers errors as a server does instead of re-raising them into the test."""
    return Client(raise_request_exception=False)


def assert_problem_503(response: object) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["title"]) == (503, "Service unavailable")
    assert body["request_id"] == response["X-Request-ID"]


def test_an_unreachable_database_is_an_outage() -> None:
    assert is_outage(unreachable_database_error())


def test_an_integrity_error_is_not_an_outage() -> None:
    TopicFactory(slug="mines")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Topic.objects.create(name="Mines again", slug="mines")
    assert not is_outage(caught.value)


def test_an_operational_error_with_a_working_connection_is_not_an_outage() -> None:
    # SQLite: a missing table; PostgreSQL: a statement timeout. Both OperationalError.
    if connection.vendor == "sqlite":
        setup, query = [], "SELECT * FROM no_such_table"
    else:
        setup, query = ["SET LOCAL statement_timeout = 1"], "SELECT pg_sleep(1)"
    with pytest.raises(OperationalError) as caught, transaction.atomic():
        run(setup, query)
    assert not is_outage(caught.value)


def run(setup: list[str], query: str) -> None:
    with connection.cursor() as cursor:
        for sql in setup:
            cursor.execute(sql)
        cursor.execute(query)


def test_an_outage_in_an_api_view_is_a_503_problem_with_retry_after(
    lenient_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagecache, "data_generation", raising(unreachable_database_error()))
    assert_problem_503(lenient_client.get("/api/v1/statements/"))


def test_an_outage_in_the_throttles_shared_cache_is_a_503(
    lenient_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    class UnreachableCache:
        get = set = staticmethod(raising(unreachable_database_error()))

    monkeypatch.setattr(SimpleRateThrottle, "cache", UnreachableCache())
    assert_problem_503(lenient_client.get("/api/v1/topics/"))


def test_an_outage_in_a_middleware_is_a_503_problem(lenient_client: Client, settings) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_outages.OutageMiddleware"]
    assert_problem_503(lenient_client.get("/api/v1/"))


def test_an_outage_outside_the_api_is_a_short_503_page(
    lenient_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = raising(unreachable_database_error())
    monkeypatch.setattr(session_db.SessionStore, "_get_session_from_db", failure)
    lenient_client.cookies["sessionid"] = "a-session-the-database-holds"
    response = lenient_client.get("/admin/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    assert b"Briefly unavailable" in response.content


def test_an_outage_is_logged_with_its_traceback_and_request_id(
    lenient_client: Client, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(pagecache, "data_generation", raising(unreachable_database_error()))
    response = lenient_client.get("/api/v1/statements/")
    log = capsys.readouterr().err
    assert f"[{response['X-Request-ID']}] Service Unavailable: /api/v1/statements/" in log
    assert "django.db.utils.OperationalError" in log


def test_any_other_database_error_is_still_a_500(lenient_client: Client, settings) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_outages.IntegrityErrorMiddleware"]
    response = lenient_client.get("/api/v1/")
    assert response.status_code == 500
    assert "Retry-After" not in response


class IntegrityErrorMiddleware(OutageMiddleware):
    def __call__(self, request: object) -> object:
        raise IntegrityError("duplicate key value violates unique constraint")


# --- A real server losing its real database -------------------------------------------


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def wait_for(port: int, path: str, status: int, seconds: float) -> int:
    """Polls `path` until it answers `status`; returns how many requests that took."""
    deadline, tries = time.monotonic() + seconds, 0
    while True:
        tries += 1
        try:
            if get(port, path)[0] == status:
                return tries
        except OSError:
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not answer {status} within {seconds} s")
        time.sleep(0.1)


@pytest.fixture
def proxied_server(transactional_db, tmp_path: Path) -> Iterator[tuple[CuttableProxy, int, Path]]:
    """gunicorn, as scripts/serve-production runs it (DEBUG off, persistent connections),
    whose database is the test database through a proxy the test can cut."""
    db = connection.settings_dict
    proxy = CuttableProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proxy.start()
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    port, log = free_port(), tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "DATABASE_CONN_MAX_AGE": "600",
        "DATABASE_CONNECT_TIMEOUT": "2",
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-secret-key-long-enough-to-pass-the-deploy-checks",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    env.pop("DATABASE_REPLICA_URLS", None)
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--graceful-timeout", "5"]
    with log.open("w") as stderr:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=stderr)
    try:
        wait_for(port, "/api/v1/", 200, seconds=30)
        yield proxy, port, log
        assert server.poll() is None, "the server stopped"
    finally:
        server.terminate()
        server.wait(timeout=15)
        proxy.cut()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no connection to lose; the tests above cover the 503 on it",
)
def test_a_running_server_answers_503_while_its_database_is_away_and_recovers(
    proxied_server: tuple[CuttableProxy, int, Path],
) -> None:
    proxy, port, log = proxied_server
    VerifiedStatementFactory.create_batch(2)  # committed: the server sees them
    assert get(port, "/api/v1/statements/")[0] == 200
    proxy.cut()
    status, headers, body = get(port, "/api/v1/statements/")
    assert (status, headers["content-type"]) == (503, "application/problem+json")
    assert int(headers["retry-after"]) > 0
    assert json.loads(body)["request_id"] == headers["x-request-id"]
    status, headers, body = get(port, "/admin/", Cookie="sessionid=some-session")
    assert (status, headers["content-type"]) == (503, "text/html; charset=utf-8")
    assert b"Briefly unavailable" in body
    proxy.stall()  # a hung database, or a host that drops packets: no answer at all
    started = time.monotonic()
    assert get(port, "/api/v1/statements/")[0] == 503
    waited = time.monotonic() - started
    print(f"a stalled database is a 503 after {waited:.2f} s")
    assert 2 <= waited < 10  # DATABASE_CONNECT_TIMEOUT, not gunicorn killing the worker
    proxy.start()
    started = time.monotonic()
    tries = wait_for(port, "/api/v1/statements/", 200, seconds=10)
    print(f"recovered after {tries} request(s), {time.monotonic() - started:.2f} s")
    assert all(get(port, "/api/v1/statements/")[0] == 200 for _ in range(10))  # both workers
    errors = log.read_text()
    assert "Service Unavailable: /api/v1/statements/" in errors
    assert "OperationalError" in errors
    assert errors.count("Booting worker") == 2  # no worker was replaced
