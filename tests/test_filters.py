"""quotes.filters: the filter sets' per-request copies, and the speaker filter's index."""

import pytest
from django.db import connection, transaction

from quotes.filters import StatementFilter
from quotes.models import Statement
from tests.factories import SpeakerFactory, VerifiedStatementFactory

pytestmark = pytest.mark.django_db


def test_a_filter_set_copies_its_filters_one_level_deep() -> None:
    built = StatementFilter({})
    mine, base = built.filters["kind"], StatementFilter.base_filters["kind"]

    assert mine is not base
    assert mine.extra is not base.extra  # its own options
    assert mine.extra["choices"] is base.extra["choices"]  # their contents shared, not copied


def test_filter_sets_built_together_each_search_with_their_own_parameters() -> None:
    peskov = SpeakerFactory(name="Dmitry Peskov", slug="dmitry-peskov")
    said = VerifiedStatementFactory(speaker=peskov, text="The Kremlin denies the report")
    corrected = StatementFilter({"q": "Perskov"}, queryset=Statement.objects.all())
    exact = StatementFilter({"q": "Perskov", "exact": "true"}, queryset=Statement.objects.all())

    assert list(corrected.qs) == [said]
    assert list(exact.qs) == []
    # Each q filter ran as its own filter set's method: the correction is the first's only.
    assert corrected.correction == ("Perskov", "Peskov")
    assert exact.correction is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_search_within_one_speaker_reads_the_speaker_keyed_full_text_index() -> None:
    speaker = SpeakerFactory()
    for n in range(30):
        VerifiedStatementFactory(speaker=speaker, text=f"Mines and more mines {n}")
        VerifiedStatementFactory(text=f"Mines elsewhere {n}")
    data = {"q": "mines", "speaker": [speaker.slug]}
    found = StatementFilter(data, queryset=Statement.objects.all()).qs
    with transaction.atomic(), connection.cursor() as cursor:
        # On a table this small a speaker's B-tree and a recheck cost least; without
        # them (rolled back with the test), what the full-text index answers shows.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'quotes_statement' "
            "AND indexdef LIKE '%%btree%%speaker_id%%'"
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = found.order_by().explain()
        assert found.count() == 30

    conditions = [line for line in plan.splitlines() if "Index Cond" in line]
    assert "quotes_statement_speaker_search" in plan
    assert any("speaker_id" in line and "search_vector" in line for line in conditions), plan
