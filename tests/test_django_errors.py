"""Errors Django raises or answers itself, before or beside DRF's views, are problem
details under /api/ too (quotes/problems.py's handlers, ProblemDetailsMiddleware),
and stay Django's HTML pages elsewhere."""

import json

import pytest
from django.test import Client

from quotes import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> Client:
    return Client(raise_request_exception=False)


def problem(response: object, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["request_id"] == response["X-Request-ID"]
    return body


def test_a_disallowed_host_is_a_400_problem(api: Client) -> None:
    body = problem(api.get("/api/v1/statements/", HTTP_HOST="evil.example"), 400)
    assert "Host" in body["detail"]


def test_a_disallowed_host_outside_the_api_is_djangos_page(api: Client) -> None:
    response = api.get("/admin/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_body_over_the_size_limit_is_a_413_problem(api: Client, curator, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    token = services.token_issue(user=curator)
    response = api.post(
        "/api/v1/topics/",
        json.dumps({"name": "Mines", "slug": "mines", "description": "x" * 2000}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert "1000 bytes" in problem(response, 413)["detail"]


def test_a_body_over_the_size_limit_outside_the_api_is_a_413_page(api: Client, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/admin/login/", {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")


def test_trace_is_a_405_problem(api: Client) -> None:
    problem(api.generic("TRACE", "/api/v1/statements/"), 405)


def test_too_many_parameters_is_a_400_problem(api: Client) -> None:
    body = problem(api.get("/api/v1/?" + "&".join(["x=a"] * 1001)), 400)
    assert "More than 1000 parameters" in body["detail"]


@pytest.mark.urls("tests.error_urls")
def test_a_plain_views_405_under_the_api_is_a_problem_that_keeps_allow(api: Client) -> None:
    response = api.generic("TRACE", "/api/v1/plain/")
    assert "TRACE is not allowed" in problem(response, 405)["detail"]
    assert "GET" in response["Allow"]


@pytest.mark.urls("tests.error_urls")
def test_permission_denied_outside_drf_is_a_403_problem(api: Client) -> None:
    problem(api.get("/api/v1/forbidden/"), 403)


@pytest.mark.urls("tests.error_urls")
def test_a_403_page_a_plain_view_returns_is_a_problem(api: Client) -> None:
    problem(api.get("/api/v1/refused/"), 403)


@pytest.mark.urls("tests.error_urls")
def test_permission_denied_outside_the_api_is_djangos_page(api: Client) -> None:
    response = api.get("/elsewhere/forbidden/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.error_urls")
def test_a_bad_request_outside_drf_is_a_400_problem_with_its_message(api: Client) -> None:
    body = problem(api.get("/api/v1/bad/"), 400)
    assert body["detail"] == "The widget parameter must be a widget."


def test_a_bad_host_is_logged_in_one_line_without_a_traceback(
    api: Client, capsys: pytest.CaptureFixture
) -> None:
    api.get("/api/v1/", HTTP_HOST="evil.example")
    log = capsys.readouterr().err
    assert "django.security.DisallowedHost" in log
    assert "Traceback" not in log


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/schema/"])
def test_an_error_from_a_view_rendering_html_or_yaml_is_a_json_problem(url: str) -> None:
    response = Client().generic("TRACE", url)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 405
