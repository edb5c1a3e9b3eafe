"""The intake API: importing by URL, file, text or HTML; listing and reviewing a
source's candidates with ETags, If-Match, permissions and problem details."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from quotes import services
from quotes.intake.models import Candidate
from quotes.models import Source, Statement
from tests.factories import (
    OutletFactory,
    SpeakerFactory,
    StatementFactory,
    UserFactory,
)
from tests.intake.conftest import ARTICLE
from tests.intake.test_articles import HTML

pytestmark = pytest.mark.django_db
IMPORT = "/api/v1/sources/import/"


def candidates_url(source_id: int) -> str:
    return f"/api/v1/sources/{source_id}/candidates/"


@pytest.fixture
def source(curator_api: APIClient) -> Source:
    response = curator_api.post(IMPORT, {"text": ARTICLE}, format="json")
    assert response.status_code == 201, response.json()
    return Source.objects.get(pk=response.json()["source"]["id"])


def test_curator_imports_a_url_from_a_local_server(curator_api: APIClient, article_server) -> None:
    OutletFactory(name="The Daily Planet", slug="daily-planet")
    url = article_server.serve(
        "/harbour", HTML, headers={"Content-Type": "text/html; charset=utf-8"}
    )

    response = curator_api.post(IMPORT, {"url": url}, format="json")

    body = response.json()
    assert response.status_code == 201, body
    assert body["created"] is True
    assert body["duplicate_of"] is None
    assert body["source"]["title"] == "Harbour row"
    assert body["source"]["url"] == "https://www.dailyplanet.example/news/harbour"
    assert body["source"]["outlet"]["slug"] == "daily-planet"
    assert (body["outlet_found_by"], body["proposed"]) == ("domain", 2)
    assert response["Location"].endswith(f"/api/v1/sources/{body['source']['id']}/")
    assert body["candidates_url"].endswith(candidates_url(body["source"]["id"]))


def test_the_same_url_again_is_the_existing_source_with_a_200(curator_api, article_server) -> None:
    url = article_server.serve("/harbour", HTML)
    first = curator_api.post(IMPORT, {"url": url}, format="json").json()
    again = curator_api.post(IMPORT, {"url": url + "?utm_source=feed"}, format="json")
    assert again.status_code == 200
    assert again.json()["source"]["id"] == first["source"]["id"]
    assert again.json()["duplicate_of"] == "same URL"
    assert "Already imported" in again.json()["detail"]


def test_curator_uploads_a_file(curator_api: APIClient) -> None:
    upload = SimpleUploadedFile("harbour.txt", ARTICLE.encode(), content_type="text/plain")
    response = curator_api.post(IMPORT, {"file": upload, "title": "Given"}, format="multipart")
    assert response.status_code == 201, response.json()
    source = Source.objects.get(pk=response.json()["source"]["id"])
    assert (source.text, source.title, source.source_import.filename) == (
        ARTICLE,
        "Given",
        "harbour.txt",
    )


def test_curator_gives_html_with_its_own_url(curator_api: APIClient) -> None:
    response = curator_api.post(
        IMPORT,
        {"html": HTML, "url": "https://planet.example/h", "authors": ["Lois Lane"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["source"]["url"] == "https://planet.example/h"
    assert response.json()["source"]["authors"] == ["Lois Lane"]


@pytest.mark.parametrize(
    ("serve", "message"),
    [
        (None, "Could not reach"),
        ({"status": 404}, "answered 404"),
        ({"headers": {"Content-Type": "image/png"}}, "not an article"),
        ({"headers": {"Content-Type": "text/html", "Content-Length": str(50 << 20)}}, "too large"),
        ({"body": b"\xff\xfe<p>bad</p>", "headers": {"Content-Type": "text/plain"}}, "not UTF-8"),
        ({"body": b"<html><body><nav>Menu</nav></body></html>"}, "No article text"),
    ],
)
def test_an_unreadable_url_is_a_422_and_leaves_nothing(
    curator_api, article_server, serve, message
) -> None:
    if serve is None:
        url = "http://127.0.0.1:9/gone"  # nothing listens on the discard port
    else:
        url = article_server.serve("/page", **({"body": b"<p>x</p>"} | serve))
    response = curator_api.post(IMPORT, {"url": url}, format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert message in response.json()["detail"]
    assert Source.objects.count() == 0


def test_a_private_address_is_refused_without_the_setting(curator_api: APIClient) -> None:
    response = curator_api.post(IMPORT, {"url": "http://127.0.0.1:9/"}, format="json")
    assert response.status_code == 422
    assert "loopback address" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "url"),
        ({"url": "ftp://example.com/a"}, "url"),
        ({"text": "a", "html": "<p>b</p>"}, "html"),
        ({"text": "Words", "outlet": "no-such-outlet"}, "outlet"),
        ({"text": "Words", "title": "x" * 501}, "title"),
    ],
)
def test_an_invalid_import_is_a_400_naming_the_field(curator_api: APIClient, body, field) -> None:
    response = curator_api.post(IMPORT, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_an_empty_text_is_a_422(curator_api: APIClient) -> None:
    response = curator_api.post(IMPORT, {"text": " \n "}, format="json")
    assert (response.status_code, Source.objects.count()) == (422, 0)


def test_importing_needs_a_curator(client) -> None:
    assert (
        client.post(IMPORT, {"text": ARTICLE}, content_type="application/json").status_code == 401
    )
    outsider = APIClient()
    outsider.force_authenticate(UserFactory())
    assert outsider.post(IMPORT, {"text": ARTICLE}, format="json").status_code == 403


def test_candidates_are_listed_for_curators_only(
    curator_api, source, client, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(6):
        response = curator_api.get(candidates_url(source.pk))
    assert response.status_code == 200
    assert [c["text"] for c in response.json()] == [
        "We will not back down on the harbour",
        "the works would start in the spring",
    ]
    assert response.json()[0]["proposal"]["kind"] == "direct"
    assert curator_api.get(candidates_url(source.pk), {"status": "accepted"}).json() == []
    assert curator_api.get(candidates_url(source.pk), {"status": "maybe"}).status_code == 400
    assert client.get(candidates_url(source.pk)).status_code == 401
    assert curator_api.get(candidates_url(99999)).status_code == 404


def test_a_candidate_has_an_etag_and_answers_304(curator_api, source) -> None:
    candidate = source.candidates.first()
    response = curator_api.get(f"/api/v1/candidates/{candidate.pk}/")
    assert response["ETag"] == f'"candidate-{candidate.pk}-v1"'
    again = curator_api.get(
        f"/api/v1/candidates/{candidate.pk}/", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_accepting_makes_a_draft_and_a_second_accept_is_a_409(curator_api, source) -> None:
    candidate = source.candidates.first()
    url = f"/api/v1/candidates/{candidate.pk}/accept/"
    response = curator_api.post(
        url, HTTP_IF_MATCH=f'"candidate-{candidate.pk}-v1"', HTTP_X_CHANGE_REASON="ok"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    assert response["ETag"] == f'"candidate-{candidate.pk}-v2"'
    statement = Statement.objects.get(pk=response.json()["statement"])
    assert statement.status == "draft"
    again = curator_api.post(url)
    assert again.status_code == 409
    assert "already accepted by casey" in again.json()["detail"]


def test_a_stale_if_match_is_a_412(curator_api, source) -> None:
    candidate = source.candidates.first()
    response = curator_api.post(
        f"/api/v1/candidates/{candidate.pk}/accept/", HTTP_IF_MATCH='"candidate-1-v9"'
    )
    assert response.status_code == 412
    assert response["ETag"] == f'"candidate-{candidate.pk}-v1"'
    assert Statement.objects.count() == 0


def test_a_candidate_whose_source_text_changed_is_a_409(curator_api, source) -> None:
    Source.objects.filter(pk=source.pk).update(text="Rewritten entirely.")
    response = curator_api.post(f"/api/v1/candidates/{source.candidates.first().pk}/accept/")
    assert response.status_code == 409
    assert "changed since" in response.json()["detail"]


def test_edit_and_accept_with_a_new_speaker(curator_api, source) -> None:
    candidate = source.candidates.first()
    body = {
        "new_speaker": {"name": "Jane Q. Porter"},
        "kind": "partial_quote",
        "start": candidate.start,
        "end": candidate.start + 21,
    }
    response = curator_api.post(
        f"/api/v1/candidates/{candidate.pk}/edit-and-accept/", body, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["edited_fields"] == ["speaker", "kind", "span"]
    statement = Statement.objects.get(pk=response.json()["statement"])
    assert (statement.speaker.name, statement.text) == ("Jane Q. Porter", "We will not back down")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": 5}, "end"),
        ({"start": 9, "end": 3}, "span"),
        ({"speaker": "nobody-of-that-name"}, "speaker"),
        ({"said_on": "2024-11-05", "said_on_precision": "year"}, "said_on"),
        ({"speaker": "x", "new_speaker": {"name": "Y"}}, "new_speaker"),
    ],
)
def test_a_bad_edit_is_a_400_naming_it(curator_api, source, body, field) -> None:
    SpeakerFactory(slug="x")
    candidate = source.candidates.first()
    response = curator_api.post(
        f"/api/v1/candidates/{candidate.pk}/edit-and-accept/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Candidate.objects.get(pk=candidate.pk).status == "open"


def test_merge_and_reject(curator_api, source) -> None:
    first, second = source.candidates.order_by("start")
    chosen = StatementFactory(speaker=SpeakerFactory())
    merged = curator_api.post(
        f"/api/v1/candidates/{first.pk}/merge/", {"statement": chosen.pk}, format="json"
    )
    assert (merged.status_code, merged.json()["status"], merged.json()["statement"]) == (
        200,
        "merged",
        chosen.pk,
    )
    missing = curator_api.post(
        f"/api/v1/candidates/{second.pk}/merge/", {"statement": 99999}, format="json"
    )
    assert missing.status_code == 400
    assert "statement" in missing.json()["errors"]
    refused = curator_api.post(f"/api/v1/candidates/{second.pk}/reject/", {}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    rejected = curator_api.post(
        f"/api/v1/candidates/{second.pk}/reject/", {"reason": "Not said"}, format="json"
    )
    assert (rejected.status_code, rejected.json()["reason"]) == (200, "Not said")


def test_reviewing_needs_the_change_permission(source) -> None:
    outsider = APIClient()
    outsider.force_authenticate(UserFactory())
    candidate = source.candidates.first()
    assert outsider.get(f"/api/v1/candidates/{candidate.pk}/").status_code == 403
    assert outsider.post(f"/api/v1/candidates/{candidate.pk}/accept/").status_code == 403


def test_no_public_page_shows_candidates(client, source) -> None:
    services.candidate_accept(candidate=source.candidates.first(), by=UserFactory(is_staff=True))
    assert "harbour" not in client.get("/api/v1/statements/").content.decode()
    assert client.get(f"/api/v1/candidates/{source.candidates.first().pk}/").status_code == 401
    assert "candidate" not in client.get(f"/api/v1/sources/{source.pk}/").content.decode()


def test_the_schema_documents_the_intake_operations() -> None:
    paths = APIClient().get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    documented = {"/api/v1/sources/import/", "/api/v1/sources/{source_id}/candidates/"} | {
        f"/api/v1/candidates/{{id}}/{action}/"
        for action in ("accept", "edit-and-accept", "merge", "reject")
    }
    assert documented <= set(paths)
    assert set(paths["/api/v1/sources/import/"]["post"]["requestBody"]["content"]) == {
        "application/json", "multipart/form-data"
    }  # fmt: skip
    assert "422" in paths["/api/v1/sources/import/"]["post"]["responses"]
    assert {} not in paths["/api/v1/sources/{source_id}/candidates/"]["get"]["security"]
