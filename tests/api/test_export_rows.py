"""Exports build rows from plain values (and on PostgreSQL in SQL) for speed; they must
still say exactly what the list's serializer says."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.test import APIClient

from quotes import reads
from quotes.api.exports import detail_row, page_data
from quotes.api.serializers import StatementDetailSerializer, StatementSerializer
from quotes.models import Statement
from tests.factories import (
    AppearanceFactory,
    SpeakerFactory,
    StatementFactory,
    VerifiedStatementFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/statements/"


@pytest.fixture
def api() -> APIClient:
    call_command("loaddata", "seed", verbosity=0)
    return APIClient()


def listed(api: APIClient, **params: str) -> dict[int, dict]:
    response = api.get(URL, {"page_size": 100, **params})
    assert response.status_code == 200
    assert response.json()["next"] is None
    return {row["id"]: row for row in response.json()["results"]}


def exported(api: APIClient, fmt: str, **params: str) -> str:
    response = api.get(URL, {"format": fmt, **params})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_it_exports_each_statement_as_the_list_shows_it(api: APIClient) -> None:
    lines = [json.loads(line) for line in exported(api, "ndjson").splitlines()]

    assert len(lines) > 20
    assert {row["id"]: row for row in lines} == listed(api)


@pytest.mark.parametrize("ordering", ["said_on", "-said_on"])
def test_it_exports_in_the_list_order_undated_last(api: APIClient, ordering: str) -> None:
    for fmt in ("ndjson", "csv"):
        text = exported(api, fmt, ordering=ordering)
        ids = (
            [json.loads(line)["id"] for line in text.splitlines()]
            if fmt == "ndjson"
            else [int(row["id"]) for row in csv.DictReader(io.StringIO(text))]
        )
        assert ids == list(listed(api, ordering=ordering)), fmt


def test_it_exports_nothing_for_a_filter_that_matches_nothing(api: APIClient) -> None:
    assert exported(api, "ndjson", speaker="nobody") == ""


def test_it_exports_csv_rows_from_the_same_values(api: APIClient) -> None:
    rows = list(csv.DictReader(io.StringIO(exported(api, "csv"))))
    shown = listed(api)

    assert {int(row["id"]) for row in rows} == set(shown)
    for row in rows:
        statement = shown[int(row["id"])]
        assert row["text"].lstrip("'") == statement["text"]
        assert row["topics"] == " | ".join(statement["topics"])
        assert row["speaker_slug"] == (statement["speaker"] or {}).get("slug", "")


def test_it_builds_a_page_as_the_serializer_shows_it(api: APIClient) -> None:
    request = Request(RequestFactory().get(URL))
    page = list(Statement.objects.select_related("speaker", "organization").order_by("id"))
    context = {"request": request, "highlights": {page[0].pk: "a <mark>b</mark>"}}

    built = page_data(page, context)

    assert built == StatementSerializer(page, many=True, context=context).data
    assert built[0]["highlight"] == "a <mark>b</mark>"


def test_it_builds_a_statement_detail_as_the_detail_serializer_shows_it(api: APIClient) -> None:
    request = Request(RequestFactory().get(URL))
    compared = 0
    for statement in Statement.objects.select_related("speaker", "organization").order_by("id"):
        others = reads.other_statements_by_speaker(statement, request.user)
        context = {"request": request, "other_statements": others}

        built = detail_row(statement, others, context)

        assert built == StatementDetailSerializer(statement, context=context).data
        compared += bool(built["other_statements_by_speaker"]) and any(
            appearance["differences"] for appearance in built["appearances"]
        )
    # The seed has statements printed differently by several outlets, by speakers
    # quoted more than once: the comparison covered both nested parts.
    assert compared > 0


def test_the_detail_endpoint_answers_with_the_built_row(api: APIClient) -> None:
    statement = Statement.objects.published().filter(appearances__isnull=False).first()

    response = api.get(f"{URL}{statement.pk}/")

    assert response.status_code == 200
    assert response.json()["appearances"][0]["differences"] == (
        statement.appearances.first().differences()
    )


@pytest.mark.parametrize("as_curator", [False, True])
def test_a_detail_with_drafts_around_it_is_built_as_the_serializer_shows_it(
    as_curator: bool, curator
) -> None:
    speaker = SpeakerFactory()
    draft = StatementFactory(speaker=speaker, text="Not out yet.")
    shown = VerifiedStatementFactory(speaker=speaker, in_response_to=draft, text="Out now.")
    VerifiedStatementFactory(speaker=speaker, text="Earlier.")
    AppearanceFactory(statement=shown)  # printed as "We will not back down."
    shown.refresh_from_db()  # the report date the database set
    request = Request(RequestFactory().get(URL))
    request.user = curator if as_curator else AnonymousUser()
    others = reads.other_statements_by_speaker(shown, request.user)
    context = {"request": request, "other_statements": others}

    built = detail_row(shown, others, context)

    assert built == StatementDetailSerializer(shown, context=context).data
    assert (built["in_response_to"] == draft.pk) is as_curator
    assert (draft.pk in {other["id"] for other in built["other_statements_by_speaker"]}) is (
        as_curator
    )


def test_a_detail_costs_four_queries(api: APIClient, django_assert_num_queries) -> None:
    statement = Statement.objects.filter(speaker__isnull=False, appearances__isnull=False)[0]
    # The page cache's data generation, the statement (visibility, ETag), its row built
    # by the database, the speaker's other statements (the serializers took five).
    with django_assert_num_queries(4):
        response = api.get(f"{URL}{statement.pk}/")
    assert response.status_code == 200
    assert response.json()["other_statements_by_speaker"]
