import pytest
from django.core.management import call_command


@pytest.fixture
def seed(db) -> None:
    call_command("loaddata", "seed", verbosity=0)
