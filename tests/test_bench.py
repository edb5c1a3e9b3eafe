"""bench/run.py: its suite finds its parameters in a generated corpus, every request of it
succeeds, and the load loop measures what it says (smoke tests, not timed; CI also runs
bench/full on a small corpus against the production server)."""

import importlib.util
import io
import sqlite3
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"
spec = importlib.util.spec_from_file_location("bench_run", BENCH)
bench = importlib.util.module_from_spec(spec)
sys.modules["bench_run"] = bench  # dataclasses look their module up
spec.loader.exec_module(bench)


@pytest.fixture
def corpus(db: None, settings) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1"]  # as with DEBUG on, where bench/run.py runs
    call_command("generate_corpus", statements=300, seed=2, stdout=io.StringIO())


@pytest.fixture
def corpus_suite(corpus: None) -> list:
    return bench.suite(bench.discover())


def test_it_finds_the_suites_parameters_in_the_corpus(corpus_suite: list) -> None:
    kinds = {case.kind for case in corpus_suite}

    assert len(corpus_suite) == 20
    assert [case.name for case in corpus_suite if case.cached] == ["default list, page cache"]
    assert kinds == {"list", "search", "facets", "export"}


def test_every_request_of_the_suite_succeeds_and_its_sql_runs_directly(
    corpus_suite: list,
) -> None:
    for case in corpus_suite:
        statements = bench.captured_sql(case)  # asserts a 200
        assert statements, case.name
        assert bench.sql_milliseconds(statements, seconds=1, repeats=1) > 0


class Lines(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"a\nb\nc\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Lines)
    thread = threading.Thread(target=httpd.serve_forever)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_the_load_loop_stops_at_its_request_budget(server: str) -> None:
    run = bench.load(server, bench.Case("lines", "/", "export"), clients=3, seconds=30, requests=7)

    assert len(run.latencies) == 7
    assert run.errors == 0
    assert run.rows == 21
    assert run.percentile(50) <= run.percentile(99)


def test_the_load_loop_stops_at_its_time_budget(server: str) -> None:
    run = bench.load(
        server, bench.Case("lines", "/", "list"), clients=2, seconds=0.2, requests=10**9
    )

    assert run.seconds < 5
    assert run.latencies


def test_it_refuses_a_server_that_is_not_on_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["run.py", "--url", "http://10.0.0.5:8000"])

    with pytest.raises(SystemExit):
        bench.arguments()


def test_it_misspells_the_surname_only() -> None:
    assert bench.misspell("Lloyd Austin") == "Lloyd Asutin"


# --- bench/vs_datasette.py ---------------------------------------------------------------

VS = BENCH.parent / "vs_datasette.py"
vs_spec = importlib.util.spec_from_file_location("bench_vs_datasette", VS)
vs = importlib.util.module_from_spec(vs_spec)
sys.modules["bench_vs_datasette"] = vs
vs_spec.loader.exec_module(vs)


def test_datasettes_database_holds_each_published_statement_flattened(
    corpus: None, tmp_path: Path
) -> None:
    from quotes.models import Statement

    published = Statement.objects.published().select_related("speaker", "organization")
    statement = published.exclude(speaker=None).exclude(said_on=None).order_by("id")[0]
    first_outlet = statement.appearances.order_by("id")[0].source.outlet

    assert vs.build(tmp_path / "db.db") == published.count()

    database = sqlite3.connect(tmp_path / "db.db")
    database.row_factory = sqlite3.Row
    row = database.execute("SELECT * FROM statements WHERE id = ?", [statement.pk]).fetchone()
    ids = [r[0] for r in database.execute("SELECT id FROM statements ORDER BY id")]
    assert ids == list(published.order_by("id").values_list("id", flat=True))
    assert row["text"] == statement.text
    assert row["speaker"] == statement.speaker.slug
    assert row["speaker_name"] == statement.speaker.name
    assert row["organization"] == (statement.organization and statement.organization.name)
    assert row["outlet"] == (first_outlet and first_outlet.name)
    assert row["said_on"] == statement.said_on.isoformat()
    assert row["said_year"] == statement.said_on.year
    assert row["anonymous"] == int(statement.anonymous)


def test_datasettes_full_text_index_covers_the_same_texts(corpus: None, tmp_path: Path) -> None:
    from quotes.models import Statement

    vs.build(tmp_path / "db.db")
    word = Statement.objects.published().order_by("id")[0].text.split()[0].strip(",.").lower()
    database = sqlite3.connect(tmp_path / "db.db")
    matches = database.execute(
        "SELECT text FROM statements WHERE id IN "
        "(SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)",
        [f'"{word}"'],
    ).fetchall()
    indexes = {
        r[0] for r in database.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }

    assert matches
    assert all(word in text.lower() for (text,) in matches)
    assert {"statements_speaker_said_on", "statements_kind_anonymous_said_on"} <= indexes


def test_the_side_by_side_suite_asks_datasette_the_same_questions() -> None:
    p = {"speaker": "ann-lee", "detail": "7", "csv_rows": "100", "csv_after": "2024-05-17"}
    pairs = vs.suite(p | {"rare": "amusing", "medium": "stage", "common": "one", "phrase": "a b"})
    by_name = {pair.name: pair for pair in pairs}

    assert len(pairs) == 12
    assert "speaker=ann-lee" in by_name["top speaker"].datasette
    assert "_search=%22a+b%22&_searchmode=raw" in by_name['phrase ("a b")'].datasette
    assert by_name["statement detail"].datasette.startswith("/db/statements/7.json")
    assert "%28said_on+%3E%3D+%272024-05-17%27" in by_name["CSV (~100 rows)"].datasette
