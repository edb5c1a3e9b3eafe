"""Request ids and the error log (quotes/requestlog.py): every server error reaches
standard error with its traceback and the id its response carries."""

import logging
import re
import time

import pytest
from django.test import Client

from quotes.api import pagecache
from tests.factories import VerifiedStatementFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/statements/"


@pytest.fixture
def lenient_client() -> Client:
    """Answers 500s like a server does instead of re-raising them into the test."""
    return Client(raise_request_exception=False)


def failing_generation(using: str) -> int:
    raise RuntimeError("the generation query broke")


def slow_generation(using: str) -> int:
    time.sleep(0.005)  # a few milliseconds, over a 1 ms threshold
    return 1


def test_every_response_carries_its_own_request_id(client: Client) -> None:
    first, second = client.get("/api/v1/"), client.get("/admin/login/")
    assert re.fullmatch(r"[0-9a-f]{16}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_problem_bodies_name_the_request_id(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing/")
    assert response.json()["request_id"] == response["X-Request-ID"]


def test_an_incoming_request_id_is_ignored_without_trusted_proxies(client: Client) -> None:
    response = client.get("/api/v1/", HTTP_X_REQUEST_ID="chosen-by-the-client")
    assert response["X-Request-ID"] != "chosen-by-the-client"


def test_a_trusted_proxys_request_id_is_kept(client: Client, settings) -> None:
    settings.TRUSTED_PROXIES = 1
    response = client.get("/api/v1/", HTTP_X_REQUEST_ID="lb-7f3a2c9e")
    assert response["X-Request-ID"] == "lb-7f3a2c9e"


@pytest.mark.parametrize("incoming", ["two\nlines", "a" * 65, "<script>", "-starts-with-dash"])
def test_a_request_id_that_does_not_look_like_one_is_replaced(
    client: Client, settings, incoming: str
) -> None:
    settings.TRUSTED_PROXIES = 1
    response = client.get("/api/v1/", HTTP_X_REQUEST_ID=incoming)
    assert re.fullmatch(r"[0-9a-f]{16}", response["X-Request-ID"])


def test_a_server_error_is_logged_with_its_traceback_and_the_responses_id(
    lenient_client: Client, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(pagecache, "data_generation", failing_generation)
    response = lenient_client.get(URL)
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert response.json()["request_id"] == request_id
    log = capsys.readouterr().err
    assert f"ERROR django.request [{request_id}] Internal Server Error: {URL}" in log
    assert "Traceback (most recent call last):" in log
    assert "RuntimeError: the generation query broke" in log


def test_log_lines_written_during_a_request_carry_its_id(
    client: Client, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def noting_generation(using: str) -> int:
        logging.getLogger("quotes.anything").warning("noted")
        return 1

    monkeypatch.setattr(pagecache, "data_generation", noting_generation)
    response = client.get(URL)
    assert f"WARNING quotes.anything [{response['X-Request-ID']}] noted" in capsys.readouterr().err


def test_a_request_over_the_threshold_is_logged_as_slow(
    client: Client, settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    settings.SLOW_REQUEST_MS = 1
    monkeypatch.setattr(pagecache, "data_generation", slow_generation)
    VerifiedStatementFactory()
    response = client.get(URL, {"page_size": 5}, REMOTE_ADDR="192.0.2.7")
    log = capsys.readouterr().err
    pattern = (
        rf"WARNING quotes.requests \[{response['X-Request-ID']}\] Slow request: "
        rf"GET {URL}\?page_size=5 200 \d+ ms client 192.0.2.7"
    )
    assert re.search(pattern, log), log


def test_a_request_under_the_threshold_is_not_logged(
    client: Client, settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    settings.SLOW_REQUEST_MS = 60_000
    monkeypatch.setattr(pagecache, "data_generation", slow_generation)
    client.get(URL)
    assert "Slow request" not in capsys.readouterr().err


def test_a_zero_threshold_turns_the_slow_request_log_off(
    client: Client, settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    settings.SLOW_REQUEST_MS = 0
    monkeypatch.setattr(pagecache, "data_generation", slow_generation)
    client.get(URL)
    assert "Slow request" not in capsys.readouterr().err
