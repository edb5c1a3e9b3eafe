"""generate_corpus: realistic shapes, every database rule kept, searchable at once."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F

from quotes.api.pagecache import data_generation
from quotes.corpus import Words
from quotes.models import Appearance, Organization, Source, Speaker, Statement, wording_matches
from quotes.search import rebuild_search_index, search_statements
from tests.test_search import index_snapshot

pytestmark = pytest.mark.django_db

N = 400


@pytest.fixture
def corpus() -> None:
    generate()


def generate(**options: object) -> str:
    out = io.StringIO()
    call_command("generate_corpus", statements=N, seed=7, stdout=out, **options)
    return out.getvalue()


def test_it_generates_the_shapes_of_an_archive(corpus: None) -> None:
    assert Statement.objects.count() == N
    assert Speaker.objects.count() == N // 50
    assert N // 5 * 0.7 < Source.objects.count() < N // 5 * 1.3
    printed = Counter(Appearance.objects.values_list("statement_id", flat=True))
    assert set(printed.values()) <= {1, 2, 3, 4}
    assert max(printed.values()) > 1
    assert Appearance.objects.exclude(via=None).exists()
    assert Organization.objects.exclude(parent=None).filter(parent__parent__isnull=False).exists()
    precisions = set(Statement.objects.values_list("said_on_precision", flat=True))
    assert precisions == {"day", "month", "year", "unknown"}


def test_it_verifies_most_statements_and_records_who_and_when(corpus: None) -> None:
    statuses = Counter(Statement.objects.values_list("status", flat=True))
    assert statuses["verified"] > 0.9 * N
    assert statuses["draft"] > 0
    verified = Statement.objects.filter(status="verified")
    assert not verified.filter(verified_by=None).exists()
    assert not verified.filter(verified_at=None).exists()


def test_it_prints_each_wording_where_its_source_says(corpus: None) -> None:
    appearances = Appearance.objects.select_related("source")
    assert all(wording_matches(a.source.text, a.offset, a.quoted_text) for a in appearances)
    assert Appearance.objects.exclude(quoted_text=F("statement__text")).exists()


def test_it_leaves_the_search_index_as_a_rebuild_would(corpus: None) -> None:
    loaded = index_snapshot()
    assert len(loaded) == N
    rebuild_search_index()
    assert index_snapshot() == loaded


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search vectors")
def test_it_stores_the_search_vector_the_database_would_compute(corpus: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, search_vector::text, "
            "quotes_statement_search_vector(quotes_statement)::text "
            "FROM quotes_statement"
        )
        rows = cursor.fetchall()
    assert len(rows) == N
    assert [(pk, stored) for pk, stored, _ in rows] == [(pk, computed) for pk, _, computed in rows]
    rewordings = Appearance.objects.exclude(quoted_text=F("statement__text"))
    reworded_twice = rewordings.values("statement").annotate(n=Count("quoted_text", distinct=True))
    assert reworded_twice.filter(n__gt=1).exists()  # their order in the vector is tested too
    assert Statement.objects.filter(speaker=None).exists()  # an organization's names too


def test_it_draws_text_from_english_word_frequencies(corpus: None) -> None:
    words = Counter(
        w
        for text in Statement.objects.values_list("text", flat=True)
        for w in text.lower().replace(",", "").rstrip(".").split()
    )
    assert words.most_common(1)[0][0] == "the"
    common = next(w for w in Words.load().words if search_statements(Statement.objects, w).exists())
    assert search_statements(Statement.objects.all(), common).count() > N // 20


def test_it_is_deterministic_for_a_seed(corpus: None) -> None:
    first = list(Statement.objects.order_by("id").values_list("text", "said_on", "kind"))
    generate(replace=True)

    assert list(Statement.objects.order_by("id").values_list("text", "said_on", "kind")) == first


def test_it_refuses_a_database_that_holds_statements(corpus: None) -> None:
    with pytest.raises(CommandError, match="--replace"):
        generate()


def test_it_reports_progress_and_its_rate() -> None:
    output = generate()

    assert f"{N:,} / {N:,} statements" in output
    assert "statements/s" in output


@pytest.mark.usefixtures("changes_counted_at_once")
def test_it_moves_the_data_generation_and_leaves_its_triggers_in_place() -> None:
    before = data_generation("default")
    generate()
    loaded = data_generation("default")
    assert loaded > before  # pages cached before the load are not served after it
    Statement.objects.filter(pk=Statement.objects.earliest("id").pk).update(notes="Checked.")
    assert data_generation("default") > loaded
