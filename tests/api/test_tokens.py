"""API tokens are stored as digests only, shown once, and revocable."""

import io
import secrets

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import CuratorFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase"


def create_curator(name: str, monkeypatch) -> list[str]:
    monkeypatch.setenv("CURATOR_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command("create_curator", name, stdout=out)
    return out.getvalue().strip().splitlines()


def writes_with(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post("/api/v1/topics/", {"name": "Mines", "slug": "mines"}, format="json")


def test_the_database_and_its_dump_hold_no_token(monkeypatch) -> None:
    token = create_curator("sam", monkeypatch)[-1]
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)

    assert token not in dump.getvalue()
    assert token not in {row.digest for row in AuthToken.objects.all()}
    assert writes_with(token).status_code == 201


def test_running_create_curator_again_keeps_the_token_and_says_so(monkeypatch) -> None:
    token = create_curator("sam", monkeypatch)[-1]
    again = create_curator("sam", monkeypatch)

    assert token not in "\n".join(again)
    assert "already has an API token" in again[-1]
    assert writes_with(token).status_code == 201


def test_after_revoking_create_curator_issues_a_new_token(monkeypatch) -> None:
    old = create_curator("sam", monkeypatch)[-1]
    call_command("revoke_token", "sam", stdout=io.StringIO())
    new = create_curator("sam", monkeypatch)[-1]

    assert new != old
    assert writes_with(old).status_code == 401
    assert writes_with(new).status_code == 201


def test_a_token_that_is_not_utf8_is_refused_not_an_error() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token caf\xe9")
    response = client.get("/api/v1/statements/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_plain_text_tokens_issued_before_keep_working_as_digests() -> None:
    curator = CuratorFactory(username="early")
    plain = secrets.token_hex(20)  # what DRF's tokens looked like
    call_command("migrate", "quotes", "0013", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id bigint NOT NULL)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created datetime NOT NULL, user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [plain, "2026-01-01 00:00:00+00:00", curator.pk],
        )
    call_command("migrate", "quotes", verbosity=0)

    assert "authtoken_token" not in connection.introspection.table_names()
    assert writes_with(plain).status_code == 201
    # Applied (later migrations too: a plan to 0014 alone would unapply those).
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert ("quotes", "0014_hashed_api_tokens") in applied
