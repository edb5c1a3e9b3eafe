"""Search as the API and the admin answer it: unknown parameters refused, report dates,
corrections said, anonymous sources told apart, and one search for API and admin."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import (
    AnonymousSpeakerFactory,
    AppearanceFactory,
    OutletFactory,
    StatementFactory,
    VerifiedStatementFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/statements/"


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        (URL + "?said_on=2024-11-20", "said_on"),
        ("/api/v1/sources/?published=2024-11-19", "published"),
        ("/api/v1/speakers/?name=Austin", "name"),
        (URL + "facets/?page_size=5", "page_size"),
        (URL + "1/?q=mines", "q"),
        ("/api/v1/topics/?q=mines", "q"),
    ],
)
def test_an_unknown_parameter_is_refused_naming_it_and_what_is_taken(
    url: str, parameter: str
) -> None:
    VerifiedStatementFactory(pk=1)
    response = APIClient().get(url)
    assert response.status_code == 400
    message = response.json()["errors"][parameter][0]
    assert message.startswith("Unknown parameter: this endpoint takes ")
    assert "format" in message


def test_the_documented_parameters_are_all_taken() -> None:
    VerifiedStatementFactory()
    params = {
        "q": "back", "exact": "true", "speaker": "x", "topic": "x", "organization": "x",
        "include_children": "true", "outlet": "x", "via": "x", "source": "1",
        "kind": "direct_quote", "anonymous": "false", "said_after": "2020-01-01",
        "said_before": "2030-01-01", "reported_after": "2020-01-01",
        "reported_before": "2030-01-01", "status": "verified", "ordering": "relevance",
        "page_size": "5", "format": "json",
    }  # fmt: skip
    assert APIClient().get(URL, params).status_code == 200


def test_every_statement_carries_its_first_report_date_in_every_form() -> None:
    statement = VerifiedStatementFactory(said_on=None, said_on_precision="unknown")
    AppearanceFactory(statement=statement, source__published_on=datetime.date(2024, 11, 19))
    api = APIClient()
    listed = api.get(URL).json()["results"][0]
    detail = api.get(f"{URL}{statement.id}/").json()
    ndjson = json.loads(b"".join(api.get(URL, {"format": "ndjson"}).streaming_content))
    csv_text = b"".join(api.get(URL, {"format": "csv"}).streaming_content).decode()
    row = next(csv.DictReader(io.StringIO(csv_text)))
    for shown in (
        listed["first_reported_on"],
        detail["first_reported_on"],
        ndjson["first_reported_on"],
    ):
        assert shown == "2024-11-19"
    assert row["first_reported_on"] == "2024-11-19"


def test_report_dates_filter_and_order() -> None:
    dates = [datetime.date(2024, 11, day) for day in (19, 21, 20)]
    statements = []
    for day in dates:
        statement = VerifiedStatementFactory(said_on=None, said_on_precision="unknown")
        AppearanceFactory(statement=statement, source__published_on=day)
        statements.append(statement)
    undated = VerifiedStatementFactory(said_on=None, said_on_precision="unknown")
    api = APIClient()

    def ids(**params: str) -> list[int]:
        return [row["id"] for row in api.get(URL, params).json()["results"]]

    first, last, middle = (statement.id for statement in statements)
    assert ids(reported_after="2024-11-20", ordering="-reported_on") == [last, middle]
    assert ids(reported_before="2024-11-19") == [first]
    assert ids(ordering="-reported_on") == [last, middle, first, undated.id]
    assert ids(ordering="reported_on") == [first, middle, last, undated.id]
    assert ids(said_after="2000-01-01") == []  # none has a date said


def test_a_correction_is_said_in_the_list_and_the_facets() -> None:
    speaker = VerifiedStatementFactory(text="Mines help.").speaker
    speaker.name = "Lloyd Austin"
    speaker.save()
    api = APIClient()
    for url in (URL, URL + "facets/"):
        body = api.get(url, {"q": "Lloyd Austen"}).json()
        assert (body["corrected_query"], body["original_query"]) == ("Lloyd Austin", "Lloyd Austen")
    listed = api.get(URL, {"q": "Lloyd Austen"}).json()
    assert len(listed["results"]) == 1
    assert api.get(URL, {"q": "Lloyd Austen", "exact": "true"}).json()["results"] == []


def test_anonymous_sources_are_told_apart_in_lists_and_facets() -> None:
    post, bbc = OutletFactory(name="The Washington Post"), OutletFactory(name="BBC")
    said = (
        (post, 19, "Russia is sending waves of troops to the front."),
        (post, 19, "The mines will be nonpersistent."),  # the same article's other official
        (bbc, 21, "Talks will resume."),
    )
    for outlet, day, text in said:
        statement = VerifiedStatementFactory(speaker=AnonymousSpeakerFactory(), text=text)
        source = {"source__outlet": outlet, "source__published_on": datetime.date(2024, 11, day)}
        AppearanceFactory(statement=statement, **source)
    api = APIClient()
    labels = {row["label"] for row in api.get("/api/v1/speakers/").json()["results"]}
    assert labels == {
        "U.S. official (The Washington Post, 19 Nov 2024: “Russia is sending waves of…”)",
        "U.S. official (The Washington Post, 19 Nov 2024: “The mines will be nonpersistent.”)",
        "U.S. official (BBC, 21 Nov 2024: “Talks will resume.”)",
    }
    facets = api.get(URL + "facets/").json()["speaker"]
    assert {value["label"] for value in facets} == labels


def test_named_speakers_keep_their_name_as_label() -> None:
    statement = VerifiedStatementFactory()
    AppearanceFactory(statement=statement)
    row = APIClient().get("/api/v1/speakers/").json()["results"][0]
    assert row["label"] == row["name"]


def test_the_admin_and_the_api_find_the_same_statements(curator_client: Client) -> None:
    call_command("load_seed", verbosity=0, stdout=io.StringIO())
    api = APIClient().get(URL, {"q": "mines", "page_size": 100}).json()["results"]
    admin = curator_client.get("/admin/quotes/statement/", {"q": "mines", "all": ""})
    shown = set(admin.context["cl"].result_list.values_list("pk", flat=True))
    assert shown == {row["id"] for row in api}


def test_the_admin_corrects_a_misspelled_name_and_says_so(curator_client: Client) -> None:
    call_command("load_seed", verbosity=0, stdout=io.StringIO())
    response = curator_client.get("/admin/quotes/statement/", {"q": "Lloyd Austen"})
    assert "Showing results for “Lloyd Austin”" in response.text
    assert set(response.context["cl"].result_list.values_list("pk", flat=True)) == {9, 10, 28, 29}


def test_the_admin_speaker_autocomplete_tells_anonymous_sources_apart(curator_client) -> None:
    statement = VerifiedStatementFactory(speaker=AnonymousSpeakerFactory())
    AppearanceFactory(
        statement=statement,
        source__outlet=OutletFactory(name="The Washington Post"),
        source__published_on=datetime.date(2024, 11, 19),
    )
    response = curator_client.get(
        "/admin/autocomplete/",
        {
            "term": "official",
            "app_label": "quotes",
            "model_name": "statement",
            "field_name": "speaker",
        },
    )
    texts = [result["text"] for result in response.json()["results"]]
    assert texts == ["U.S. official (The Washington Post, 19 Nov 2024: “We will not back down.”)"]


def test_an_anonymous_speakers_label_is_on_its_detail_and_never_quotes_a_draft() -> None:
    source = AnonymousSpeakerFactory(slug="official")
    StatementFactory(speaker=source, text="Secret draft words here.")
    AppearanceFactory(statement=VerifiedStatementFactory(speaker=source, text="Published words."))
    label = APIClient().get("/api/v1/speakers/official/").json()["label"]
    assert "“Published words.”" in label
    assert "Secret" not in label
