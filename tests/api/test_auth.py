"""Authentication, tokens, CSRF, throttling and the problem-details error format."""

import io

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import StatementFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_create_curator_prints_a_working_token_on_its_last_line(monkeypatch) -> None:
    monkeypatch.setenv("CURATOR_PASSWORD", "a-long-enough-passphrase")
    out = io.StringIO()
    call_command("create_curator", "sam", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/topics/", {"name": "Mines", "slug": "mines"}, format="json")
    assert response.status_code == 201


def test_revoked_token_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("CURATOR_PASSWORD", "a-long-enough-passphrase")
    out = io.StringIO()
    call_command("create_curator", "sam", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    call_command("revoke_token", "sam", stdout=io.StringIO())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/topics/", {"name": "Mines", "slug": "mines"}, format="json")
    assert response.status_code == 401
    with pytest.raises(Exception, match="has no API token"):
        call_command("revoke_token", "sam", stdout=io.StringIO())


def test_session_writes_need_a_csrf_token(curator) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    response = client.post(
        "/api/v1/topics/", {"name": "Mines", "slug": "mines"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_session_reads_and_csrf_protected_writes_work(curator_client: Client) -> None:
    response = curator_client.post(
        "/api/v1/topics/", {"name": "Mines", "slug": "mines"}, content_type="application/json"
    )
    assert response.status_code == 201


@pytest.fixture
def shared_cache(settings) -> None:
    """The production default: throttle counters in a database table all workers share."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "quotes_cache",
        },
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "a"},
    }
    call_command("createcachetable", verbosity=0)
    caches["default"].clear()


def test_anonymous_reads_are_throttled_with_retry_after(shared_cache, monkeypatch) -> None:
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    client = APIClient()
    assert client.get("/api/v1/topics/").status_code == 200
    assert client.get("/api/v1/topics/").status_code == 200
    response = client.get("/api/v1/topics/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["status"] == 429


def test_guessing_tokens_is_throttled_like_anonymous_reads(shared_cache, monkeypatch) -> None:
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert [client.post("/api/v1/topics/", {}).status_code for _ in range(2)] == [401, 401]
    guessed = client.post("/api/v1/topics/", {})
    assert guessed.status_code == 429
    assert int(guessed["Retry-After"]) > 0


def test_admin_login_attempts_are_throttled(shared_cache, monkeypatch) -> None:
    from quotes.throttling import LoginRateThrottle

    monkeypatch.setitem(LoginRateThrottle.THROTTLE_RATES, "login", "3/minute")
    client = Client()
    for _ in range(3):
        response = client.post("/admin/login/", {"username": "x", "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/admin/login/", {"username": "x", "password": "wrong"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/v1/no-such-thing/", 404),
        ("get", "/api/v1/statements/999999/", 404),
        ("get", "/api/v1/statements/?said_after=someday", 400),
        ("post", "/api/v1/topics/", 401),
    ],
)
def test_every_error_is_problem_details(method: str, url: str, status: int) -> None:
    TopicFactory()
    response = getattr(APIClient(), method)(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)


def test_nul_in_a_query_parameter_is_a_400_not_a_500() -> None:
    StatementFactory()
    response = APIClient().get("/api/v1/statements/?speaker=%00")
    assert response.status_code == 400
    assert "speaker" in response.json()["errors"]


def test_revoking_the_token_of_an_unknown_user_says_so(db) -> None:
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("revoke_token", "nobody", stdout=io.StringIO())
