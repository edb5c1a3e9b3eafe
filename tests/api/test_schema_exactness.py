"""The OpenAPI document says exactly what the server does (schemathesis checks the rest
in tests/test_fuzz_api.py)."""

import pytest
from rest_framework.test import APIClient

from tests.factories import VerifiedStatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    return APIClient().get("/api/v1/schema/", {"format": "json"}).json()


def parameter(schema: dict, path: str, name: str, method: str = "get") -> dict:
    found = [p for p in schema["paths"][path][method]["parameters"] if p["name"] == name]
    assert found, (path, name)
    return found[0]


def test_exports_are_documented_on_the_statement_list_only(schema: dict) -> None:
    assert set(parameter(schema, "/api/v1/statements/", "format")["schema"]["enum"]) == {
        "csv", "json", "ndjson"
    }  # fmt: skip
    for path in ("/api/v1/statements/{id}/", "/api/v1/statements/{id}/history/"):
        assert parameter(schema, path, "format")["schema"]["enum"] == ["json"]


def test_a_detail_page_refuses_an_export_format_as_documented() -> None:
    statement = VerifiedStatementFactory()
    response = APIClient().get(f"/api/v1/statements/{statement.id}/", {"format": "csv"})
    assert response.status_code == 400
    assert "format" in response.json()["errors"]


def test_optional_parameters_sent_empty_mean_left_out(schema: dict) -> None:
    shown = VerifiedStatementFactory()
    for name in ("q", "kind", "speaker", "topic", "said_after", "source", "page_size", "cursor"):
        assert parameter(schema, "/api/v1/statements/", name)["allowEmptyValue"] is True, name
        response = APIClient().get("/api/v1/statements/", {name: ""})
        assert response.status_code == 200, name
        assert [row["id"] for row in response.json()["results"]] == [shown.id], name


def test_the_cursor_and_texts_are_documented_as_the_server_takes_them(schema: dict) -> None:
    assert parameter(schema, "/api/v1/statements/", "cursor")["schema"]["pattern"]
    assert parameter(schema, "/api/v1/statements/", "q")["schema"]["pattern"] == "^[^\\x00]*$"
    booleans = parameter(schema, "/api/v1/statements/", "anonymous")["schema"]
    assert set(booleans["enum"]) == {"true", "false", "1", "0"}
    assert parameter(schema, "/api/v1/statements/", "source")["schema"]["type"] == "integer"
