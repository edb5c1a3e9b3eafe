"""The CSV export's columns (docs/csv.md): one row per statement, its outlets and each
appearance's source, date, wording, credit and relay in numbered groups."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.test import Client
from rest_framework.test import APIClient

from quotes.api.exports import APPEARANCE_FIELDS, CSV_APPEARANCES, CSV_COLUMNS
from quotes.models import Statement
from tests.factories import (
    AppearanceFactory,
    OutletFactory,
    SourceFactory,
    StatementFactory,
    VerifiedStatementFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/statements/"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "csv.md"
# The columns of the first export, in their order: scripts read them by position too.
FIRST_COLUMNS = [
    "id",
    "said_on",
    "said_on_precision",
    "first_reported_on",
    "speaker",
    "speaker_slug",
    "anonymous",
    "speaker_title",
    "organization",
    "kind",
    "status",
    "text",
    "topics",
    "source_titles",
    "source_urls",
]


def exported_rows(client: Client | APIClient, **params: str) -> list[dict[str, str]]:
    response = client.get(URL, {"format": "csv", **params})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def printed_in(statement: Statement, n: int, **source_fields: object) -> None:
    """`statement` printed by `n` more sources, one a day from 1 December 2024."""
    for day in range(n):
        source = SourceFactory(
            text=f"Lead. {statement.text} End.",
            published_on=datetime.date(2024, 12, 1 + day),
            **source_fields,
        )
        AppearanceFactory(statement=statement, source=source, quoted_text=statement.text)


def test_it_keeps_the_first_columns_and_adds_the_new_ones_after_them() -> None:
    body = b"".join(APIClient().get(URL, {"format": "csv"}).streaming_content).decode()
    header = next(csv.reader(io.StringIO(body)))

    assert header[: len(FIRST_COLUMNS)] == FIRST_COLUMNS
    assert header == CSV_COLUMNS
    assert len(header) == len(FIRST_COLUMNS) + 2 + CSV_APPEARANCES * len(APPEARANCE_FIELDS)


def test_every_column_is_documented_in_its_order() -> None:
    text = DOCS.read_text()
    table = text.split("## Columns")[1].split("\n## ")[0]
    documented = re.findall(r"^\| `([a-z_N0-9]+)` \|", table, flags=re.MULTILINE)
    expanded = [c for c in documented if "_N_" not in c] + [
        column.replace("_N_", f"_{n}_")
        for n in range(1, CSV_APPEARANCES + 1)
        for column in documented
        if "_N_" in column
    ]

    assert expanded == CSV_COLUMNS
    assert f"At most **{CSV_APPEARANCES}** appearances" in text
    assert f"{len(CSV_COLUMNS)} columns in all" in text


def test_the_relayed_anonymous_remark_shows_each_outlet_wording_credit_and_relay() -> None:
    call_command("loaddata", "seed", verbosity=0)

    (row,) = [r for r in exported_rows(APIClient()) if "waves of troops" in r["text"]]

    assert (row["speaker"], row["anonymous"]) == ("U.S. official", "true")
    assert row["outlets"] == "The Washington Post"
    assert row["appearance_count"] == "2"
    assert row["appearance_1_outlet"] == "The Washington Post"
    assert row["appearance_1_source_url"].startswith("https://www.washingtonpost.com/")
    assert row["appearance_1_via"] == ""
    assert row["appearance_2_outlet"] == ""  # the relaying source names no outlet
    assert row["appearance_2_attribution"] == "one US official told the Post"
    assert row["appearance_2_via"] == "The Washington Post"
    assert "waves of troops" in row["appearance_1_wording"]
    assert "waves of troops" in row["appearance_2_wording"]
    assert row["appearance_3_source_title"] == ""


def test_each_appearance_carries_its_own_source_date_and_wording() -> None:
    statement = VerifiedStatementFactory(text="We will not back down.")
    wapo = OutletFactory(name="The Washington Post")
    AppearanceFactory(
        statement=statement,
        source=SourceFactory(outlet=wapo, title="Later", published_on=datetime.date(2024, 11, 20)),
        attribution="the minister told the Post",
    )
    reworded = SourceFactory(
        outlet=OutletFactory(name="The Sun"),
        title="Undated",
        url="",
        published_on=None,
        text="He said “We won't back down” today.",
    )
    AppearanceFactory(
        statement=statement, source=reworded, quoted_text="We won't back down", via=wapo
    )
    AppearanceFactory(
        statement=statement,
        source=SourceFactory(outlet=wapo, title="Earlier", published_on=datetime.date(2024, 11, 1)),
    )

    (row,) = exported_rows(APIClient())

    titles = [row[f"appearance_{n}_source_title"] for n in (1, 2, 3)]
    assert titles == ["Earlier", "Later", "Undated"]  # oldest first, undated last
    assert row["outlets"] == "The Washington Post | The Sun"
    assert row["appearance_1_published_on"] == "2024-11-01"
    assert row["appearance_2_attribution"] == "the minister told the Post"
    assert row["appearance_3_published_on"] == ""
    assert row["appearance_3_source_url"] == ""
    assert row["appearance_3_wording"] == "We won't back down"
    assert row["appearance_3_via"] == "The Washington Post"
    assert row["source_titles"] == "Earlier | Later | Undated"


def test_appearances_past_the_last_group_are_counted_and_their_outlets_named() -> None:
    statement = VerifiedStatementFactory()
    printed_in(statement, CSV_APPEARANCES + 2)

    (row,) = exported_rows(APIClient())

    assert row["appearance_count"] == str(CSV_APPEARANCES + 2)
    assert len(row["outlets"].split(" | ")) == CSV_APPEARANCES + 2
    last = f"appearance_{CSV_APPEARANCES}_published_on"
    assert row[last] == f"2024-12-0{CSV_APPEARANCES}"


def test_a_statement_with_no_appearance_leaves_every_group_empty() -> None:
    VerifiedStatementFactory()

    (row,) = exported_rows(APIClient())

    assert row["appearance_count"] == "0"
    assert row["outlets"] == ""
    assert {row[f"appearance_{n}_{f}"] for n in (1, 5) for f in APPEARANCE_FIELDS} == {""}


def test_drafts_and_their_appearances_stay_out_of_the_public_export(curator_client) -> None:
    shared = SourceFactory(text="A: “We will not back down.” B: “Nothing to add.”")
    AppearanceFactory(statement=VerifiedStatementFactory(), source=shared)
    draft = StatementFactory(text="Nothing to add.", notes="ask the desk first")
    AppearanceFactory(
        statement=draft,
        source=shared,
        quoted_text="Nothing to add.",
        attribution="an aide said, unconfirmed",
    )
    printed_in(draft, 1, title="Draft-only report", outlet=OutletFactory(name="Secret Outlet"))

    body = b"".join(APIClient().get(URL, {"format": "csv"}).streaming_content).decode()
    (public,) = csv.DictReader(io.StringIO(body))

    for private in ("Nothing to add", "unconfirmed", "Draft-only", "Secret Outlet", "ask the"):
        assert private not in body
    assert public["appearance_count"] == "1"
    assert {row["id"] for row in exported_rows(curator_client)} == {public["id"], str(draft.id)}


def test_new_cells_cannot_become_spreadsheet_formulas() -> None:
    statement = VerifiedStatementFactory(text="-1 is the answer")
    source = SourceFactory(text="Said: -1 is the answer.", title="=HYPERLINK(1)")
    AppearanceFactory(
        statement=statement, source=source, quoted_text="-1 is the answer", attribution="@desk"
    )

    (row,) = exported_rows(APIClient())

    assert row["appearance_1_wording"] == "'-1 is the answer"
    assert row["appearance_1_attribution"] == "'@desk"
    assert row["appearance_1_source_title"] == "'=HYPERLINK(1)"


def test_the_export_query_count_does_not_grow_with_statements_or_appearances(
    django_assert_max_num_queries,
) -> None:
    for statement in VerifiedStatementFactory.create_batch(30):
        printed_in(statement, 3)
    client = APIClient()

    with django_assert_max_num_queries(4):
        rows = exported_rows(client)

    assert len(rows) == 30
    assert {row["appearance_count"] for row in rows} == {"3"}
