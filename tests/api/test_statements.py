"""GET /api/v1/statements/: filters, search, pagination, facets, exports, visibility."""

import csv
import datetime
import io
import json

import pytest
from django.test import Client
from rest_framework.test import APIClient, APIRequestFactory

from quotes.api.serializers import StatementBriefSerializer
from quotes.models import Statement
from tests.factories import (
    AnonymousSpeakerFactory,
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
URL = "/api/v1/statements/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def printed(statement: Statement, **source_fields) -> None:
    source = SourceFactory(text=f"Preamble. {statement.text} Coda.", **source_fields)
    AppearanceFactory(statement=statement, source=source, quoted_text=statement.text)


def test_statement_list_shape(api: APIClient) -> None:
    org = OrganizationFactory(slug="dod", name="Department of Defense")
    statement = VerifiedStatementFactory(organization=org, speaker_title="Secretary of Defense")
    statement.topics.add(TopicFactory(slug="mines"))
    printed(statement, outlet=OutletFactory(slug="wapo", name="The Washington Post"))
    body = api.get(URL).json()
    assert body["count"] == 1
    assert body["count_is_exact"] is True
    row = body["results"][0]
    assert row["url"].endswith(f"/api/v1/statements/{statement.id}/")
    assert row["speaker"]["slug"] == statement.speaker.slug
    assert row["organization"] == {"id": org.id, "slug": "dod", "name": "Department of Defense"}
    assert row["topics"] == ["mines"]
    assert row["said_on"] == "2024-11-19"
    appearance = row["appearances"][0]
    assert appearance["source"]["outlet"] == {"slug": "wapo", "name": "The Washington Post"}
    assert appearance["quoted_text"] == statement.text
    assert appearance["via"] is None
    assert row["highlight"] is None


def test_anonymous_callers_see_verified_statements_only(api: APIClient) -> None:
    verified = VerifiedStatementFactory()
    StatementFactory(status="draft")
    assert ids(api.get(URL)) == [verified.id]
    assert ids(api.get(URL, {"status": "draft"})) == []


def test_curators_see_drafts_and_filter_by_status(curator_client: Client) -> None:
    VerifiedStatementFactory()
    draft = StatementFactory(status="draft")
    assert len(ids(curator_client.get(URL))) == 2
    assert ids(curator_client.get(URL, {"status": "draft"})) == [draft.id]


def test_statement_list_filters_by_speaker_slugs(api: APIClient) -> None:
    a, b, _ = VerifiedStatementFactory.create_batch(3)
    got = ids(api.get(URL, {"speaker": [a.speaker.slug, b.speaker.slug]}))
    assert sorted(got) == sorted([a.id, b.id])
    assert ids(api.get(URL, {"speaker": "nobody-by-that-name"})) == []


def test_statement_list_filters_by_organization_with_children(api: APIClient) -> None:
    state = OrganizationFactory(slug="state")
    embassy = OrganizationFactory(slug="embassy", parent=state)
    at_state = VerifiedStatementFactory(organization=state)
    at_embassy = VerifiedStatementFactory(organization=embassy, speaker=None)
    VerifiedStatementFactory()
    assert ids(api.get(URL, {"organization": "state"})) == [at_state.id]
    both = ids(api.get(URL, {"organization": "state", "include_children": "true"}))
    assert sorted(both) == sorted([at_state.id, at_embassy.id])


def test_statement_list_filters_by_outlet_source_and_via(api: APIClient) -> None:
    post = OutletFactory(slug="wapo")
    relayed = VerifiedStatementFactory()
    printed(relayed, outlet=OutletFactory(slug="kyiv-daily"))
    relayed.appearances.update(via=post)
    direct = VerifiedStatementFactory()
    printed(direct, outlet=post)
    printed(direct, outlet=post)  # printed twice: still listed once
    assert ids(api.get(URL, {"outlet": "wapo"})) == [direct.id]
    assert ids(api.get(URL, {"via": "wapo"})) == [relayed.id]
    source_id = relayed.appearances.get().source_id
    assert ids(api.get(URL, {"source": source_id})) == [relayed.id]


def test_statement_list_filters_by_kind_anonymous_and_topic(api: APIClient) -> None:
    anonymous = VerifiedStatementFactory(speaker=AnonymousSpeakerFactory(), kind="paraphrase")
    named = VerifiedStatementFactory()
    body = VerifiedStatementFactory(speaker=None, organization=OrganizationFactory())
    anonymous.topics.add(TopicFactory(slug="mines"), TopicFactory(slug="aid"))
    named.topics.add(TopicFactory(slug="nukes"))
    assert ids(api.get(URL, {"anonymous": "true"})) == [anonymous.id]
    assert sorted(ids(api.get(URL, {"anonymous": "false"}))) == sorted([named.id, body.id])
    assert ids(api.get(URL, {"kind": "paraphrase"})) == [anonymous.id]
    assert ids(api.get(URL, {"topic": ["mines", "aid"]})) == [anonymous.id]
    assert sorted(ids(api.get(URL, {"topic": ["mines", "nukes"]}))) == sorted(
        [anonymous.id, named.id]
    )
    assert ids(api.get(URL, {"kind": "paraphrase", "anonymous": "false"})) == []


def test_date_filters_match_overlapping_periods(api: APIClient) -> None:
    day = VerifiedStatementFactory(said_on=datetime.date(2024, 11, 20), said_on_precision="day")
    month = VerifiedStatementFactory(said_on=datetime.date(2022, 6, 1), said_on_precision="month")
    year = VerifiedStatementFactory(said_on=datetime.date(2020, 1, 1), said_on_precision="year")
    VerifiedStatementFactory(said_on=None, said_on_precision="unknown")
    assert ids(api.get(URL, {"said_after": "2024-11-20"})) == [day.id]
    assert ids(api.get(URL, {"said_after": "2022-06-15", "said_before": "2022-06-15"})) == [
        month.id
    ]
    assert ids(api.get(URL, {"said_after": "2020-12-31", "said_before": "2021-01-01"})) == [year.id]
    assert ids(api.get(URL, {"said_before": "2024-11-19"})) == [month.id, year.id]
    # From the first of a month or a year, periods starting before it no longer overlap.
    assert ids(api.get(URL, {"said_after": "2022-06-01"})) == [day.id, month.id]
    assert ids(api.get(URL, {"said_after": "2020-01-01", "said_before": "2020-12-31"})) == [year.id]
    assert ids(api.get(URL, {"said_after": "2021-01-01"})) == [day.id, month.id]


def test_ordering_by_date_puts_undated_last(api: APIClient) -> None:
    old = VerifiedStatementFactory(said_on=datetime.date(2020, 1, 1), said_on_precision="year")
    new = VerifiedStatementFactory(said_on=datetime.date(2024, 1, 1), said_on_precision="day")
    undated = VerifiedStatementFactory(said_on=None, said_on_precision="unknown")
    assert ids(api.get(URL)) == [new.id, old.id, undated.id]
    assert ids(api.get(URL, {"ordering": "said_on"})) == [old.id, new.id, undated.id]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"said_after": "2024-13-45"}, "said_after"),
        ({"said_before": "yesterday"}, "said_before"),
        ({"kind": "rumour"}, "kind"),
        ({"status": "published"}, "status"),
        ({"anonymous": "maybe"}, "anonymous"),
        ({"include_children": "perhaps"}, "include_children"),
        ({"source": "abc"}, "source"),
        ({"ordering": "speaker"}, "ordering"),
        ({"ordering": "relevance"}, "ordering"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "WyJhYmMiLCAxLCBmYWxzZV0="}, "cursor"),
        ({"format": "xml"}, "format"),
        ({"facet_size": "500"}, "facet_size"),
    ],
)
def test_malformed_parameters_get_a_400_naming_them(
    api: APIClient, params: dict, parameter: str
) -> None:
    VerifiedStatementFactory()
    url = URL + "facets/" if parameter == "facet_size" else URL
    response = api.get(url, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert parameter in body["errors"]
    assert parameter in body["detail"]


def test_cursor_pagination_walks_every_row_once_forward_and_back(api: APIClient) -> None:
    made = [
        VerifiedStatementFactory(said_on=datetime.date(2024, 1, 1 + i % 3)) for i in range(7)
    ] + [VerifiedStatementFactory(said_on=None, said_on_precision="unknown") for _ in range(2)]
    seen, pages, url = [], [], URL + "?page_size=2"
    while url:
        body = api.get(url).json()
        pages.append(body)
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(s.id for s in made)
    assert len(seen) == len(set(seen))
    assert pages[0]["previous"] is None
    backwards, url = [], pages[-1]["previous"]
    while url:
        body = api.get(url).json()
        backwards = [row["id"] for row in body["results"]] + backwards
        url = body["previous"]
    assert backwards == seen[:-1]


def test_new_rows_do_not_shift_the_next_page(api: APIClient) -> None:
    for day in range(1, 5):
        VerifiedStatementFactory(said_on=datetime.date(2024, 1, day))
    first = api.get(URL, {"page_size": 2}).json()
    VerifiedStatementFactory(said_on=datetime.date(2024, 2, 1))  # newer than everything
    second = api.get(first["next"]).json()
    assert [r["said_on"] for r in second["results"]] == ["2024-01-02", "2024-01-01"]


def test_count_is_a_lower_bound_beyond_the_limit(api: APIClient, monkeypatch) -> None:
    monkeypatch.setattr("quotes.paging.COUNT_LIMIT", 3)
    VerifiedStatementFactory.create_batch(5)
    body = api.get(URL).json()
    assert body["count"] == 3
    assert body["count_is_exact"] is False


def test_statement_list_query_count_does_not_grow_with_page_size(
    api: APIClient, django_assert_max_num_queries
) -> None:
    for statement in VerifiedStatementFactory.create_batch(30):
        statement.topics.add(TopicFactory())
        printed(statement, outlet=OutletFactory())
        printed(statement, outlet=None)
    with django_assert_max_num_queries(5):
        assert len(ids(api.get(URL, {"page_size": 100}))) == 30
    # With q: one probe for a misspelled name to correct, and the compound lexicon
    # (loaded once per process and data generation) besides the search's own queries
    # (count, the ranked candidates, the page's statements, highlights, rows).
    with django_assert_max_num_queries(8):
        assert len(ids(api.get(URL, {"page_size": 100, "q": "back down"}))) == 30


def test_statement_detail_shows_wording_differences_and_other_statements(
    api: APIClient,
) -> None:
    speaker = SpeakerFactory(slug="lloyd-austin")
    statement = VerifiedStatementFactory(
        speaker=speaker,
        text="They have a need for things that can help slow down that effort",
    )
    source = SourceFactory(text="“They have a need for things that can help that effort,” he said")
    AppearanceFactory(
        statement=statement,
        source=source,
        quoted_text="They have a need for things that can help that effort",
    )
    other = VerifiedStatementFactory(speaker=speaker, text="They’ve asked for these.")
    StatementFactory(speaker=speaker, status="draft")
    body = api.get(f"{URL}{statement.id}/").json()
    assert body["appearances"][0]["differences"] == [
        {"change": "dropped", "canonical": "slow down", "printed": ""}
    ]
    assert [s["id"] for s in body["other_statements_by_speaker"]] == [other.id]
    # Built by hand for speed: exactly what the documented brief serializer shows.
    request = APIRequestFactory().get(f"{URL}{statement.id}/")
    brief = StatementBriefSerializer([other], many=True, context={"request": request}).data
    assert body["other_statements_by_speaker"] == json.loads(json.dumps(brief))


def test_draft_statement_detail_is_hidden_from_the_public(
    api: APIClient, curator_client: Client
) -> None:
    draft = StatementFactory(status="draft")
    assert api.get(f"{URL}{draft.id}/").status_code == 404
    assert curator_client.get(f"{URL}{draft.id}/").status_code == 200


def test_facets_count_the_filtered_set(api: APIClient) -> None:
    speaker = SpeakerFactory(slug="austin", name="Lloyd Austin")
    post = OutletFactory(slug="wapo", name="The Washington Post")
    for statement in VerifiedStatementFactory.create_batch(2, speaker=speaker):
        printed(statement, outlet=post)
        printed(statement, outlet=post)
        statement.topics.add(TopicFactory(slug=f"t{statement.id}"))
    VerifiedStatementFactory(
        kind="paraphrase", said_on=datetime.date(2020, 1, 1), said_on_precision="year"
    )
    body = api.get(URL + "facets/", {"kind": "direct_quote"}).json()
    assert body["considered"] == 2
    assert body["complete"] is True
    assert body["speaker"] == [
        {"value": "austin", "label": "Lloyd Austin", "count": 2, "filter": "speaker=austin"}
    ]
    assert body["outlet"][0] == {
        "value": "wapo",
        "label": "The Washington Post",
        "count": 2,
        "filter": "outlet=wapo",
    }
    assert body["kind"] == [
        {
            "value": "direct_quote",
            "label": "Direct quote",
            "count": 2,
            "filter": "kind=direct_quote",
        }
    ]
    assert body["year"][0]["filter"] == "said_after=2024-01-01&said_before=2024-12-31"
    assert len(body["topic"]) == 2


def test_facets_flag_partial_counts_beyond_the_limit(api: APIClient, monkeypatch) -> None:
    monkeypatch.setattr("quotes.facets.FACET_LIMIT", 2)
    VerifiedStatementFactory.create_batch(3)
    body = api.get(URL + "facets/").json()
    assert body["considered"] == 2
    assert body["complete"] is False
    assert sum(row["count"] for row in body["kind"]) == 2


def test_csv_export_streams_the_whole_filtered_set(api: APIClient) -> None:
    statements = VerifiedStatementFactory.create_batch(25, text="Said, with “quotes”\nand lines")
    for statement in statements[:2]:
        printed(statement, outlet=OutletFactory(), title="Report, with comma")
    response = api.get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 25
    assert rows[0]["text"] == "Said, with “quotes”\nand lines"
    assert {row["source_titles"] for row in rows} >= {"Report, with comma"}


def test_csv_export_by_accept_header(api: APIClient) -> None:
    VerifiedStatementFactory()
    response = api.get(URL, HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")


def test_ndjson_export_streams_one_statement_per_line(api: APIClient) -> None:
    VerifiedStatementFactory.create_batch(3, kind="paraphrase")
    VerifiedStatementFactory()
    response = api.get(URL, {"format": "ndjson", "kind": "paraphrase"})
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["kind"] for line in lines] == ["paraphrase"] * 3


def test_export_errors_are_json(api: APIClient) -> None:
    response = api.get(URL, {"format": "csv", "said_after": "nope"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"said_after": ["Enter a valid date."]}


def test_relevance_pages_walk_every_match_once(api: APIClient) -> None:
    # Many distinct ranks, and ties: the cursor must compare exactly on both databases.
    for words in range(1, 13):
        VerifiedStatementFactory(text=" ".join(["mines"] * (words % 5 + 1) + ["filler"] * words))
    seen, url = [], URL + "?q=mines&page_size=1"
    for _ in range(30):
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        if not url:
            break
    assert len(seen) == 12
    assert len(set(seen)) == 12


def test_fuzzy_speaker_pages_walk_every_match_once(api: APIClient) -> None:
    for index in range(6):
        speaker = SpeakerFactory(name=f"U.S. official {index}", slug=f"official-{index}")
        VerifiedStatementFactory(speaker=speaker)  # the public sees speakers with one
    seen, url = [], "/api/v1/speakers/?q=U.S.%20oficial&page_size=1"
    for _ in range(20):
        body = api.get(url).json()
        seen += [row["slug"] for row in body["results"]]
        url = body["next"]
        if not url:
            break
    assert len(seen) == len(set(seen)) == 6


@pytest.mark.parametrize("parameter", ["outlet", "via", "topic", "speaker", "organization"])
def test_unknown_slugs_match_nothing_in_lists_facets_and_exports(
    api: APIClient, parameter: str
) -> None:
    statement = VerifiedStatementFactory()
    printed(statement)
    unknown = {parameter: "no-such-slug"}
    assert ids(api.get(URL, unknown)) == []
    facets = api.get(URL + "facets/", unknown)
    assert facets.status_code == 200
    assert facets.json()["considered"] == 0
    export = api.get(URL, {**unknown, "format": "csv"})
    assert export.status_code == 200
    assert len(b"".join(export.streaming_content).decode().splitlines()) == 1  # the header
    assert api.get("/api/v1/sources/", {"outlet": "no-such-slug"}).json()["results"] == []


def test_facets_with_a_search_count_only_its_matches(api: APIClient) -> None:
    mines = TopicFactory(slug="mines", name="Mines")
    for _ in range(2):
        VerifiedStatementFactory(text="Landmines were cleared near the border.").topics.add(mines)
    VerifiedStatementFactory(text="Talks resume on Monday.").topics.add(TopicFactory())
    body = api.get(URL + "facets/", {"q": "landmines"}).json()
    assert body["considered"] == 2
    assert body["topic"] == [
        {"value": "mines", "label": "Mines", "count": 2, "filter": "topic=mines"}
    ]
    assert sum(row["count"] for row in body["kind"]) == 2
