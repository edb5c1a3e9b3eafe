"""Every rule lives in the models and every write runs it (quotes.services): the API,
the admin and code calling the services (management commands) refuse the same input
with the same message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from quotes import services
from quotes.models import Affiliation, Revision, Statement
from tests.factories import OrganizationFactory, SourceFactory, SpeakerFactory, StatementFactory

pytestmark = pytest.mark.django_db
ENDS_EARLY = "The role cannot end before it starts."
START, END = datetime.date(2024, 5, 1), datetime.date(2024, 4, 1)


def test_an_affiliation_ending_before_it_starts_is_refused_by_every_face(
    curator, curator_api: APIClient, curator_client: Client
) -> None:
    speaker, organization = SpeakerFactory(slug="austin"), OrganizationFactory(slug="dod")
    api = curator_api.post(
        "/api/v1/affiliations/",
        {"speaker": "austin", "organization": "dod", "start_on": START, "end_on": END},
        format="json",
    )
    admin = curator_client.post(
        reverse("admin:quotes_affiliation_add"),
        {"speaker": speaker.pk, "organization": organization.pk, "title": "",
         "start_on": START, "end_on": END},
    )  # fmt: skip
    with pytest.raises(ValidationError) as service:
        services.object_create(
            instance=Affiliation(
                speaker=speaker, organization=organization, start_on=START, end_on=END
            ),
            by=curator,
        )

    assert api.status_code == 400
    assert api.json()["errors"] == {"end_on": [ENDS_EARLY]}
    assert admin.status_code == 200
    assert ENDS_EARLY in admin.text
    assert service.value.message_dict == {"end_on": [ENDS_EARLY]}
    assert not Affiliation.objects.exists()


def test_a_wording_the_source_lacks_is_refused_the_same_by_the_api_and_the_services(
    curator, curator_api: APIClient
) -> None:
    source = SourceFactory(text="He said: we will not back down.")
    speaker = SpeakerFactory(slug="austin")
    wording = {"source": source.pk, "quoted_text": "we will not back down", "offset": 2}
    api = curator_api.post(
        "/api/v1/statements/",
        {"text": "We will not back down.", "kind": "direct_quote", "speaker": "austin",
         "appearances": [wording]},
        format="json",
    )  # fmt: skip
    with pytest.raises(ValidationError) as service:
        services.statement_create(
            fields={"text": "We will not back down.", "kind": "direct_quote", "speaker": speaker},
            appearances=[{**wording, "source": source}],
            by=curator,
        )

    assert api.status_code == 400
    assert api.json()["errors"] == service.value.message_dict
    assert "It occurs at offset 9" in service.value.message_dict["appearances[0].offset"][0]
    assert not Statement.objects.exists()


def test_verifying_in_the_admin_form_is_recorded_as_a_verification(
    curator, curator_client: Client
) -> None:
    statement = StatementFactory(said_on=None, said_on_precision="unknown")
    response = curator_client.post(
        reverse("admin:quotes_statement_change", args=[statement.pk]),
        {"text": statement.text, "kind": statement.kind, "speaker": statement.speaker_id,
         "said_on_precision": "unknown", "status": "verified",
         "expected_version": statement.version,
         "appearances-TOTAL_FORMS": "0", "appearances-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.status, statement.verified_by) == ("verified", curator)
    assert list(Revision.objects.values_list("action", flat=True)) == ["verify"]
