"""The database side: the gazetteer built from the models, and repeated remarks matched
to their statements (through the statement search index)."""

import pytest
from django.core.management import call_command

from quotes.extraction.resolve import (
    distinctive_words,
    extract_with_database,
    gazetteer_from_database,
    similarity,
)
from quotes.models import Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed() -> None:
    call_command("loaddata", "seed", verbosity=0)


def test_gazetteer_holds_named_speakers_and_organizations_only(seed) -> None:
    gazetteer = gazetteer_from_database()
    names = {entry.name for entry in gazetteer.entries}
    assert {"Lloyd Austin", "Dmitry Peskov", "U.S. Department of Defense", "BBC"} <= names
    assert "U.S. official" not in names
    assert gazetteer.person("Perskov").name == "Dmitry Peskov"
    assert gazetteer.organization("Pentagon").name == "U.S. Department of Defense"
    assert gazetteer.outlet("the Post").name == "The Washington Post"


def test_a_speakers_latest_role_gives_their_organization(seed) -> None:
    match = gazetteer_from_database().person("Lloyd Austin")
    assert match.organization == "U.S. Department of Defense"


def test_wordings_that_differ_as_outlets_differ_are_similar() -> None:
    a = "They have a need for things that can help slow down that effort on the part of Russia"
    b = "They have a need for things that can help that effort on the part of Russia"
    assert similarity(a, b) > 0.9
    assert similarity(a, "The embassy will be closed on Wednesday") < 0.3


def test_distinctive_words_are_the_rarest() -> None:
    words = distinctive_words("They have a need for things that can help the Ukrainians")
    assert words[0] == "ukrainians"
    assert "the" not in words


def test_distinctive_words_search_a_possessive_by_its_owner_and_skip_contractions() -> None:
    words = distinctive_words("We're sure Kyiv's allies don't waver and they'll hold")
    assert "kyiv" in words
    assert not {"we're", "don't", "they'll", "kyiv's"} & set(words)


def test_a_new_article_repeating_a_remark_matches_its_statement(seed) -> None:
    austin = Statement.objects.get(text__startswith="They have a need for things")
    article = (
        "“They have a need for things that can help that effort on the part of the "
        "Russians,” Austin told reporters in Laos."
    )
    (candidate,) = extract_with_database(article)
    assert candidate.speaker.speaker_id == austin.speaker_id
    assert candidate.matches_statement.statement_id == austin.pk
    assert candidate.matches_statement.similarity > 0.9


def test_a_new_remark_matches_no_statement(seed) -> None:
    (candidate,) = extract_with_database("“The harvest was early this year,” a farmer said.")
    assert candidate.matches_statement is None
