"""The four seed articles, each served by a local HTTP server as text and as HTML,
imported, and every candidate accepted unchanged: the outcome is compared with the
curated seed fixture (bench/intake.py prints the figures; this test checks that the
whole path works and the comparison accounts for every fixture row, not a score)."""

import importlib.util
import sys
from pathlib import Path

import pytest

from quotes.intake.models import Candidate
from quotes.models import Appearance, Source, Statement

BENCH = Path(__file__).resolve().parent.parent.parent / "bench" / "intake.py"
spec = importlib.util.spec_from_file_location("bench_intake", BENCH)
bench = importlib.util.module_from_spec(spec)
sys.modules["bench_intake"] = bench  # dataclasses look their module up
spec.loader.exec_module(bench)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("form", ["text", "html"])
def test_seed_articles_imported_and_accepted_unchanged_are_compared_with_the_fixture(
    form: str, reference_data, article_server, curator
) -> None:
    def serve(path: str, body: str, content_type: str) -> str:
        return article_server.serve(
            path, body, headers={"Content-Type": f"{content_type}; charset=utf-8"}
        )

    produced = bench.import_and_accept(form, serve, curator)

    assert len(produced) == Source.objects.count() == 4
    tags = {"<TITLE>" in text for text in Source.objects.values_list("text", flat=True)}
    assert tags == ({True, False} if form == "text" else {False})  # HTML: the text extracted
    assert not Candidate.objects.filter(status="open").exclude(speaker_name="").exists()
    assert set(Statement.objects.values_list("status", flat=True)) == {"draft"}
    assert all(appearance.wording_in_source() for appearance in Appearance.objects.all())
    report = bench.compare(form, produced)
    assert sum(report.appearances.values()) == 62
    assert sum(report.statements.values()) == 44
    assert len(report.missing) == report.appearances["missing"]
    print("\n".join(report.lines()))
