"""What a statement is searchable by, kept right by the database's triggers on every
kind of write; its first report date likewise; the compound lexicon. Both databases."""

import datetime
import io
import random

import pytest
from django.core.management import call_command

from quotes.models import SearchVariant, Statement
from quotes.search import search_statements
from quotes.variants import Variant, learn, rebuild_variants
from tests.factories import (
    AffiliationFactory,
    AnonymousSpeakerFactory,
    AppearanceFactory,
    OrganizationFactory,
    SourceFactory,
    SpeakerFactory,
    StatementFactory,
    TopicFactory,
)
from tests.test_search import assert_index_fresh

pytestmark = pytest.mark.django_db


def found(q: str) -> set[int]:
    return set(search_statements(Statement.objects.all(), q).values_list("pk", flat=True))


def test_a_statement_is_found_by_its_context() -> None:
    statement = StatementFactory(
        text="We will not back down.",
        speaker_title="Secretary of Defense",
        setting="told reporters during a visit",
        location="Vientiane",
        anonymity_reason="not authorized to speak publicly",
    )
    statement.topics.add(TopicFactory(name="Ottawa Convention"))
    for q in ("Secretary", "reporters", "Vientiane", "authorized", "Ottawa"):
        assert found(q) == {statement.pk}, q
    assert_index_fresh()


def test_a_statement_is_found_by_its_organizations_names_and_parents() -> None:
    government = OrganizationFactory(name="U.S. government", aliases=["Washington"])
    pentagon = OrganizationFactory(name="Department of Defense", aliases=["Pentagon"])
    pentagon.parent = government
    pentagon.save()
    by_body = StatementFactory(speaker=None, organization=pentagon)
    anonymous = StatementFactory(speaker=AnonymousSpeakerFactory(organization=pentagon))
    assert found("Pentagon") == {by_body.pk, anonymous.pk}
    assert found("Washington") == {by_body.pk, anonymous.pk}
    assert_index_fresh()


def test_the_index_follows_topics_added_renamed_and_removed() -> None:
    statement, topic = StatementFactory(), TopicFactory(name="Mine clearance")
    statement.topics.add(topic)
    assert found("clearance") == {statement.pk}
    topic.name = "Demining"
    topic.save()
    assert found("clearance") == set()
    assert found("demining") == {statement.pk}
    statement.topics.remove(topic)
    assert found("demining") == set()
    assert_index_fresh()


def test_the_index_follows_speakers_descriptions_and_organizations() -> None:
    speaker = SpeakerFactory(description="")
    statement = StatementFactory(speaker=speaker)
    speaker.description = "Kremlin spokesman"
    speaker.save()
    assert found("spokesman") == {statement.pk}
    speaker.organization = OrganizationFactory(name="Presidential Administration")
    speaker.save()
    assert found("Presidential") == {statement.pk}
    assert_index_fresh()


def test_the_index_follows_an_organization_moved_under_another() -> None:
    state = OrganizationFactory(name="Department of State")
    embassy = OrganizationFactory(name="Embassy in Kyiv")
    statement = StatementFactory(speaker=None, organization=embassy)
    assert found("State") == set()
    embassy.parent = state
    embassy.save()
    assert found("State") == {statement.pk}
    state.name = "Foreign Office"
    state.save()
    assert found("Foreign") == {statement.pk}
    assert_index_fresh()


def test_a_title_held_then_is_searchable_but_an_affiliation_alone_is_not_its_words() -> None:
    speaker = SpeakerFactory()
    AffiliationFactory(speaker=speaker, title="Ambassador")
    statement = StatementFactory(speaker=speaker, speaker_title="Deputy spokesperson")
    assert found("spokesperson") == {statement.pk}
    assert found("Ambassador") == set()


def test_the_first_report_date_is_the_earliest_dated_source() -> None:
    statement = StatementFactory()
    assert Statement.objects.get(pk=statement.pk).first_reported_on is None
    later = AppearanceFactory(statement=statement, source__published_on=datetime.date(2024, 11, 21))
    AppearanceFactory(statement=statement, source__published_on=None)
    early = AppearanceFactory(statement=statement, source__published_on=datetime.date(2024, 11, 19))
    assert Statement.objects.get(pk=statement.pk).first_reported_on == datetime.date(2024, 11, 19)
    early.delete()
    assert Statement.objects.get(pk=statement.pk).first_reported_on == datetime.date(2024, 11, 21)
    later.source.published_on = datetime.date(2024, 11, 20)
    later.source.save()
    assert Statement.objects.get(pk=statement.pk).first_reported_on == datetime.date(2024, 11, 20)


def test_a_stale_report_date_written_back_is_corrected() -> None:
    statement = StatementFactory()
    stale = Statement.objects.get(pk=statement.pk)  # loaded before the appearance
    AppearanceFactory(statement=statement, source__published_on=datetime.date(2024, 11, 19))
    stale.setting = "press briefing"
    stale.save()  # writes first_reported_on = None back
    assert Statement.objects.get(pk=statement.pk).first_reported_on == datetime.date(2024, 11, 19)


def test_an_appearance_moved_to_another_source_moves_the_date() -> None:
    appearance = AppearanceFactory(source__published_on=datetime.date(2024, 1, 1))
    appearance.source = SourceFactory(published_on=datetime.date(2023, 1, 1))
    appearance.save()
    statement = Statement.objects.get(pk=appearance.statement_id)
    assert statement.first_reported_on == datetime.date(2023, 1, 1)


def test_the_lexicon_learns_compounds_from_the_texts() -> None:
    corpus = [
        "Antipersonnel landmines kill.",
        "Anti-personnel land mines were banned.",
        "The land mines stay.",
        "Nonpersistent mines, non-persistent ones.",
        "However it ends, how ever long.",  # two common words: chance, not a compound
        "how " * 30 + "ever " * 30,
    ]
    assert learn(corpus) == [
        Variant("antipersonnel", "anti", "personnel"),
        Variant("landmines", "land", "mines"),
        Variant("nonpersistent", "non", "persistent"),
    ]


def test_words_side_by_side_by_chance_are_no_compound() -> None:
    rng = random.Random(1)
    vocabulary = ["land", "mines", "landmines", "water", "table", "watertable", "sun", "set"]
    corpus = [" ".join(rng.choices(vocabulary, k=12)) for _ in range(3000)]
    assert learn(corpus) == []


@pytest.mark.usefixtures("changes_counted_at_once")  # the lexicon is kept per generation
def test_rebuilding_the_lexicon_lets_search_find_every_spelling() -> None:
    one = StatementFactory(text="Antipersonnel landmines kill civilians.")
    two = StatementFactory(text="Anti-personnel land mines were banned.")
    three = StatementFactory(text="Mines were cleared.")
    assert found("landmines") == {one.pk}
    call_command("rebuild_search_variants", verbosity=0, stdout=io.StringIO())
    assert SearchVariant.objects.count() == 2
    assert found("landmines") == found("land mines") == found("land-mines") == {one.pk, two.pk}
    assert found("antipersonnel") == found("anti-personnel") == {one.pk, two.pk}
    assert found("mines") == {one.pk, two.pk, three.pk}
    assert found('"antipersonnel land mines"') == {one.pk, two.pk}
    assert found("-landmines mines") == {three.pk}


@pytest.mark.usefixtures("changes_counted_at_once")
def test_a_compound_learned_in_the_plural_is_found_in_the_singular_too() -> None:
    # The corpus prints "landmines" joined and "land mine" apart, never "landmine".
    joined = StatementFactory(text="Antipersonnel landmines kill civilians.")
    apart = StatementFactory(text="The land mine policy was reversed.")
    StatementFactory(text="Land mines, landmines and land mines again.")
    call_command("rebuild_search_variants", verbosity=0, stdout=io.StringIO())

    assert {joined.pk, apart.pk} <= found("landmine")
    assert found("landmine") == found("land mine") == found("landmines") == found("land mines")
    assert apart.pk in found('"landmine policy"')


def test_the_lexicon_rebuild_command_says_how_many() -> None:
    StatementFactory(text="Landmines, land mines.")
    out = io.StringIO()
    call_command("rebuild_search_variants", stdout=out)
    assert out.getvalue().startswith("Learned 1 compounds")
    assert rebuild_variants() == 1


def test_an_initialism_with_dots_is_not_the_pronoun() -> None:
    pronoun = StatementFactory(text="Tell us about the sanctions.")
    country = StatementFactory(text="A U.S. official spoke of sanctions.")
    undotted = StatementFactory(text="The US official said so.")

    assert country.pk in found("U.S.")
    assert pronoun.pk not in found("U.S.")
    assert {country.pk, undotted.pk} <= found("US official")
    assert pronoun.pk in found("sanctions -U.S.")
    assert country.pk not in found("sanctions -U.S.")
