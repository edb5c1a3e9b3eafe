"""An article's statement searches at once (quotes.intake.matching): on PostgreSQL one
query of literal tsqueries, which must find what each candidate's own search finds."""

import itertools

import pytest

from quotes.extraction import Candidate as Extracted
from quotes.extraction.resolve import distinctive_words
from quotes.intake import matching
from quotes.models import Statement
from quotes.search import search_statements
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


def probe(text: str) -> Extracted:
    return Extracted(
        start=0,
        end=len(text),
        text=text,
        kind="direct",
        speaker=None,
        cue=None,
        confidence=0.5,
        rule="clause",
    )


def one_search(words: list[str]) -> list[tuple[int, str]]:
    query = " or ".join(f"{a} {b}" for a, b in itertools.combinations(words, 2))
    found = search_statements(Statement.objects.all(), query).order_by("-id")
    return list(found.values_list("id", "text")[: matching.SEARCHED])


def test_the_searches_at_once_find_what_each_search_finds() -> None:
    texts = [
        "The landmines would be delivered to Ukraine soon, officials said",
        "Ukraine will get the mines soon",
        "Officials don't expect the delivery before the winter",
        "Nothing about the subject at all",
    ]
    for text in texts * 3:
        StatementFactory(text=text)
    wordings = [
        "the mines would be delivered to Ukraine soon",
        "it's what they don't say",  # stop words only, on PostgreSQL
        "officials expect delivery",
        "no",
    ]
    searched = [distinctive_words(wording) for wording in wordings]
    found = matching._recent(searched, "default")
    assert found == [one_search(words) if len(words) > 1 else [] for words in searched]
    assert found[0]


def test_a_repeated_remark_is_matched_among_others_of_the_article() -> None:
    known = StatementFactory(text="The landmines would be delivered to Ukraine soon")
    StatementFactory(text="Ukraine is a country")
    matches = matching.repeated_statements(
        [probe("the landmines would be delivered to Ukraine soon"), probe("Nothing at all here")]
    )
    assert matches[0] is not None
    assert matches[0].statement_id == known.pk
    assert matches[1] is None


def test_a_full_normalisation_cache_is_refilled_with_every_form_searched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's tsqueries are what the cache keeps")
    StatementFactory(text="The mines would be delivered to Ukraine soon")
    monkeypatch.setattr(matching, "_normalised", {})
    matching._normalise({"mines", "ukraine"}, "default")
    monkeypatch.setattr(matching, "_NORMALISED_KEPT", 2)  # full: the next new form clears it

    matching._normalise({"mines", "delivered"}, "default")

    assert set(matching._normalised) >= {"mines", "delivered"}
    assert "'mine'" in matching._tsquery([[matching.search.Term("mines")]])


def test_the_words_searched_are_the_rarest_in_the_archive_and_never_stop_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import connection

    # Rarest in English first: a stop word, a word no statement holds, a common one.
    considered = [["yourselves", "blorptang", "harbour", "zeppelin", "lantern"]]
    monkeypatch.setattr(matching, "PAIRED", 2)
    if connection.vendor != "postgresql":  # no statistics: the rarest in English
        assert matching._rarest(considered, "default") == [["yourselves", "blorptang"]]
        return
    for n in range(40):
        StatementFactory(text=f"The harbour was closed, statement {n}")
    StatementFactory(text="A zeppelin over the harbour, a lantern on the quay")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE quotes_statement")
    monkeypatch.setattr(matching, "_statistics_of", {})
    monkeypatch.setattr(matching, "_held", set())

    # "yourselves" is a stop word to PostgreSQL, "blorptang" in no statement, "harbour"
    # in nearly every one.
    assert matching._rarest(considered, "default") == [["zeppelin", "lantern"]]
