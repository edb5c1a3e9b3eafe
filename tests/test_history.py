"""History and lost-edit protection in the admin: recorded, shown, revertible."""

import pytest
from django.test import Client
from django.urls import reverse

from quotes import services
from quotes.models import Revision, Statement
from tests.factories import AppearanceFactory, StatementFactory

pytestmark = pytest.mark.django_db


def form_data(statement: Statement, **changes: object) -> dict:
    data = {
        "text": statement.text,
        "kind": statement.kind,
        "speaker": statement.speaker_id,
        "said_on": statement.said_on.isoformat() if statement.said_on else "",
        "said_on_precision": statement.said_on_precision,
        "status": statement.status,
        "expected_version": statement.version,
        "appearances-TOTAL_FORMS": "0",
        "appearances-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def change_url(statement: Statement) -> str:
    return reverse("admin:quotes_statement_change", args=[statement.pk])


def test_admin_save_is_recorded_with_who_what_and_why(curator_client: Client, curator) -> None:
    statement = StatementFactory(setting="")
    response = curator_client.post(
        change_url(statement),
        form_data(statement, setting="press briefing", change_reason="From the transcript"),
    )
    assert response.status_code == 302
    revision = services.history_of(statement).get()
    assert revision.user == curator
    assert revision.changes == {"setting": ["", "press briefing"]}
    assert revision.reason == "From the transcript"
    history = curator_client.get(reverse("admin:quotes_statement_history", args=[statement.pk]))
    assert "press briefing" in history.text
    assert "From the transcript" in history.text


def test_stale_admin_form_keeps_the_curators_input_and_overwrites_nothing(
    curator_client: Client,
) -> None:
    statement = StatementFactory(setting="")
    opened = form_data(statement, setting="my careful correction")
    services.object_update(
        instance=statement,
        fields={"setting": "their change"},
        expected_version=1,
        by=None,
    )
    response = curator_client.post(change_url(statement), opened)
    assert response.status_code == 200
    assert "after you opened it" in response.text
    assert "my careful correction" in response.text
    statement.refresh_from_db()
    assert statement.setting == "their change"
    # Having seen the warning, saving again is a deliberate choice and goes through.
    again = response.context["adminform"].form.data
    assert curator_client.post(change_url(statement), again).status_code == 302
    statement.refresh_from_db()
    assert statement.setting == "my careful correction"


def test_revert_restores_an_earlier_version_and_is_recorded(curator_client: Client) -> None:
    appearance = AppearanceFactory(statement__text="Original wording")
    statement = appearance.statement
    services.revision_record(instance=statement, action="create", by=None, before={})
    first = services.history_of(statement).get()
    services.statement_update(
        statement=statement,
        expected_version=None,
        fields={"text": "Changed wording"},
        appearances=[],
        by=None,
    )
    response = curator_client.post(
        reverse("admin:quotes_statement_revert", args=[statement.pk, first.pk])
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.text == "Original wording"
    assert statement.appearances.get().quoted_text == appearance.quoted_text
    assert services.history_of(statement).first().action == "revert"


def test_bulk_verify_records_every_statement(curator_client: Client) -> None:
    statements = StatementFactory.create_batch(3)
    curator_client.post(
        reverse("admin:quotes_statement_changelist"),
        {"action": "mark_verified", "_selected_action": [s.pk for s in statements]},
    )
    assert Revision.objects.filter(action="verify").count() == 3
    assert set(Statement.objects.values_list("version", flat=True)) == {2}


def test_editing_an_appearance_alone_is_recorded_on_its_statement(curator_client: Client) -> None:
    appearance = AppearanceFactory()
    response = curator_client.post(
        reverse("admin:quotes_appearance_change", args=[appearance.pk]),
        {
            "statement": appearance.statement_id,
            "source": appearance.source_id,
            "quoted_text": appearance.quoted_text,
            "attribution": "the minister told reporters",
            "offset": appearance.offset,
        },
    )
    assert response.status_code == 302
    revision = services.history_of(appearance.statement).get()
    assert revision.changes["appearances"][1][0]["attribution"] == "the minister told reporters"
