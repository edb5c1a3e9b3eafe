"""What the public may see of a statement's history and links: the public fields of the
published versions, "by a curator"; never notes, who verified, drafts or their ids."""

import json

import pytest
from rest_framework.test import APIClient

from quotes import services
from quotes.models import Statement
from tests.factories import AppearanceFactory, StatementFactory, VerifiedStatementFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/statements/"


def public_history(statement: Statement) -> list[dict]:
    response = APIClient().get(f"{URL}{statement.id}/history/")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def published(curator) -> Statement:
    """A statement edited as a draft, verified, then edited twice in public view."""
    statement = StatementFactory(setting="", notes="")
    edit = services.statement_update
    edit(statement=statement, expected_version=None, fields={"notes": "ask the desk"}, by=curator)
    edit(statement=statement, expected_version=None, fields={"setting": "draft idea"}, by=curator)
    services.statement_verify(statements=Statement.objects.filter(pk=statement.pk), by=curator)
    edit(statement=statement, expected_version=None, fields={"notes": "source: Kim"}, by=curator)
    edit(
        statement=statement,
        expected_version=None,
        fields={"setting": "press briefing"},
        by=curator,
        reason="The transcript says so",
    )
    return statement


def test_the_public_sees_published_versions_and_public_changes_only(published) -> None:
    history = public_history(published)

    assert [entry["action"] for entry in history] == ["update", "verify"]
    assert history[0]["changes"] == {"setting": ["draft idea", "press briefing"]}
    assert history[0]["reason"] == "The transcript says so"
    assert history[1]["changes"] == {}
    text = json.dumps(history)
    assert "ask the desk" not in text
    assert "Kim" not in text
    assert "verified_by" not in text


def test_curator_names_are_not_shown_to_the_public(published) -> None:
    history = public_history(published)
    assert {(entry["user"], entry["by"]) for entry in history} == {(None, "a curator")}


def test_curators_see_every_change_with_who_made_it(published, curator_api) -> None:
    history = curator_api.get(f"{URL}{published.id}/history/").json()
    assert [entry["action"] for entry in history] == [
        "update", "update", "verify", "update", "update"
    ]  # fmt: skip
    assert history[1]["changes"] == {"notes": ["ask the desk", "source: Kim"]}
    assert {entry["by"] for entry in history} == {"casey"}


def test_a_merged_drafts_history_stays_with_the_curators(published, curator, curator_api) -> None:
    draft = AppearanceFactory(
        statement__text="An unconfirmed canonical text.", source__text="“Secret wording.”", offset=1
    ).statement
    services.statement_update(
        statement=draft, expected_version=None, fields={"notes": "unconfirmed"}, by=curator
    )
    services.statement_merge(keep=published, duplicate=draft, by=curator)

    text = json.dumps(public_history(published))
    assert "unconfirmed" not in text  # neither the draft's notes nor its canonical text
    curated = json.dumps(curator_api.get(f"{URL}{published.id}/history/").json())
    assert "unconfirmed" in curated


def test_an_answer_to_a_draft_does_not_reveal_the_drafts_id(curator, curator_api) -> None:
    draft = StatementFactory()
    answer = StatementFactory(in_response_to=draft)
    services.statement_verify(statements=Statement.objects.filter(pk=answer.pk), by=curator)
    public = APIClient()

    assert public.get(f"{URL}{answer.id}/").json()["in_response_to"] is None
    assert public.get(URL).json()["results"][0]["in_response_to"] is None
    export = b"".join(public.get(URL, {"format": "ndjson"}).streaming_content)
    assert json.loads(export)["in_response_to"] is None
    assert public_history(answer)[0]["changes"] == {}
    assert curator_api.get(f"{URL}{answer.id}/").json()["in_response_to"] == draft.id
    assert curator_api.get(URL).json()["results"][-1]["in_response_to"] in (None, draft.id)


def test_an_answer_to_a_published_statement_shows_it(curator) -> None:
    earlier = StatementFactory()
    answer = StatementFactory(in_response_to=earlier)
    both = Statement.objects.filter(pk__in=[earlier.pk, answer.pk])
    services.statement_verify(statements=both, by=curator)
    assert APIClient().get(f"{URL}{answer.id}/").json()["in_response_to"] == earlier.id


def test_an_edit_of_a_statement_published_without_a_revision_shows_its_public_change(
    curator,
) -> None:
    # As the seed load publishes: verified, with no revision recorded.
    statement = VerifiedStatementFactory(setting="", notes="")
    edit = services.statement_update
    edit(statement=statement, expected_version=None, fields={"notes": "desk only"}, by=curator)
    edit(statement=statement, expected_version=None, fields={"setting": "briefing"}, by=curator)

    history = public_history(statement)

    assert [entry["changes"] for entry in history] == [{"setting": ["", "briefing"]}]
    assert "desk only" not in json.dumps(history)


def test_a_link_to_a_draft_never_shows_in_a_first_public_change(curator) -> None:
    statement = VerifiedStatementFactory(notes="")
    draft = StatementFactory()
    edit = services.statement_update
    edit(statement=statement, expected_version=None, fields={"in_response_to": draft}, by=curator)
    assert public_history(statement) == []  # [None, draft] would say a draft exists
    edit(statement=statement, expected_version=None, fields={"in_response_to": None}, by=curator)
    assert str(draft.pk) not in json.dumps(public_history(statement))
