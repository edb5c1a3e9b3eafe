"""Reads to replicas, writes to the primary, and a client's reads after its own writes to
the primary too; with a second local database standing in for a replica."""

from collections.abc import Iterator

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from quotes.models import Statement
from quotes.routers import PIN_COOKIE, PinToPrimaryMiddleware, ReplicaRouter, pinned_to_primary
from tests.factories import StatementFactory

REPLICA = "replica1"
router = ReplicaRouter()
with_replica = override_settings(
    DATABASE_REPLICAS=[REPLICA],
    DATABASE_REPLICA_PIN_SECONDS=5,
    DATABASE_ROUTERS=["quotes.routers.ReplicaRouter"],
)


def test_it_reads_from_the_primary_when_there_is_no_replica() -> None:
    assert router.db_for_read(Statement) == DEFAULT_DB_ALIAS


@with_replica
def test_it_reads_from_a_replica_and_writes_to_the_primary() -> None:
    assert router.db_for_read(Statement) == REPLICA
    assert router.db_for_write(Statement) == DEFAULT_DB_ALIAS


@with_replica
@pytest.mark.django_db
def test_it_reads_from_the_primary_inside_a_transaction() -> None:
    with transaction.atomic():
        assert router.db_for_read(Statement) == DEFAULT_DB_ALIAS


@with_replica
def test_it_reads_from_the_primary_when_pinned() -> None:
    with pinned_to_primary():
        assert router.db_for_read(Statement) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Statement) == REPLICA


@override_settings(
    DATABASE_REPLICAS=["replica1", "replica2", "replica3"],
    DATABASE_ROUTERS=["quotes.routers.ReplicaRouter"],
)
def test_every_read_of_one_request_goes_to_the_same_replica() -> None:
    def reads(request: HttpRequest) -> HttpResponse:
        return HttpResponse(",".join({router.db_for_read(Statement) for _ in range(50)}))

    middleware = PinToPrimaryMiddleware(reads)
    chosen = {middleware(RequestFactory().get("/")).content.decode() for _ in range(30)}
    assert all("," not in aliases for aliases in chosen)  # one replica per request
    assert len(chosen) > 1  # and not the same one for every request


def test_it_migrates_only_the_primary() -> None:
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "quotes")
    assert not router.allow_migrate(REPLICA, "quotes")


def respond_with_reading_database(request: HttpRequest) -> HttpResponse:
    return HttpResponse(router.db_for_read(Statement))


@with_replica
@pytest.mark.parametrize(
    ("method", "cookies", "reads_from"),
    [
        ("get", {}, REPLICA),
        ("post", {}, DEFAULT_DB_ALIAS),
        ("get", {PIN_COOKIE: "1"}, DEFAULT_DB_ALIAS),
    ],
)
def test_it_reads_from_the_primary_during_and_after_a_write(
    method: str, cookies: dict[str, str], reads_from: str
) -> None:
    request = getattr(RequestFactory(), method)("/api/v1/statements/")
    request.COOKIES.update(cookies)

    response = PinToPrimaryMiddleware(respond_with_reading_database)(request)

    assert response.content.decode() == reads_from
    assert (PIN_COOKIE in response.cookies) == (method == "post")
    if method == "post":
        assert response.cookies[PIN_COOKIE]["max-age"] == 5


def test_it_sets_no_pin_without_replicas() -> None:
    request = RequestFactory().post("/api/v1/statements/")

    response = PinToPrimaryMiddleware(respond_with_reading_database)(request)

    assert PIN_COOKIE not in response.cookies


# --- with a real second database ---------------------------------------------------------


def second_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A copy of the primary's settings pointing at a database of its own, created empty."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    if connection.vendor == "sqlite":
        yield {**primary, "NAME": str(tmp_path_factory.mktemp("replica") / "replica.sqlite3")}
        return
    name = f"{primary['NAME']}_replica"
    with psycopg.connect(**admin_arguments(primary), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield {**primary, "NAME": name}
    with psycopg.connect(**admin_arguments(primary), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def admin_arguments(settings: dict) -> dict:
    arguments = {"dbname": "postgres", "user": settings["USER"], "host": settings["HOST"]}
    if settings["PASSWORD"]:
        arguments["password"] = settings["PASSWORD"]
    if settings["PORT"]:
        arguments["port"] = settings["PORT"]
    return arguments


@pytest.fixture(scope="module")
def replica(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest, tmp_path_factory
) -> Iterator[str]:
    """The alias `replica1`: an empty database with the schema, which the primary's
    writes never reach (no replication here), so a read shows where it went."""
    from django.core.management import call_command

    databases = second_database(tmp_path_factory)
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    configured = connections.configure_settings(
        {DEFAULT_DB_ALIAS: primary, REPLICA: next(databases)}
    )
    connections.settings[REPLICA] = configured[REPLICA]
    with django_db_blocker.unblock(), override_settings(DATABASE_ROUTERS=[]):
        call_command("migrate", database=REPLICA, verbosity=0)
    yield REPLICA
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    with django_db_blocker.unblock():
        next(databases, None)


@pytest.fixture
def outside_test_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test runs inside a transaction, which would send every read to the primary.
    monkeypatch.setattr("quotes.routers.writing", lambda: False)


@with_replica
@pytest.mark.django_db(databases=[DEFAULT_DB_ALIAS, REPLICA])
@pytest.mark.usefixtures("outside_test_transaction")
def test_it_sends_reads_to_the_replica_database_and_writes_to_the_primary(replica: str) -> None:
    with CaptureQueriesContext(connections[replica]) as on_replica:
        statement = StatementFactory()  # written on the primary
        assert not Statement.objects.filter(pk=statement.pk).exists()  # not replicated

    assert len(on_replica) == 1
    assert Statement.objects.using(DEFAULT_DB_ALIAS).filter(pk=statement.pk).exists()


@with_replica
@pytest.mark.django_db(databases=[DEFAULT_DB_ALIAS, REPLICA])
@pytest.mark.usefixtures("outside_test_transaction")
def test_it_reads_a_clients_own_write_from_the_primary(replica: str) -> None:
    statement = StatementFactory()

    assert not Statement.objects.filter(pk=statement.pk).exists()
    with pinned_to_primary():
        assert Statement.objects.filter(pk=statement.pk).exists()
