"""bench/run.py: its suite finds its parameters in a generated corpus, every request of it
succeeds, and the load loop measures what it says (smoke tests, not timed; CI also runs
bench/full on a small corpus against the production server)."""

import importlib.util
import io
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
