"""Imports of the same article racing each other (two batch runs at once): the unique
URL and text digest let one create the source; the other finds it and says so."""

import threading

import pytest
from django.db import connection

from quotes import services
from quotes.intake import articles, proposals
from quotes.intake.models import SourceImport
from quotes.models import Source
from tests.intake.conftest import ARTICLE

POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races real concurrent transactions"
)


def race_imports(article: articles.Article, monkeypatch, runs: int = 4) -> list:
    """`runs` imports of `article` at once, all past their duplicate check before any
    writes (they wait for each other right after extracting)."""
    barrier, results = threading.Barrier(runs), [None] * runs
    real = proposals.new_candidates

    def in_step(*args, **kwargs):
        rows = real(*args, **kwargs)
        barrier.wait(timeout=30)
        return rows

    monkeypatch.setattr(proposals, "new_candidates", in_step)

    def run(index: int) -> None:
        try:
            results[index] = services.source_import(article=article, by=None)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("url", ["", "https://news.example/harbour"])
def test_concurrent_imports_of_one_article_make_one_source(url: str, monkeypatch) -> None:
    article = articles.from_text(ARTICLE).with_given(url=url)
    proposals.extracted(article.text, None)  # the model loaded before the race
    outcomes = race_imports(article, monkeypatch)

    assert Source.objects.count() == SourceImport.objects.count() == 1
    assert sorted(o.created for o in outcomes) == [False, False, False, True]
    source = Source.objects.get()
    assert {o.source.pk for o in outcomes} == {source.pk}
    assert {o.duplicate_of for o in outcomes if not o.created} == {
        "same URL" if url else "same text"
    }
    assert source.candidates.count() == 2
