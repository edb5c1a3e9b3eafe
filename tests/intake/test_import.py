"""Importing articles (services.source_import): a source with its metadata and outlet,
the extractor's candidates kept as proposals, duplicates found by URL or text and said
so, nothing proposed twice, nothing half-written."""

import datetime

import pytest
from django.db import connection

from quotes import generation, services
from quotes.intake import articles, proposals
from quotes.intake.articles import Article
from quotes.intake.models import Candidate, SourceImport
from quotes.models import Revision, Source, Statement
from tests.factories import AppearanceFactory, OutletFactory, SourceFactory, StatementFactory
from tests.intake.conftest import ARTICLE, seed_text

pytestmark = pytest.mark.django_db


def imported(text: str = ARTICLE, **metadata) -> services.ImportOutcome:
    article = articles.from_text(text).with_given(**metadata)
    return services.source_import(article=article, by=None)


def test_an_import_keeps_the_text_its_metadata_and_the_candidates(curator) -> None:
    article = articles.from_text(ARTICLE).with_given(published_on=datetime.date(2024, 11, 19))
    outcome = services.source_import(article=article, by=curator)

    source = outcome.source
    assert outcome.created
    assert source.text == ARTICLE
    assert (source.title, source.published_on) == (
        "Ministers meet over the harbour plan",
        article.published_on,
    )
    candidates = list(source.candidates.all())
    assert outcome.proposed == len(candidates) == 2
    quote = candidates[0]
    assert ARTICLE[quote.start : quote.end] == quote.text == "We will not back down on the harbour"
    assert (quote.kind, quote.speaker_name, quote.status) == ("direct_quote", "Jane Porter", "open")
    assert quote.said_on == datetime.date(2024, 11, 19)
    assert quote.extractor_version == proposals.EXTRACTOR_VERSION
    assert quote.proposal["rule"]
    assert quote.proposal["confidence"] == quote.confidence
    assert candidates[1].text == "the works would start in the spring"
    record = SourceImport.objects.get(source=source)
    assert (record.method, record.imported_by) == ("text", curator)
    assert Revision.objects.filter(object_id=source.pk, action="create").count() == 1


def test_candidates_are_not_statements_until_reviewed() -> None:
    imported()
    assert Statement.objects.count() == 0


def test_the_same_url_after_normalisation_is_the_existing_source() -> None:
    first = imported(url="https://news.example/harbour")
    again = imported(
        ARTICLE + "Updated.\n", url="https://NEWS.example:443/harbour?utm_source=x#top"
    )
    assert (again.created, again.duplicate_of, again.source) == (False, "same URL", first.source)
    assert "Already imported as source" in again.message
    assert "same URL" in again.message
    assert Source.objects.count() == 1


def test_the_same_text_with_other_line_breaks_is_the_existing_source() -> None:
    first = imported()
    again = imported(ARTICLE.replace("\n\n", "\r\n\r\n"))
    assert (again.created, again.duplicate_of, again.source) == (False, "same text", first.source)
    assert again.proposed == 0
    assert again.known == 2


def test_a_source_entered_by_hand_is_found_by_its_url() -> None:
    source = SourceFactory(url="https://news.example/harbour", text=ARTICLE)
    AppearanceFactory(
        source=source,
        quoted_text="We will not back down on the harbour",
        statement=StatementFactory(text="We will not back down on the harbour"),
    )
    outcome = imported(url="https://news.example/harbour")
    assert (outcome.created, outcome.source) == (False, source)
    # The quote is curated already: only the other remark is proposed.
    assert [c.text for c in source.candidates.all()] == ["the works would start in the spring"]
    assert SourceImport.objects.filter(source=source).exists()


def test_rejected_candidates_are_not_proposed_again(curator, monkeypatch) -> None:
    first = imported()
    quote = first.source.candidates.first()
    services.candidate_reject(candidate=quote, reason="Not news", by=curator)
    # A newer extractor reads the article again: it proposes only what is new.
    monkeypatch.setattr(proposals, "EXTRACTOR_VERSION", "9.9")
    again = imported()
    assert again.proposed == 0
    assert first.source.candidates.get(pk=quote.pk).status == "rejected"
    assert SourceImport.objects.get(source=first.source).extractor_version == "9.9"


def test_a_newer_extractor_adds_only_the_spans_it_finds_anew(monkeypatch) -> None:
    first = imported()
    first.source.candidates.filter(text__startswith="the works").delete()
    monkeypatch.setattr(proposals, "EXTRACTOR_VERSION", "9.9")
    again = imported()
    assert (again.proposed, again.known) == (1, 1)
    assert first.source.candidates.count() == 2


def test_a_known_outlet_is_matched_and_an_unknown_one_proposed() -> None:
    post = OutletFactory(name="The Washington Post", slug="the-washington-post")
    known = imported(seed_text(1))
    assert (known.source.outlet, known.outlet.found_by) == (post, "domain")
    unknown = services.source_import(
        article=Article("“We will fight,” he said.", "Title", site_name="The Kyiv Independent"),
        by=None,
    )
    assert unknown.source.outlet is None
    assert SourceImport.objects.get(source=unknown.source).proposed_outlet == "The Kyiv Independent"


def test_a_curator_creates_the_proposed_outlet(curator) -> None:
    outcome = services.source_import(
        article=Article("“We will fight,” he said.", "Title", site_name="The Kyiv Independent"),
        by=None,
    )
    source = services.source_outlet_create(
        source=outcome.source, name="The Kyiv Independent", by=curator
    )
    assert (source.outlet.name, source.outlet.kind) == ("The Kyiv Independent", "news_outlet")
    assert SourceImport.objects.get(source=source).proposed_outlet == ""


def test_a_failed_write_leaves_nothing(monkeypatch) -> None:
    def broken(rows, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Candidate.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        imported()
    assert (Source.objects.count(), SourceImport.objects.count(), Revision.objects.count()) == (
        0,
        0,
        0,
    )


def test_an_import_racing_another_of_the_same_article_finds_the_winner(monkeypatch) -> None:
    # The other import commits between this one's duplicate check and its write: the
    # unique digest refuses the second row, and the import reports the first source.
    article = articles.from_text(ARTICLE)
    winner = services.source_import(article=article, by=None)
    from quotes.intake import review

    real = review.duplicate_of
    calls = iter([None])
    monkeypatch.setattr(review, "duplicate_of", lambda a: next(calls, None) or real(a))
    outcome = services.source_import(article=article, by=None)
    assert (outcome.created, outcome.source, outcome.duplicate_of) == (
        False,
        winner.source,
        "same text",
    )
    assert Source.objects.count() == 1


def test_reviewing_candidates_leaves_the_public_page_cache_alone(
    curator, changes_counted_at_once
) -> None:
    outcome = imported()
    before = generation.data_generation(connection.alias)
    services.candidate_reject(candidate=outcome.source.candidates.first(), reason="No", by=curator)
    assert generation.data_generation(connection.alias) == before


def test_a_remark_another_outlet_reworded_is_matched_to_its_statement() -> None:
    said = "They have a need for things that can help slow down that effort on the part of the"
    known = StatementFactory(text=f"{said} Russians")
    StatementFactory(text="The Russians have a need for many things in the winter")
    outcome = imported(
        "Austin in Laos\n\n“They have a need for things that can help that effort on the part "
        "of the Russians,” Austin told reporters.\n"
    )
    (candidate,) = outcome.source.candidates.all()
    assert candidate.matches_statement == known
    assert candidate.match_similarity > 0.9


def test_the_similarity_bound_never_skips_a_match() -> None:
    from collections import Counter

    from quotes.extraction.resolve import MIN_SIMILARITY, similarity, words

    pairs = [
        (
            "help slow down that effort on the part of the Russians",
            "help that effort on the part of Russia",
        ),
        ("a b c d e", "a b c d e f g h i j k l"),
        ("the mines would arrive soon", "soon the mines would arrive"),
    ]
    for a, b in pairs:
        if similarity(a, b) >= MIN_SIMILARITY:
            assert proposals.may_be_similar(Counter(words(a)), Counter(words(b)))
