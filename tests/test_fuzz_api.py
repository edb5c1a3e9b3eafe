"""Property-based fuzzing of the API against its own OpenAPI schema (schemathesis).

Every documented operation, reads and writes, is called with generated input as a
curator: no response may be a 5xx or disagree with the schema. Bounded for CI
(FUZZ_EXAMPLES per operation, default 10); `FUZZ_EXAMPLES=200 ./scripts/test
tests/test_fuzz_api.py` runs a longer campaign.
"""

import os

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from config.wsgi import application
from quotes import services

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))


def fuzz(operation, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case) -> None:
        # An opaque cursor or `ordering=relevance` without `q` is schema-valid yet
        # rightly refused with a 400, so "valid data is accepted" cannot hold here.
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    run()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_api_conforms_to_its_schema(curator, settings) -> None:
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    call_command("loaddata", "seed", verbosity=0)
    headers = {"Authorization": f"Token {services.token_issue(user=curator)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            fuzz(operation, headers)
        except Exception as failure:  # collect all, so one run reports every operation
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert not failures, "\n\n".join(failures)
