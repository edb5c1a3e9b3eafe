import pytest
from django.test import Client

from tests.factories import CuratorFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Factories create many users; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def curator(db):
    return CuratorFactory(username="casey")


@pytest.fixture
def curator_client(curator) -> Client:
    client = Client()
    client.force_login(curator)
    return client
