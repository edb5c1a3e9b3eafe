"""Writes that race, repeat, or lose the database right after committing: no
acknowledged write is lost or doubled, and a committed write is answered as one."""

import threading
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, transaction
from rest_framework.test import APIClient

from quotes import services
from quotes.models import Revision, Speaker, Statement
from tests.factories import SpeakerFactory, StatementFactory, VerifiedStatementFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/statements/"
POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races real concurrent transactions"
)


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def race(*calls: Callable[[APIClient], object], token: str) -> list[object]:
    """Run `calls` at the same moment, each on its own client and connection."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index: int) -> None:
        client = client_with(token)
        barrier.wait()
        try:
            results[index] = calls[index](client)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_verifying_twice_keeps_the_first_verification(curator_api: APIClient) -> None:
    statement = StatementFactory()
    first = curator_api.post(f"{URL}{statement.id}/verify/")
    again = curator_api.post(f"{URL}{statement.id}/verify/")

    assert first.status_code == 200
    assert again.status_code == 409
    assert "already verified (by casey" in again.json()["detail"]
    assert again.json()["detail"].startswith(f"Statement {statement.id} is already verified")
    assert Revision.objects.filter(action="verify").count() == 1
    statement.refresh_from_db()
    assert curator_api.get(f"{URL}{statement.id}/").json()["status"] == "verified"


def test_the_admin_action_verifies_each_statement_once(curator, curator_client) -> None:
    statement = VerifiedStatementFactory()
    verified_at = statement.verified_at
    curator_client.post(
        "/admin/quotes/statement/",
        {"action": "mark_verified", "_selected_action": [statement.pk]},
    )
    statement.refresh_from_db()
    assert statement.verified_at == verified_at
    assert not Revision.objects.filter(action="verify").exists()


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_concurrent_verifications_record_one(curator) -> None:
    statement = StatementFactory()
    token = services.token_issue(user=curator)
    codes = race(*[lambda c: c.post(f"{URL}{statement.id}/verify/").status_code] * 8, token=token)

    assert sorted(codes) == [200] + [409] * 7
    assert Revision.objects.filter(object_id=statement.id, action="verify").count() == 1


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edit_racing_a_speaker_merge_is_never_lost(curator) -> None:
    token = services.token_issue(user=curator)
    for attempt in range(10):
        keep = SpeakerFactory(slug=f"keep-{attempt}", description="")
        duplicate = SpeakerFactory(slug=f"dup-{attempt}")

        def edit(client: APIClient, keep: Speaker = keep) -> int:
            etag = client.get(f"/api/v1/speakers/{keep.slug}/")["ETag"]
            body = {"description": "Secretary of Defense"}
            response = client.patch(
                f"/api/v1/speakers/{keep.slug}/", body, format="json", HTTP_IF_MATCH=etag
            )
            return response.status_code

        def merge(client: APIClient, keep: Speaker = keep, duplicate: Speaker = duplicate) -> int:
            body = {"duplicate": duplicate.slug}
            return client.post(
                f"/api/v1/speakers/{keep.slug}/merge/", body, format="json"
            ).status_code

        edited, merged = race(edit, merge, token=token)
        keep.refresh_from_db()
        assert merged == 200
        if edited == 200:  # acknowledged: it must be there (a lost race is a 412)
            assert keep.description == "Secretary of Defense", attempt
        assert duplicate.name in keep.aliases, attempt


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_committed_edit_is_answered_even_if_the_database_is_lost_after(
    curator_api: APIClient, monkeypatch
) -> None:
    statement = StatementFactory(setting="")
    lost: list[bool] = []
    update = services.statement_update

    def update_then_lose_the_database(**kwargs: object) -> Statement:
        transaction.on_commit(lambda: lost.append(True))
        return update(**kwargs)

    def database_gone(execute, sql, params, many, context):
        if lost:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    monkeypatch.setattr(services, "statement_update", update_then_lose_the_database)
    with connection.execute_wrapper(database_gone):
        response = curator_api.patch(
            f"{URL}{statement.id}/",
            {"setting": "press briefing"},
            format="json",
            HTTP_IF_MATCH=f'"statement-{statement.id}-v1"',
        )
    assert lost  # the database was gone once the write had committed
    assert response.status_code == 200
    assert response.json()["setting"] == "press briefing"
    assert response["ETag"] == f'"statement-{statement.id}-v2"'
    assert Statement.objects.get(pk=statement.pk).setting == "press briefing"
