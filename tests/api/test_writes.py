"""Writes through the API: validation, If-Match and ETags, actions, history, problems."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient

from quotes import services
from quotes.models import Revision, Speaker, Statement
from tests.factories import (
    AppearanceFactory,
    OutletFactory,
    SourceFactory,
    SpeakerFactory,
    StatementFactory,
    TopicFactory,
    VerifiedStatementFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/statements/"


def new_statement(**overrides) -> dict:
    speaker = SpeakerFactory(slug="lloyd-austin")
    TopicFactory(slug="mines")
    post = SourceFactory(text="He said: “They have a need for things,” on Wednesday.")
    sun = SourceFactory(
        outlet=OutletFactory(slug="sun"), text="“They have a need for things” he said."
    )
    body = {
        "text": "They have a need for things",
        "kind": "direct_quote",
        "speaker": speaker.slug,
        "said_on": "2024-11-20",
        "said_on_precision": "day",
        "setting": "told reporters in Laos",
        "topics": ["mines"],
        "appearances": [
            {"source": post.id, "quoted_text": "They have a need for things", "offset": 10},
            {"source": sun.id, "quoted_text": "They have a need for things", "offset": 1},
        ],
    }
    return {**body, **overrides}


def test_curator_creates_a_statement_with_appearances_and_topics(curator_api: APIClient) -> None:
    response = curator_api.post(URL, new_statement(), format="json", HTTP_X_CHANGE_REASON="new")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["ETag"] == f'"statement-{body["id"]}-v1"'
    assert body["status"] == "draft"
    assert [a["offset"] for a in body["appearances"]] == [10, 1]
    assert body["topics"] == ["mines"]
    revision = Revision.objects.get()
    assert (revision.action, revision.user.username, revision.reason) == ("create", "casey", "new")


def test_anonymous_writes_are_refused_with_401(client) -> None:
    response = APIClient().post(URL, new_statement(), format="json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert not Statement.objects.exists()


def test_users_outside_the_curators_group_cannot_write() -> None:
    user = get_user_model().objects.create_user("reader", password="x" * 20)
    client = APIClient()
    client.force_authenticate(user)
    assert client.post(URL, new_statement(), format="json").status_code == 403


def test_wording_absent_at_its_offset_is_refused_naming_the_appearance(
    curator_api: APIClient,
) -> None:
    body = new_statement()
    body["appearances"][1]["offset"] = 5
    response = curator_api.post(URL, body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["appearances[1].offset"]
    assert "It occurs at offset 1" in errors["appearances[1].offset"][0]
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"said_on": "2024-11-20", "said_on_precision": "month"}, "said_on"),
        ({"said_on": None, "said_on_precision": "day"}, "said_on"),
        ({"text": "nul \x00 byte"}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"kind": "rumour"}, "kind"),
        ({"speaker": None}, "speaker"),
        ({"topics": ["no-such-topic"]}, "topics"),
        ({"appearances": [{"source": 999_999, "quoted_text": "x", "offset": 0}]}, "appearances"),
    ],
)
def test_invalid_statements_are_refused_naming_the_field(
    curator_api: APIClient, overrides: dict, field: str
) -> None:
    response = curator_api.post(URL, new_statement(**overrides), format="json")
    assert response.status_code == 400
    assert any(name.startswith(field) for name in response.json()["errors"])
    assert not Statement.objects.exists()


def test_invalid_unicode_is_refused(curator_api: APIClient) -> None:
    raw = '{"text": "broken \\ud800 surrogate", "kind": "paraphrase"}'
    response = curator_api.post(URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert "text" in response.json()["detail"]


def test_duplicate_appearance_in_one_request_is_refused(curator_api: APIClient) -> None:
    body = new_statement()
    body["appearances"].append(dict(body["appearances"][0]))
    response = curator_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert "appearances[2].offset" in response.json()["errors"]


def test_html_is_stored_as_given(curator_api: APIClient) -> None:
    response = curator_api.post(
        URL, new_statement(notes="<script>alert(1)</script>"), format="json"
    )
    assert Statement.objects.get(pk=response.json()["id"]).notes == "<script>alert(1)</script>"


def patch(client: APIClient, statement: Statement, body: dict, etag: str | None):
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return client.patch(f"{URL}{statement.id}/", body, format="json", **headers)


def test_update_without_if_match_gets_428(curator_api: APIClient) -> None:
    statement = StatementFactory()
    response = patch(curator_api, statement, {"setting": "press briefing"}, None)
    assert response.status_code == 428
    assert response.json()["title"] == "Precondition required"


def test_stale_if_match_is_rejected_with_412_and_changes_nothing(
    curator_api: APIClient,
) -> None:
    statement = StatementFactory()
    first = curator_api.get(f"{URL}{statement.id}/")["ETag"]
    assert patch(curator_api, statement, {"setting": "press briefing"}, first).status_code == 200
    stale = patch(curator_api, statement, {"setting": "emailed statement"}, first)
    assert stale.status_code == 412
    assert stale["ETag"] == f'"statement-{statement.id}-v2"'
    statement.refresh_from_db()
    assert (statement.setting, statement.version) == ("press briefing", 2)


def test_update_records_who_changed_what_and_why(curator_api: APIClient) -> None:
    statement = StatementFactory(setting="")
    etag = f'"statement-{statement.id}-v1"'
    response = curator_api.patch(
        f"{URL}{statement.id}/",
        {"setting": "press briefing"},
        format="json",
        HTTP_IF_MATCH=etag,
        HTTP_X_CHANGE_REASON="The transcript says so",
    )
    assert response["ETag"] == f'"statement-{statement.id}-v2"'
    history = curator_api.get(f"{URL}{statement.id}/history/").json()
    assert history[0]["changes"] == {"setting": ["", "press briefing"]}
    assert history[0]["user"] == "casey"
    assert history[0]["reason"] == "The transcript says so"


def test_put_replaces_appearances_atomically(curator_api: APIClient) -> None:
    created = curator_api.post(URL, new_statement(), format="json")
    statement = Statement.objects.get(pk=created.json()["id"])
    replacement = {
        "text": statement.text,
        "kind": "direct_quote",
        "speaker": "lloyd-austin",
        "said_on": None,
        "said_on_precision": "unknown",
        "appearances": created.json()["appearances"][:1],
    }
    replacement["appearances"][0]["source"] = replacement["appearances"][0]["source"]["id"]
    replacement["appearances"][0].pop("via")
    response = curator_api.put(
        f"{URL}{statement.id}/", replacement, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert response.status_code == 200, response.json()
    assert len(response.json()["appearances"]) == 1


def test_conditional_get_with_current_etag_gives_304(client) -> None:
    statement = VerifiedStatementFactory()
    etag = APIClient().get(f"{URL}{statement.id}/")["ETag"]
    response = APIClient().get(f"{URL}{statement.id}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_verify_and_retract_actions(curator_api: APIClient) -> None:
    statement = StatementFactory()
    verified = curator_api.post(f"{URL}{statement.id}/verify/")
    assert verified.json()["status"] == "verified"
    assert APIClient().get(f"{URL}{statement.id}/").status_code == 200
    missing_reason = curator_api.post(f"{URL}{statement.id}/retract/", {}, format="json")
    assert "reason" in missing_reason.json()["errors"]
    retracted = curator_api.post(
        f"{URL}{statement.id}/retract/", {"reason": "Misattributed"}, format="json"
    )
    assert retracted.json()["status"] == "retracted"
    assert APIClient().get(f"{URL}{statement.id}/").status_code == 404
    actions = [r["action"] for r in curator_api.get(f"{URL}{statement.id}/history/").json()]
    assert actions == ["retract", "verify"]


def test_merging_statements_moves_appearances_and_history(curator_api: APIClient) -> None:
    keep = AppearanceFactory().statement
    duplicate = AppearanceFactory(source__text="“We will not back down.”", offset=1).statement
    services.revision_record(instance=duplicate, action="create", by=None, before={})
    response = curator_api.post(
        f"{URL}{keep.id}/merge/", {"duplicate": str(duplicate.id)}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert len(response.json()["appearances"]) == 2
    assert not Statement.objects.filter(pk=duplicate.pk).exists()
    assert [r.action for r in services.history_of(keep)] == ["merge", "create"]


def test_merging_speakers_moves_statements_and_keeps_the_name_as_alias(
    curator_api: APIClient,
) -> None:
    keep = SpeakerFactory(slug="dmitry-peskov", name="Dmitry Peskov")
    duplicate = SpeakerFactory(slug="dmitry-perskov", name="Dmitry Perskov")
    statement = StatementFactory(speaker=duplicate)
    response = curator_api.post(
        "/api/v1/speakers/dmitry-peskov/merge/", {"duplicate": "dmitry-perskov"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["aliases"] == ["Dmitry Perskov"]
    statement.refresh_from_db()
    assert statement.speaker == keep
    assert not Speaker.objects.filter(slug="dmitry-perskov").exists()


def test_deleting_a_speaker_with_statements_is_refused_with_409(admin_client) -> None:
    statement = StatementFactory()
    api = APIClient()
    api.force_authenticate(get_user_model().objects.get(username="admin"))
    speaker = statement.speaker
    response = api.delete(
        f"/api/v1/speakers/{speaker.slug}/", HTTP_IF_MATCH=f'"speaker-{speaker.id}-v1"'
    )
    assert response.status_code == 409
    assert "1 statements refer to it" in response.json()["detail"]
    assert Speaker.objects.filter(pk=speaker.pk).exists()


def test_curators_cannot_delete_sources(curator_api: APIClient) -> None:
    source = SourceFactory()
    response = curator_api.delete(
        f"/api/v1/sources/{source.id}/", HTTP_IF_MATCH=f'"source-{source.id}-v1"'
    )
    assert response.status_code == 403


def test_allowed_deletion_is_recorded(admin_client) -> None:
    api = APIClient()
    api.force_authenticate(get_user_model().objects.get(username="admin"))
    topic = TopicFactory(slug="spare")
    response = api.delete("/api/v1/topics/spare/", HTTP_IF_MATCH=f'"topic-{topic.id}-v1"')
    assert response.status_code == 204
    assert Revision.objects.get().action == "delete"


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/speakers/", {"name": "Dup", "slug": "taken"}, "slug"),
        ("/api/v1/speakers/", {"name": "X", "slug": "x", "is_anonymous": True}, "description"),
        ("/api/v1/sources/", {"title": "T", "url": "https://example.com/a", "text": "t"}, "url"),
        ("/api/v1/topics/", {"name": "Mines", "slug": "taken"}, "slug"),
    ],
)
def test_duplicates_and_invalid_rows_are_refused_naming_the_conflict(
    curator_api: APIClient, url: str, body: dict, field: str
) -> None:
    SpeakerFactory(slug="taken")
    TopicFactory(slug="taken")
    SourceFactory(url="https://example.com/a")
    response = curator_api.post(url, body, format="json")
    assert response.status_code in (400, 409)
    assert field in response.json().get("errors", {}) or field in response.json()["detail"]


def test_organization_cannot_become_its_own_ancestor(curator_api: APIClient) -> None:
    from tests.factories import OrganizationFactory

    parent = OrganizationFactory(slug="state")
    child = OrganizationFactory(slug="embassy", parent=parent)
    response = curator_api.patch(
        "/api/v1/organizations/state/",
        {"parent": "embassy"},
        format="json",
        HTTP_IF_MATCH=f'"organization-{parent.id}-v1"',
    )
    assert response.status_code == 400
    assert "parent" in response.json()["errors"]
    assert child.parent_id == parent.id


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="races real concurrent transactions")
def test_two_concurrent_writers_cannot_both_win(curator) -> None:
    statement = StatementFactory(setting="")
    token = services.token_issue(user=curator)
    barrier, results = threading.Barrier(2), []

    def write(setting: str) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        barrier.wait()
        response = client.patch(
            f"{URL}{statement.id}/",
            {"setting": setting},
            format="json",
            HTTP_IF_MATCH=f'"statement-{statement.id}-v1"',
        )
        results.append((response.status_code, setting))
        connection.close()

    threads = [threading.Thread(target=write, args=(s,)) for s in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(code for code, _ in results) == [200, 412]
    winner = next(setting for code, setting in results if code == 200)
    statement.refresh_from_db()
    assert (statement.setting, statement.version) == (winner, 2)
    assert Revision.objects.filter(object_id=statement.id).count() == 1


def test_topic_write_response_counts_only_statements_the_writer_may_see() -> None:
    from django.contrib.auth.models import Permission

    editor = get_user_model().objects.create_user("topic-editor", password="x" * 20)
    editor.user_permissions.add(Permission.objects.get(codename="change_topic"))
    topic = TopicFactory(slug="mines")
    StatementFactory(status="draft").topics.add(topic)
    VerifiedStatementFactory().topics.add(topic)
    client = APIClient()
    client.force_authenticate(editor)
    response = client.patch(
        "/api/v1/topics/mines/",
        {"description": "Landmines and their clearance."},
        format="json",
        HTTP_IF_MATCH=f'"topic-{topic.id}-v1"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["statement_count"] == 1  # not the draft
