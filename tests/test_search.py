"""Statement full-text search and fuzzy speaker search, on SQLite and PostgreSQL alike."""

import json
import random
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import QuerySet
from pytest_django import DjangoAssertNumQueries

from quotes.models import Appearance, Speaker, Statement
from quotes.search import (
    highlights,
    rebuild_search_index,
    search_speakers,
    search_statements,
)
from tests.factories import (
    AppearanceFactory,
    OrganizationFactory,
    SourceFactory,
    SpeakerFactory,
    StatementFactory,
    VerifiedStatementFactory,
)

pytestmark = pytest.mark.django_db


def found(q: str, queryset: QuerySet[Statement] | None = None) -> set[int]:
    queryset = Statement.objects.all() if queryset is None else queryset
    return set(search_statements(queryset, q).values_list("pk", flat=True))


def appear(statement: Statement, wording: str) -> Appearance:
    return AppearanceFactory(
        statement=statement, quoted_text=wording, source__text=f"It printed: {wording} End."
    )


def index_snapshot() -> list[tuple[object, ...]]:
    """The search index as the database holds it, in a comparable form."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT id, search_vector::text FROM quotes_statement ORDER BY id")
        else:
            cursor.execute("SELECT rowid, * FROM quotes_statement_fts ORDER BY rowid")
        return cursor.fetchall()


def assert_index_fresh() -> None:
    """The triggers left the index exactly as a full rebuild computes it."""
    maintained = index_snapshot()
    rebuild_search_index()
    assert maintained == index_snapshot()


def wipe_index() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("UPDATE quotes_statement SET search_vector = NULL")
        else:
            cursor.execute("DELETE FROM quotes_statement_fts")


@pytest.fixture
def talks() -> dict[str, Statement]:
    return {
        "doha": StatementFactory(text="The ceasefire talks will resume in Doha next week."),
        "cairo": StatementFactory(text="Ceasefire negotiations moved to Cairo."),
        "hostages": StatementFactory(text="All hostages must be released."),
        "chain": StatementFactory(text="The supply chain is broken beyond repair."),
        "loose": StatementFactory(text="The chain of supply ships stretched for miles."),
    }


def ids(talks: dict[str, Statement], *names: str) -> set[int]:
    return {talks[name].pk for name in names}


def test_statement_search_requires_every_word(talks: dict[str, Statement]) -> None:
    assert found("ceasefire Doha") == ids(talks, "doha")
    assert found("ceasefire") == ids(talks, "doha", "cairo")


def test_statement_search_stems_words(talks: dict[str, Statement]) -> None:
    assert found("negotiating") == ids(talks, "cairo")
    assert found("releasing hostage") == ids(talks, "hostages")


def test_statement_search_matches_exact_phrase(talks: dict[str, Statement]) -> None:
    assert found('"supply chain"') == ids(talks, "chain")
    assert found("supply chain") == ids(talks, "chain", "loose")


def test_statement_search_or_matches_either(talks: dict[str, Statement]) -> None:
    assert found("Doha or hostages") == ids(talks, "doha", "hostages")
    assert found("Doha OR Cairo or hostages") == ids(talks, "doha", "cairo", "hostages")


def test_statement_search_or_binds_looser_than_and(talks: dict[str, Statement]) -> None:
    # As in websearch_to_tsquery: (ceasefire AND Cairo) OR hostages.
    assert found("ceasefire Cairo or hostages") == ids(talks, "cairo", "hostages")


def test_statement_search_excludes_minus_terms(talks: dict[str, Statement]) -> None:
    assert found("ceasefire -Doha") == ids(talks, "cairo")
    assert found('supply -"supply chain"') == ids(talks, "loose")


def test_statement_search_matches_appearance_wording() -> None:
    statement = StatementFactory(text="We will not back down.")
    appear(statement, "We will not back down.")
    appear(statement, "We shall never retreat, not one unprecedented inch.")
    StatementFactory(text="An unrelated remark.")

    assert found("unprecedented inch") == {statement.pk}
    assert found('"never retreat"') == {statement.pk}


def test_statement_search_matches_speaker_name_and_alias() -> None:
    peskov = SpeakerFactory(name="Dmitry Peskov", aliases=["Dmitri Peskov", "Kremlin spokesman"])
    statement = StatementFactory(speaker=peskov, text="No comment at this time.")
    StatementFactory(text="Another comment entirely.")

    assert found("Peskov") == {statement.pk}
    assert found("Dmitri") == {statement.pk}
    assert found('"Kremlin spokesman"') == {statement.pk}
    assert found("Peskov comment") == {statement.pk}


def test_statement_search_matches_names_that_stem() -> None:
    williams = SpeakerFactory(name="Serena Williams", aliases=["S. Hastings"])
    statement = StatementFactory(speaker=williams, text="I played my best tennis.")

    assert found("Williams") == {statement.pk}
    assert found("Hastings tennis") == {statement.pk}


def test_statement_search_matches_organization_speaking_as_a_body() -> None:
    pentagon = OrganizationFactory(name="Department of Defense", aliases=["Pentagon"])
    statement = StatementFactory(speaker=None, organization=pentagon, text="No troops moved.")

    assert found("Pentagon") == {statement.pk}
    assert found("Defense troops") == {statement.pk}


def test_statement_search_ranks_canonical_text_above_wording_above_name() -> None:
    in_name = StatementFactory(text="It is working.", speaker__name="Sanctions Envoy")
    in_wording = StatementFactory(text="They are working.")
    appear(in_wording, "The sanctions are working.")
    in_text = StatementFactory(text="Sanctions are working.")

    ranked = search_statements(Statement.objects.all(), "sanctions").order_by("-search_rank")
    assert list(ranked) == [in_text, in_wording, in_name]
    assert all(statement.search_rank > 0 for statement in ranked)


def test_statement_search_ranks_more_matches_higher() -> None:
    once = StatementFactory(text="Oil prices rose sharply today, and sanctions were mentioned.")
    twice = StatementFactory(text="Oil sanctions work; oil sanctions will tighten.")

    ranked = search_statements(Statement.objects.all(), "oil sanctions")
    assert list(ranked.order_by("-search_rank", "-id")) == [twice, once]


def test_statement_search_composes_with_other_querysets(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    speaker = SpeakerFactory()
    wanted = VerifiedStatementFactory(text="The ceasefire holds.", speaker=speaker)
    appear(wanted, "The ceasefire holds.")
    VerifiedStatementFactory(text="The ceasefire collapsed.")
    StatementFactory(text="The ceasefire holds, says a draft.", speaker=speaker)
    base = Statement.objects.published().with_appearance_count().filter(speaker=speaker)

    results = search_statements(base, "ceasefire").order_by("-search_rank", "-id")
    with django_assert_num_queries(2):
        page = list(results.prefetch_related("appearances")[:10])
    assert page == [wanted]
    assert page[0].appearance_count == 1
    assert results.count() == 1
    assert Statement.objects.filter(pk__in=results.values("pk")).get() == wanted


@pytest.mark.parametrize("q", ['"', "-", "***", "", "   ", "or", "OR or", "_", "…", "-ceasefire"])
def test_statement_search_without_usable_terms_finds_nothing(
    talks: dict[str, Statement], q: str
) -> None:
    results = search_statements(Statement.objects.all(), q)

    assert list(results.order_by("-search_rank", "-id")) == []
    assert results.count() == 0


@pytest.mark.parametrize(
    "q",
    [
        "NEAR(ceasefire",
        "ceasefire*",
        "^ceasefire",
        "text:ceasefire",
        "ceasefire AND",
        "ceasefire OR",
        "AND ceasefire NOT",
        '"ceasefire',
        'cease"fire',
        "(ceasefire",
        "ceasefire)",
        "ceasefire'",
        "\\ceasefire",
        "%s ceasefire %",
        "ceasefire\x00",
        "{ceasefire}",
        "!ceasefire",
        "ceasefire:*",
        "ceasefire & | !",
        "--ceasefire",
    ],
)
def test_statement_search_never_errors_on_query_syntax(talks: dict[str, Statement], q: str) -> None:
    results = list(search_statements(Statement.objects.all(), q).order_by("-search_rank"))

    assert set(highlights(results, q)) == {statement.pk for statement in results}


def test_statement_search_treats_operator_characters_as_text(talks: dict[str, Statement]) -> None:
    assert found("ceasefire*") == ids(talks, "doha", "cairo")
    assert found("NEAR(ceasefire") == set()
    assert found("NEAR(ceasefire or Doha") == ids(talks, "doha")
    assert found("text:ceasefire Cairo") == set()


def test_statement_search_survives_random_punctuation(talks: dict[str, Statement]) -> None:
    alphabet = [*"\"'-*^:()+{}[].,;!?&|\\%$#@~`<>\x00 ", "or", "OR", "AND", "NOT", "NEAR"]
    generator = random.Random(20261121)
    for _ in range(150):
        q = "".join(generator.choice([*alphabet, "ceasefire", " "]) for _ in range(8))
        list(search_statements(Statement.objects.all(), q)[:5])


def test_highlights_mark_matches_and_escape_everything_else() -> None:
    statement = StatementFactory(
        text='He typed <script>alert("x")</script> & said the ceasefire holds.'
    )

    snippet = highlights([statement], "ceasefire holding")[statement.pk]
    assert "<mark>ceasefire</mark>" in snippet
    assert "<mark>holds</mark>" in snippet
    assert "&lt;script&gt;" in snippet
    assert "&amp;" in snippet
    assert "<script>" not in snippet


def test_highlights_ignore_marker_characters_in_the_text() -> None:
    statement = StatementFactory(text="The \ue000forged\ue001 ceasefire \ue002b\ue003 holds.")

    snippet = highlights([statement], "ceasefire")[statement.pk]
    assert snippet == "The forged <mark>ceasefire</mark> b holds."


def test_highlights_show_the_text_unmarked_when_only_the_name_matched() -> None:
    peskov = SpeakerFactory(name="Dmitry Peskov")
    statement = StatementFactory(speaker=peskov, text="No comment at this time.")

    assert highlights([statement], "Peskov") == {statement.pk: "No comment at this time."}


def test_highlights_show_the_wording_that_matched() -> None:
    statement = StatementFactory(text="We will not back down.")
    appear(statement, "We shall never retreat, not one unprecedented inch.")

    snippet = highlights([statement], "unprecedented")[statement.pk]
    assert "<mark>unprecedented</mark>" in snippet
    assert "retreat" in snippet


def test_highlights_cut_long_text_with_ellipses() -> None:
    words = [f"filler{n}" for n in range(100)]
    words[50] = "ceasefire"
    words[52] = "a<b"
    statement = StatementFactory(text=" ".join(words))

    snippet = highlights([statement], "ceasefire")[statement.pk]
    assert "a&lt;b" in snippet
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "<mark>ceasefire</mark>" in snippet
    assert 15 <= len(snippet.split()) <= 35


def test_highlights_take_one_query_for_a_page(
    talks: dict[str, Statement], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    page = list(search_statements(Statement.objects.all(), "ceasefire or chain"))

    # The snippets, and whether the compound lexicon is still current (one row).
    with django_assert_num_queries(2):
        snippets = highlights(page, "ceasefire or chain")
    assert set(snippets) == {statement.pk for statement in page}
    assert all("<mark>" in snippet for snippet in snippets.values())


def test_highlights_of_nothing_take_no_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(0):
        assert highlights([], "ceasefire") == {}


def test_search_index_follows_statement_text_changes(talks: dict[str, Statement]) -> None:
    statement = talks["hostages"]
    statement.text = "Prisoners must be exchanged."
    statement.save()

    assert found("hostages") == set()
    assert found("prisoners") == {statement.pk}
    assert_index_fresh()


def test_search_index_follows_appearances_added_moved_and_deleted() -> None:
    first = StatementFactory(text="We will not back down.")
    second = StatementFactory(text="Talks continue.")
    appearance = appear(first, "We shall never retreat an inch.")
    assert found("retreat") == {first.pk}
    assert_index_fresh()

    appearance.statement = second
    appearance.save()
    assert found("retreat") == {second.pk}
    assert_index_fresh()

    appearance.delete()
    assert found("retreat") == set()
    assert_index_fresh()


def test_search_index_follows_bulk_created_appearances() -> None:
    first, second = StatementFactory(text="Talks resume."), StatementFactory(text="Talks end.")
    source = SourceFactory(text="Qatar hosted them. Egypt mediated.")
    Appearance.objects.bulk_create(
        Appearance(statement=statement, source=source, quoted_text=wording, offset=offset)
        for statement, wording, offset in [
            (first, "Qatar hosted them.", 0),
            (first, "Egypt mediated.", 19),
            (second, "Egypt mediated.", 19),
        ]
    )

    assert found("Qatar Egypt") == {first.pk}
    assert found("Egypt") == {first.pk, second.pk}
    assert_index_fresh()


def test_search_index_follows_speaker_changes() -> None:
    speaker = SpeakerFactory(name="Dmitry Peskov", aliases=["Kremlin spokesman"])
    statement = StatementFactory(speaker=speaker, text="No comment.")

    speaker.aliases = ["Presidential press secretary"]
    speaker.save()
    assert found("Kremlin") == set()
    assert found("secretary") == {statement.pk}

    Speaker.objects.filter(pk=speaker.pk).update(name="Maria Zakharova")
    assert found("Peskov") == set()
    assert found("Zakharova") == {statement.pk}

    statement.speaker = SpeakerFactory(name="Sergei Lavrov")
    statement.save()
    assert found("Zakharova") == set()
    assert found("Lavrov") == {statement.pk}
    assert_index_fresh()


def test_search_index_tolerates_aliases_that_are_not_a_list() -> None:
    speaker = SpeakerFactory(name="Dmitry Peskov", aliases=["Kremlin spokesman"])
    statement = StatementFactory(speaker=speaker, text="No comment.")

    Speaker.objects.filter(pk=speaker.pk).update(aliases="Kremlin spokesman")

    assert found("Peskov") == {statement.pk}
    assert found("Kremlin") == set()
    assert_index_fresh()


def test_search_index_follows_organization_renames() -> None:
    ministry = OrganizationFactory(name="Ministry of Defence")
    as_body = StatementFactory(speaker=None, organization=ministry, text="Drills begin.")

    ministry.aliases = ["MoD"]
    ministry.name = "Defence Ministry"
    ministry.save()

    assert found("MoD") == {as_body.pk}
    assert_index_fresh()


def test_search_index_drops_deleted_statements(talks: dict[str, Statement]) -> None:
    talks["doha"].delete()

    assert found("ceasefire") == ids(talks, "cairo")
    assert_index_fresh()


def test_search_index_follows_bulk_and_raw_sql_updates(talks: dict[str, Statement]) -> None:
    Statement.objects.filter(pk__in=ids(talks, "doha", "cairo")).update(text="Truce agreed.")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE quotes_statement SET text = %s WHERE id = %s",
            ["Truce rejected.", talks["hostages"].pk],
        )

    assert found("ceasefire") == set()
    assert found("truce") == ids(talks, "doha", "cairo", "hostages")
    assert_index_fresh()


def test_search_index_follows_loaddata(tmp_path: Path) -> None:
    speaker = SpeakerFactory(name="Kaja Kallas", aliases=["Kallas"])
    statement = StatementFactory(speaker=speaker, text="Europe stands firm.")
    appearance = appear(statement, "Europe will stand firm, unwavering.")
    source, outlet = appearance.source, appearance.source.outlet
    statement_id = statement.pk
    # The appearance comes before its statement, as a hand-written fixture may have it.
    rows = [outlet, source, speaker, appearance, statement]
    fixture = tmp_path / "search.json"
    fixture.write_text(serializers.serialize("json", rows))
    for row in reversed([outlet, source, speaker, statement, appearance]):
        row.delete()
    assert found("Kallas") == set()

    call_command("loaddata", str(fixture), verbosity=0)

    assert found("Kallas unwavering") == {statement_id}
    assert json.loads(fixture.read_text())[3]["model"] == "quotes.appearance"
    assert_index_fresh()


def test_rebuild_search_index_restores_a_lost_index(talks: dict[str, Statement]) -> None:
    appear(talks["doha"], "Talks resume in Qatar.")
    maintained = index_snapshot()
    wipe_index()
    assert found("ceasefire") == set()

    rebuild_search_index()

    assert found("ceasefire") == ids(talks, "doha", "cairo")
    assert found("Qatar") == ids(talks, "doha")
    assert index_snapshot() == maintained


@pytest.fixture
def speakers() -> dict[str, Speaker]:
    return {
        "peskov": SpeakerFactory(name="Dmitry Peskov", aliases=["Dmitry Perskov"]),
        "austin": SpeakerFactory(name="Lloyd Austin", aliases=["Lloyd J. Austin III"]),
        "blinken": SpeakerFactory(name="Antony Blinken"),
        "kirby": SpeakerFactory(name="John Kirby", aliases=["Adm. Kirby"]),
    }


def test_speaker_search_finds_misspelled_alias(speakers: dict[str, Speaker]) -> None:
    assert list(search_speakers(Speaker.objects.all(), "Perskov")) == [speakers["peskov"]]


def test_speaker_search_tolerates_misspelled_name(speakers: dict[str, Speaker]) -> None:
    assert list(search_speakers(Speaker.objects.all(), "Lloyd Austen")) == [speakers["austin"]]


def test_speaker_search_matches_part_of_a_name(speakers: dict[str, Speaker]) -> None:
    results = list(search_speakers(Speaker.objects.all(), "Austin"))

    assert results[0] == speakers["austin"]
    assert results[0].similarity == pytest.approx(1.0)


def test_speaker_search_ranks_closer_names_first(speakers: dict[str, Speaker]) -> None:
    results = list(search_speakers(Speaker.objects.with_statement_count(), "Dmitry Peskov"))

    assert results[0] == speakers["peskov"]
    assert [s.similarity for s in results] == sorted((s.similarity for s in results), reverse=True)
    assert all(0 < speaker.similarity <= 1 for speaker in results)


@pytest.mark.parametrize("q", ["Xylophone quartet", "zzz", "", "  ", "***", "\x00"])
def test_speaker_search_ignores_unrelated_strings(speakers: dict[str, Speaker], q: str) -> None:
    assert list(search_speakers(Speaker.objects.all(), q)) == []


def search_index_installed() -> bool:
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "quotes_statement")
        tables = connection.introspection.table_names(cursor)
    return "quotes_statement_fts" in tables or any(c.name == "search_vector" for c in columns)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_migration_reverses_and_backfills_on_reapply() -> None:
    before = StatementFactory(text="A ceasefire written before the index.")

    call_command("migrate", "quotes", "0002", verbosity=0)
    assert not search_index_installed()
    # The models as of 0002: today's have columns later migrations add.
    old = MigrationExecutor(connection).loader.project_state(("quotes", "0002_curators_group"))
    speaker = old.apps.get_model("quotes", "Speaker").objects.create(name="S", slug="s-0002")
    during = old.apps.get_model("quotes", "Statement").objects.create(
        text="A ceasefire written while search was off.",
        kind="direct_quote",
        speaker=speaker,
        said_on_precision="unknown",
    )
    call_command("migrate", "quotes", verbosity=0)

    assert search_index_installed()
    assert found("ceasefire") == {before.pk, during.pk}
    assert_index_fresh()
