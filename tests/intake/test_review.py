"""Reviewing candidates (services.candidate_*): accept as proposed or corrected, merge
into a chosen statement, reject with a reason; each recorded with who, when and why,
each refused cleanly when it cannot be done, and counted per extractor version."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from quotes import services
from quotes.intake import articles
from quotes.intake.models import Candidate
from quotes.intake.review import CandidateEdits, NewSpeaker, extraction_stats
from quotes.models import Revision, Source, Speaker, Statement
from quotes.services import CandidateConflict, VersionConflict
from tests.factories import OrganizationFactory, OutletFactory, SpeakerFactory, StatementFactory
from tests.intake.conftest import ARTICLE

pytestmark = pytest.mark.django_db
TWO_OFFICIALS = (
    "Port row\n\n“The works will start in spring,” a port official said on Tuesday.\n\n"
    "“They will last two years,” the official said.\n"
)


def candidates(text: str = ARTICLE) -> list[Candidate]:
    source = services.source_import(article=articles.from_text(text), by=None).source
    return list(source.candidates.order_by("start"))


def test_accepting_creates_a_draft_statement_with_its_appearance(curator) -> None:
    quote, _ = candidates()
    accepted = services.candidate_accept(candidate=quote, by=curator)

    statement = accepted.statement
    assert (accepted.status, accepted.edited_fields, accepted.reviewed_by) == (
        "accepted",
        [],
        curator,
    )
    assert statement.status == Statement.Status.DRAFT
    assert (statement.text, statement.kind) == (
        "We will not back down on the harbour",
        "direct_quote",
    )
    assert statement.speaker.name == "Jane Porter"
    (appearance,) = statement.appearances.all()
    assert (appearance.offset, appearance.quoted_text) == (quote.start, quote.text)
    assert appearance.wording_in_source()
    assert "Jane Porter" in appearance.attribution


def test_a_paraphrase_reads_as_a_sentence(curator) -> None:
    _, paraphrase = candidates()
    statement = services.candidate_accept(candidate=paraphrase, by=curator).statement
    assert (statement.text, statement.kind) == (
        "The works would start in the spring.",
        "paraphrase",
    )
    assert statement.speaker.is_anonymous
    assert statement.speaker.description


def test_accepting_twice_is_refused_saying_by_whom(curator) -> None:
    quote, _ = candidates()
    services.candidate_accept(candidate=quote, by=curator)
    with pytest.raises(CandidateConflict, match="already accepted by casey"):
        services.candidate_accept(candidate=quote, by=curator)
    assert Statement.objects.count() == 1


def test_a_stale_version_is_refused(curator) -> None:
    quote, _ = candidates()
    with pytest.raises(VersionConflict):
        services.candidate_accept(candidate=quote, by=curator, expected_version=quote.version + 1)
    assert Candidate.objects.get(pk=quote.pk).status == "open"


def test_a_candidate_whose_source_text_changed_is_refused_and_nothing_written(curator) -> None:
    quote, _ = candidates()
    Source.objects.filter(pk=quote.source_id).update(text="Another text altogether.")
    with pytest.raises(CandidateConflict, match="changed since candidate"):
        services.candidate_accept(candidate=quote, by=curator)
    assert (Statement.objects.count(), Speaker.objects.count()) == (0, 0)
    assert Candidate.objects.get(pk=quote.pk).status == "open"


def test_one_unnamed_source_of_an_article_is_one_speaker(curator) -> None:
    first, second = candidates(TWO_OFFICIALS)
    a = services.candidate_accept(candidate=first, by=curator).statement
    b = services.candidate_accept(candidate=second, by=curator).statement
    assert a.speaker == b.speaker
    assert a.speaker.is_anonymous
    assert Speaker.objects.count() == 1


def test_a_candidate_repeating_a_statement_becomes_its_appearance(curator) -> None:
    porter = SpeakerFactory(name="Jane Porter", slug="jane-porter")
    known = StatementFactory(speaker=porter, text="We will not back down on the harbour")
    quote, _ = candidates()
    assert quote.matches_statement == known

    accepted = services.candidate_accept(candidate=quote, by=curator)
    assert accepted.statement == known
    assert known.appearances.get().offset == quote.start
    assert Revision.objects.filter(object_id=known.pk, action="update").exists()


def test_a_statement_by_someone_else_is_not_joined(curator) -> None:
    StatementFactory(
        speaker=SpeakerFactory(name="Someone Else"), text="We will not back down on the harbour"
    )
    SpeakerFactory(name="Jane Porter", slug="jane-porter")
    quote, _ = candidates()
    accepted = services.candidate_accept(candidate=quote, by=curator)
    assert accepted.statement.speaker.name == "Jane Porter"
    assert Statement.objects.count() == 2


def test_edit_then_accept_records_which_fields_changed(curator) -> None:
    quote, _ = candidates()
    outlet = OutletFactory()
    ministry = OrganizationFactory()
    edits = CandidateEdits(
        speaker=NewSpeaker(name="Jane Q. Porter", description="Transport minister"),
        kind="partial_quote",
        span=(quote.start, quote.start + len("We will not back down")),
        said_on=(datetime.date(2024, 11, 1), "month"),
        via=outlet,
        organization=ministry,
    )
    accepted = services.candidate_accept(
        candidate=quote, by=curator, edits=edits, reason="Fixed name"
    )

    statement = accepted.statement
    assert accepted.edited_fields == ["speaker", "kind", "span", "said_on", "via", "organization"]
    assert accepted.reason == "Fixed name"
    assert (statement.speaker.name, statement.kind, statement.organization) == (
        "Jane Q. Porter", "partial_quote", ministry
    )  # fmt: skip
    assert (statement.said_on_precision, statement.text) == ("month", "We will not back down")
    assert statement.appearances.get().via == outlet
    assert accepted.created_speaker == statement.speaker


@pytest.mark.parametrize(
    ("edits", "field"),
    [
        (CandidateEdits(span=(5, 2)), "span"),
        (CandidateEdits(span=(0, 10_000)), "span"),
        (CandidateEdits(said_on=(datetime.date(2024, 11, 5), "month")), "said_on"),
        (CandidateEdits(kind="rumour"), "kind"),
        (CandidateEdits(speaker=NewSpeaker(name=" ")), "name"),
    ],
)
def test_a_bad_correction_is_refused_naming_it(curator, edits: CandidateEdits, field: str) -> None:
    quote, _ = candidates()
    with pytest.raises(ValidationError) as refused:
        services.candidate_accept(candidate=quote, by=curator, edits=edits)
    assert field in refused.value.message_dict
    assert (Statement.objects.count(), Candidate.objects.get(pk=quote.pk).status) == (0, "open")


def test_a_candidate_without_a_speaker_needs_one_named(curator) -> None:
    quote, _ = candidates()
    Candidate.objects.filter(pk=quote.pk).update(speaker_name="", speaker_mention="")
    with pytest.raises(ValidationError, match="name who said it"):
        services.candidate_accept(candidate=quote, by=curator)
    speaker = SpeakerFactory()
    accepted = services.candidate_accept(
        candidate=quote, by=curator, edits=CandidateEdits(speaker=speaker)
    )
    assert accepted.statement.speaker == speaker


def test_merging_adds_the_appearance_to_the_chosen_statement(curator) -> None:
    quote, _ = candidates()
    chosen = StatementFactory(text="We shall not retreat from the harbour")
    merged = services.candidate_merge(candidate=quote, statement=chosen, by=curator)
    assert (merged.status, merged.statement) == ("merged", chosen)
    assert chosen.appearances.get().quoted_text == quote.text
    assert Revision.objects.filter(object_id=merged.pk, action="merge").get().user == curator


def test_rejecting_needs_a_reason_and_keeps_the_candidate(curator) -> None:
    quote, _ = candidates()
    with pytest.raises(ValidationError, match="Say why"):
        services.candidate_reject(candidate=quote, reason="  ", by=curator)
    rejected = services.candidate_reject(
        candidate=quote, reason="A headline, not a quote", by=curator
    )
    assert (rejected.status, rejected.reason) == ("rejected", "A headline, not a quote")
    revision = Revision.objects.get(object_id=quote.pk, action="update")
    assert (revision.user, revision.reason) == (curator, "A headline, not a quote")
    assert revision.changes["status"] == ["open", "rejected"]


def test_bulk_accept_takes_the_confident_ones_and_reports_the_rest(curator) -> None:
    quote, paraphrase = candidates()
    Candidate.objects.filter(pk=paraphrase.pk).update(confidence=0.4)
    Source.objects.filter(pk=quote.source_id).update(text=ARTICLE.replace("We will", "We shall"))
    outcome = services.candidates_accept_confident(
        source=quote.source, min_confidence=0.8, by=curator
    )
    assert outcome.accepted == []
    assert [(c.pk, "changed since" in why) for c, why in outcome.refused] == [(quote.pk, True)]


def test_statistics_count_each_extractor_versions_reviews(curator) -> None:
    quote, paraphrase = candidates()
    services.candidate_accept(
        candidate=quote, by=curator, edits=CandidateEdits(kind="partial_quote")
    )
    services.candidate_reject(candidate=paraphrase, reason="No", by=curator)
    more, _ = candidates(TWO_OFFICIALS)
    services.candidate_accept(candidate=more, by=curator)

    (stats,) = extraction_stats()
    assert (stats.proposed, stats.open, stats.unchanged, stats.edited, stats.rejected) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert stats.edited_fields == {"kind": 1}
    assert stats.precision == pytest.approx(2 / 3)
