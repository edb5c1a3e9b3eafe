import ipaddress

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client

from quotes import correction, generation, search, services
from quotes.site import forms as site_forms
from tests.factories import CuratorFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Factories create many users; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def process_local_cache(settings) -> None:
    # Throttle counters in memory, so that query counts measure the views alone;
    # tests/api/test_auth.py checks throttling on the shared database cache.
    # Rendered pages too: each test starts with none (a rolled-back test's data
    # generation comes round again in the next test, with other data).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    }
    cache.clear()
    caches["pages"].clear()
    # The lexicons are kept per data generation, which a rolled-back test brings round
    # again with other data.
    search._lexicons.clear()
    correction._lexicons.clear()
    site_forms._options.clear()


@pytest.fixture(autouse=True)
def no_dns(monkeypatch) -> None:
    """Tests never ask DNS (nor leave the machine): a URL's host resolves only when it is
    an IP address or localhost; any other name is unknown."""
    from quotes.intake import fetch

    def resolve(host: str, port: int) -> list[str]:
        if host == "localhost":
            return ["127.0.0.1"]
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            raise fetch.FetchError(f"Unknown host {host!r}: the URL cannot be reached.") from None

    monkeypatch.setattr(fetch, "resolve", resolve)


@pytest.fixture
def curator(db):
    return CuratorFactory(username="casey")


@pytest.fixture
def curator_client(curator) -> Client:
    client = Client()
    client.force_login(curator)
    return client


@pytest.fixture
def curator_api(curator):
    """An API client authenticated with the curator's token, as newsroom scripts are."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.token_issue(user=curator)}")
    return client


@pytest.fixture
def changes_counted_at_once(db) -> None:
    """PostgreSQL counts a change to the data when its transaction commits
    (quotes/generation.py), and a test's transaction never commits: count changes as
    they are made."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {generation.COMMIT_TRIGGER} IMMEDIATE")


@pytest.fixture(autouse=True)
def _changes_counted_in_every_database_test(request) -> None:
    # Every public read is served from the page cache, which a change replaces only once
    # it is counted: in a test that never commits, count changes as they are made.
    marker = request.node.get_closest_marker("django_db")
    transactional = marker and (marker.kwargs.get("transaction") or "transaction" in marker.args)
    if (marker or "db" in request.fixturenames) and not transactional:
        request.getfixturevalue("changes_counted_at_once")
