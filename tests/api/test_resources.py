"""Speakers, organizations, outlets, sources, topics, the API root and the OpenAPI docs."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from quotes.models import Statement
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    OrganizationFactory,
    OutletFactory,
    SourceFactory,
    SpeakerFactory,
    StatementFactory,
    TopicFactory,
    VerifiedStatementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_api_root_lists_every_resource(api: APIClient) -> None:
    body = api.get("/api/v1/").json()
    assert set(body) == {
        "statements", "speakers", "organizations", "outlets", "sources", "topics", "affiliations"
    }  # fmt: skip


def test_speaker_search_tolerates_misspellings(api: APIClient) -> None:
    for speaker in [
        SpeakerFactory(name="Dmitry Peskov", slug="dmitry-peskov", aliases=["Dmitry Perskov"]),
        SpeakerFactory(name="Lloyd Austin", slug="lloyd-austin"),
        SpeakerFactory(name="Mary Wareham", slug="mary-wareham"),
    ]:
        VerifiedStatementFactory(speaker=speaker)  # the public sees speakers with one
    for q, slug in [("Perskov", "dmitry-peskov"), ("Lloyd Austen", "lloyd-austin")]:
        results = api.get("/api/v1/speakers/", {"q": q}).json()["results"]
        assert results[0]["slug"] == slug


def test_speakers_without_a_published_statement_are_not_public(
    api: APIClient, curator_client: Client
) -> None:
    StatementFactory(speaker=SpeakerFactory(slug="unnamed-source"), status="draft")
    SpeakerFactory(slug="entered-ahead")
    assert api.get("/api/v1/speakers/").json()["results"] == []
    assert api.get("/api/v1/speakers/unnamed-source/").status_code == 404
    assert api.get("/api/v1/speakers/unnamed-source/statements/").status_code == 404
    listed = curator_client.get("/api/v1/speakers/").json()["results"]
    assert {row["slug"] for row in listed} == {"unnamed-source", "entered-ahead"}


def test_speaker_detail_has_affiliations_and_visible_statement_counts(api: APIClient) -> None:
    speaker = SpeakerFactory(slug="lloyd-austin")
    AffiliationFactory(
        speaker=speaker, title="Secretary of Defense", start_on=datetime.date(2021, 1, 22)
    )
    VerifiedStatementFactory.create_batch(2, speaker=speaker)
    VerifiedStatementFactory(speaker=speaker, kind="paraphrase")
    StatementFactory(speaker=speaker, status="draft")
    body = api.get("/api/v1/speakers/lloyd-austin/").json()
    assert body["statement_count"] == 3
    assert body["statements_by_kind"] == {"direct_quote": 2, "paraphrase": 1}
    assert body["affiliations"][0]["title"] == "Secretary of Defense"
    assert body["statements_url"].endswith("/api/v1/speakers/lloyd-austin/statements/")


def test_speaker_statements_lists_only_theirs_and_takes_filters(api: APIClient) -> None:
    speaker = SpeakerFactory(slug="lloyd-austin")
    quote = VerifiedStatementFactory(speaker=speaker)
    VerifiedStatementFactory(speaker=speaker, kind="paraphrase")
    VerifiedStatementFactory()
    url = "/api/v1/speakers/lloyd-austin/statements/"
    assert len(api.get(url).json()["results"]) == 2
    assert [r["id"] for r in api.get(url, {"kind": "direct_quote"}).json()["results"]] == [quote.id]
    assert api.get(url, {"kind": "rumour"}).status_code == 400
    assert api.get("/api/v1/speakers/nobody/statements/").status_code == 404


def test_organizations_show_parent_and_children(api: APIClient) -> None:
    state = OrganizationFactory(slug="state", name="Department of State")
    OrganizationFactory(slug="embassy", name="U.S. Embassy in Kyiv", parent=state)
    body = api.get("/api/v1/organizations/state/").json()
    assert body["children"] == [
        {"id": body["children"][0]["id"], "slug": "embassy", "name": "U.S. Embassy in Kyiv"}
    ]
    child = api.get("/api/v1/organizations/embassy/").json()
    assert child["parent"]["slug"] == "state"


def test_outlets_lists_news_outlets_with_source_counts(api: APIClient) -> None:
    post = OutletFactory(slug="wapo")
    SourceFactory.create_batch(2, outlet=post)
    OrganizationFactory(slug="state")
    body = api.get("/api/v1/outlets/").json()
    assert [(o["slug"], o["source_count"]) for o in body["results"]] == [("wapo", 2)]


def test_sources_show_outlet_and_appearance_count_and_text_to_curators_only(
    api: APIClient, curator_client: Client
) -> None:
    appearance = AppearanceFactory(statement=VerifiedStatementFactory())
    source = appearance.source
    listed = api.get("/api/v1/sources/").json()["results"][0]
    assert listed["appearance_count"] == 1
    assert listed["outlet"]["slug"] == source.outlet.slug
    assert api.get(f"/api/v1/sources/{source.id}/").json()["text"] is None
    assert curator_client.get(f"/api/v1/sources/{source.id}/").json()["text"] == source.text


def test_topics_count_visible_statements(api: APIClient, curator_client: Client) -> None:
    topic, other = TopicFactory(slug="mines", name="Mines"), TopicFactory(name="Nukes")
    VerifiedStatementFactory().topics.add(topic, other)
    StatementFactory(status="draft").topics.add(topic)
    retracted = VerifiedStatementFactory()
    retracted.topics.add(topic)
    Statement.objects.filter(pk=retracted.pk).update(
        status="retracted", retraction_reason="Misattributed."
    )
    counts = {
        row["slug"]: row["statement_count"] for row in api.get("/api/v1/topics/").json()["results"]
    }
    assert counts == {"mines": 1, other.slug: 1}
    assert api.get("/api/v1/topics/mines/").json()["statement_count"] == 1
    # Curators see drafts and retractions, and count them.
    assert curator_client.get("/api/v1/topics/mines/").json()["statement_count"] == 3


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/speakers/",
        "/api/v1/organizations/",
        "/api/v1/outlets/",
        "/api/v1/sources/",
        "/api/v1/topics/",
        "/api/v1/speakers/s/statements/",
    ],
)
def test_list_endpoints_use_a_constant_number_of_queries(
    api: APIClient, django_assert_max_num_queries, url: str
) -> None:
    speaker = SpeakerFactory(slug="s")
    parent = OrganizationFactory()
    for _ in range(15):
        org = OrganizationFactory(parent=parent)
        OrganizationFactory(parent=org)
        statement = VerifiedStatementFactory(speaker=speaker, organization=org)
        statement.topics.add(TopicFactory())
        AppearanceFactory(statement=statement, source__outlet=OutletFactory())
        VerifiedStatementFactory(speaker=SpeakerFactory(organization=org))
    with django_assert_max_num_queries(6):
        response = api.get(url, {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 15


def test_openapi_schema_documents_every_statement_filter(api: APIClient) -> None:
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/statements/"]["get"]["parameters"]}
    expected = {
        "q", "speaker", "organization", "include_children", "outlet", "source", "kind",
        "anonymous", "topic", "said_after", "said_before", "status", "via", "ordering",
        "cursor", "page_size", "format",
    }  # fmt: skip
    assert expected <= set(parameters)
    for name in expected:
        assert parameters[name].get("description"), name
        assert "example" in parameters[name], name
    assert "400" in schema["paths"]["/api/v1/statements/"]["get"]["responses"]


def test_openapi_schema_is_valid_and_generates_without_warnings(tmp_path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", file=str(tmp_path / "api.yml"))
    assert "/api/v1/statements/facets/" in (tmp_path / "api.yml").read_text()


def test_interactive_docs_page_renders(api: APIClient) -> None:
    assert api.get("/api/v1/docs/").status_code == 200


def test_affiliations_of_a_speaker_with_only_drafts_are_not_public(
    api: APIClient, curator_api: APIClient
) -> None:
    draft_only = StatementFactory(speaker=SpeakerFactory(slug="whistleblower")).speaker
    AffiliationFactory(speaker=draft_only, title="Deputy")
    AffiliationFactory(speaker=VerifiedStatementFactory().speaker, title="Spokesman")

    def titles(client: APIClient) -> set[str]:
        return {row["title"] for row in client.get("/api/v1/affiliations/").json()["results"]}

    assert titles(api) == {"Spokesman"}
    assert titles(curator_api) == {"Deputy", "Spokesman"}
