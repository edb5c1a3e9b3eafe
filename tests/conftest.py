import pytest
from django.test import Client

from tests.factories import CuratorFactory


@pytest.fixture
def curator(db):
    return CuratorFactory(username="casey")


@pytest.fixture
def curator_client(curator) -> Client:
    client = Client()
    client.force_login(curator)
    return client
