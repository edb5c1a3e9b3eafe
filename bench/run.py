"""Benchmark the read API against a running production server; writes a Markdown table.

    .venv/bin/python bench/run.py --url http://127.0.0.1:8000 --server-pid PID --out FILE

Needs DATABASE_URL (the server's database): the suite's parameters (a prolific speaker,
search terms of known frequency, …) are read from it, and every request's SQL is
captured in-process once and then timed by running it directly, for the API/SQL ratio.
Only loopback servers are accepted; every load loop is bounded in requests and seconds.
bench/full does everything from an empty database (see bench/README.md).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TARGETS = {
    "list": "p50 ≤ 20, p95 ≤ 50",
    "search": "p95 ≤ 100, API ≤ 2× SQL",
    "facets": "p95 ≤ 250",
    "export": "≥ 20,000 rows/s, flat memory",
}


@dataclass
class Case:
    name: str
    path: str
    kind: str  # list, search, facets or export
    accept: str = "application/json"
    # Every case but one asks for a freshly rendered page (Cache-Control: no-cache), so
    # that it measures the query, not quotes/api/pagecache.py; that one shows the cache.
    cached: bool = False

    @property
    def headers(self) -> dict[str, str]:
        return {"Accept": self.accept} | ({} if self.cached else {"Cache-Control": "no-cache"})


@dataclass
class Run:
    """The requests of one case at one concurrency."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    rows: int = 0
    peak_rss: int = 0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


# --- the suite ---------------------------------------------------------------------------


def setup_django() -> None:
    """In-process Django on the server's database, to read parameters and capture SQL."""
    sys.path.insert(0, str(ROOT))
    os.environ["DEBUG"] = "true"  # this process serves nothing; no host or HTTPS checks
    # As the server runs for the benchmark: no throttling, so no cache reads per request.
    os.environ["THROTTLE_ANON_RATE"] = "off"
    os.environ["CACHE_URL"] = "locmem://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def discover() -> dict[str, str]:
    """Parameters that exist in the loaded corpus, chosen the same way on every run."""
    from django.db.models import Count

    from quotes.models import Organization, Source, Statement

    published = Statement.objects.published()
    top = published.exclude(speaker=None).values("speaker__slug", "speaker__name")
    speaker = top.annotate(n=Count("id")).order_by("-n", "speaker__slug")[0]
    by_country = published.values("organization__country").annotate(n=Count("id"))
    country = by_country.exclude(organization__country="").order_by("-n")[0]
    government = Organization.objects.filter(
        kind="government", country=country["organization__country"]
    ).order_by("id")[0]
    detail = published.filter(speaker__slug=speaker["speaker__slug"]).order_by("id")[0]
    # The outlet with the most sources and the topic with the most statements: the
    # filters' hardest cases (a quarter and a seventh of the archive at 1,000,000).
    outlet = Source.objects.exclude(outlet=None).values("outlet__slug").annotate(n=Count("id"))
    tagged = Statement.topics.through.objects.values("topic__slug").annotate(n=Count("id"))
    return {
        "outlet": outlet.order_by("-n", "outlet__slug")[0]["outlet__slug"],
        "topic": tagged.order_by("-n", "topic__slug")[0]["topic__slug"],
        "speaker": speaker["speaker__slug"],
        "misspelled": misspell(speaker["speaker__name"]),
        "government": government.slug,
        "detail": str(detail.pk),
        **search_terms(),
        "csv_after": said_after_for(10_000),
        "ndjson_after": said_after_for(100_000),
    }


def misspell(name: str) -> str:
    """Two letters of the surname swapped: the fuzzy search must still find the speaker."""
    first, _, last = name.rpartition(" ")
    return f"{first} {last[0]}{last[2]}{last[1]}{last[3:]}".strip() if len(last) > 3 else name


def search_terms() -> dict[str, str]:
    """A rare, a medium and the most common searchable word of the word list, by rank (the
    corpus draws its text from it), and a two-word phrase found in the corpus."""
    from quotes.corpus import Words
    from quotes.models import Statement
    from quotes.search import search_statements

    words = Words.load().words
    published = Statement.objects.published()

    def indexed(word: str) -> bool:  # stop words ("the") are not searchable on PostgreSQL
        return search_statements(published, word).exists()

    common = next(word for word in words if indexed(word))
    medium = next(word for word in words[800:] if indexed(word))
    rare = next(word for word in words[10_000:] if indexed(word))
    return {"rare": rare, "medium": medium, "common": common, "phrase": phrase_with(medium)}


def phrase_with(word: str) -> str:
    from quotes.models import Statement

    for text in (
        Statement.objects.published()
        .filter(text__contains=f" {word} ")[:50]
        .values_list("text", flat=True)
    ):
        tokens = text.rstrip(".").replace(",", "").split()
        at = tokens.index(word) if word in tokens else -1
        if 0 <= at < len(tokens) - 1:
            return f"{word} {tokens[at + 1]}"
    return word


def said_after_for(rows: int) -> str:
    """The latest `said_after` with which the API's own filter matches at least `rows`
    published statements (a bisection over days: month- and year-precision statements
    count from the start of their period)."""
    import datetime

    from quotes.filters import StatementFilter
    from quotes.models import Statement

    def matches(day: datetime.date) -> int:
        found = StatementFilter({"said_after": day.isoformat()}, Statement.objects.published())
        return found.qs.order_by()[:rows].count()

    low, high = datetime.date(1900, 1, 1), datetime.date.today()
    for _ in range(20):  # bounded: 20 halvings of ~46,000 days reach a single day
        middle = low + (high - low) / 2
        low, high = (middle, high) if matches(middle) >= rows else (low, middle)
    return low.isoformat()


def url(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def suite(p: dict[str, str]) -> list[Case]:
    s = "/api/v1/statements/"
    said = {"said_after": "2023-01-01", "said_before": "2023-03-31"}
    children = {"organization": p["government"], "include_children": "true"}
    return [
        Case("default list", s, "list"),
        Case("default list, page cache", s, "list", cached=True),
        Case("filter by speaker", url(s, speaker=p["speaker"]), "list"),
        Case("organization with children", url(s, **children), "list"),
        Case("date range", url(s, **said), "list"),
        Case("kind and anonymous", url(s, kind="paraphrase", anonymous="true"), "list"),
        Case("largest outlet", url(s, outlet=p["outlet"]), "list"),
        Case("largest topic", url(s, topic=p["topic"]), "list"),
        Case(f"q rare ({p['rare']})", url(s, q=p["rare"]), "search"),
        Case(f"q medium ({p['medium']})", url(s, q=p["medium"]), "search"),
        Case(f"q very common ({p['common']})", url(s, q=p["common"]), "search"),
        Case(f'phrase ("{p["phrase"]}")', url(s, q=f'"{p["phrase"]}"'), "search"),
        Case("q and speaker", url(s, q=p["common"], speaker=p["speaker"]), "search"),
        Case("facets", f"{s}facets/", "facets"),
        Case(f"facets with q ({p['medium']})", url(f"{s}facets/", q=p["medium"]), "facets"),
        Case("statement detail", f"{s}{p['detail']}/", "list"),
        Case("speaker fuzzy search", url("/api/v1/speakers/", q=p["misspelled"]), "search"),
        Case("topic list", "/api/v1/topics/", "list"),
        Case(
            "CSV export (10,000 rows)",
            url(s, said_after=p["csv_after"], format="csv"),
            "export",
            accept="text/csv",
        ),
        Case(
            "NDJSON export (100,000 rows)",
            url(s, said_after=p["ndjson_after"]),
            "export",
            accept="application/x-ndjson",
        ),
    ]


# --- load ---------------------------------------------------------------------------------


def fetch(url: str, case: Case) -> tuple[float, int, int]:
    """One request on a fresh connection: seconds, status and lines of body."""
    parts = urlsplit(url)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=300)
    try:
        connection.request("GET", case.path, headers=case.headers)
        with connection.getresponse() as response:
            lines = 0
            while chunk := response.read(1 << 16):
                lines += chunk.count(b"\n")
        return time.perf_counter() - started, response.status, lines
    finally:
        connection.close()


def load(url: str, case: Case, clients: int, seconds: float, requests: int) -> Run:
    """`clients` threads sending `case` back to back, for at most `seconds` seconds and
    `requests` requests in all."""
    run, lock = Run(), threading.Lock()
    deadline = time.perf_counter() + seconds
    budget = iter(range(requests))

    def client() -> None:
        while time.perf_counter() < deadline:
            with lock:
                if next(budget, None) is None:
                    return
            elapsed, status, lines = fetch(url, case)
            with lock:
                run.latencies.append(elapsed * 1000)
                run.errors += status != 200
                run.rows += lines

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def workers_rss(master: int | None) -> int:
    """Resident memory (bytes) of the largest gunicorn worker of the master `master`."""
    if master is None:
        return 0
    largest = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(master):
            largest = max(largest, int(fields.get("VmRSS", "0 kB").split()[0]) * 1024)
    return largest


def with_peak_memory(master: int | None, work: Callable[[], Run]) -> Run:
    """Run `work` while sampling the workers' memory every 20 ms."""
    peak, done = [workers_rss(master)], threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak.append(workers_rss(master))

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        run = work()
    finally:
        done.set()
        sampler.join()
    run.peak_rss = max(peak)
    return run


# --- SQL ----------------------------------------------------------------------------------


def captured_sql(case: Case) -> list[str]:
    """The SQL the view runs for `case`, captured from an in-process request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1", headers=case.headers)
    if case.cached:
        client.get(case.path)  # the page is then in the cache, as on the server
    with CaptureQueriesContext(connection) as context:
        response = client.get(case.path)
        if response.streaming:
            for _ in response.streaming_content:
                pass
    assert response.status_code == 200, (case.path, response.status_code)
    return [query["sql"] for query in context.captured_queries if is_data_query(query["sql"])]


def is_data_query(sql: str) -> bool:
    # Transaction control and server-side cursor housekeeping are not the view's reads.
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def sql_milliseconds(statements: list[str], seconds: float, repeats: int) -> float:
    """The median time of running `statements` directly, fetching every row."""
    from django.db import connection

    timings: list[float] = []
    deadline = time.perf_counter() + seconds
    with connection.cursor() as cursor:
        while len(timings) < repeats and (not timings or time.perf_counter() < deadline):
            started = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


# --- the report ---------------------------------------------------------------------------


@dataclass
class Result:
    case: Case
    runs: dict[int, Run]
    sql_ms: float

    def ratio(self) -> float:
        return self.runs[1].percentile(50) / self.sql_ms if self.sql_ms else float("nan")


def measure(case: Case, args: argparse.Namespace) -> Result:
    fetch(args.url, case)  # warm up: plans, caches, the worker's connection
    runs = {}
    for clients in args.concurrency:
        if case.kind == "export":
            count = clients * args.export_requests
            runs[clients] = with_peak_memory(
                args.server_pid, lambda c=clients, n=count: load(args.url, case, c, 600, n)
            )
        else:
            runs[clients] = load(args.url, case, clients, args.seconds, args.requests)
    statements = captured_sql(case)
    return Result(case, runs, sql_milliseconds(statements, args.seconds, args.sql_repeats))


def latency_row(result: Result) -> str:
    cells = [result.case.name]
    for run in result.runs.values():
        cells += [
            f"{run.percentile(50):.1f}",
            f"{run.percentile(95):.1f}",
            f"{run.percentile(99):.1f}",
            f"{run.rate:.0f}",
        ]
    cells += [f"{result.sql_ms:.1f}", f"{result.ratio():.2f}", TARGETS[result.case.kind]]
    return "| " + " | ".join(cells) + " |"


def export_row(result: Result) -> str:
    cells = [result.case.name]
    for clients, run in result.runs.items():
        rate = (run.rows - len(run.latencies) * (result.case.accept == "text/csv")) / run.seconds
        cells += [
            f"{clients}",
            f"{run.rows // max(len(run.latencies), 1):,}",
            f"{run.percentile(50) / 1000:.2f}",
            f"{rate:,.0f}",
            f"{run.peak_rss / 2**20:.0f}",
        ]
    return "| " + " | ".join(cells) + " |"


def render(results: list[Result], args: argparse.Namespace, idle_rss: int) -> str:
    levels = args.concurrency
    head = ["request"]
    for c in levels:
        head += [f"c={c} p50", f"c={c} p95", f"c={c} p99", f"c={c} req/s"]
    head += ["SQL ms", "API/SQL (p50)", "target (ms)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += [latency_row(r) for r in results if r.case.kind != "export"]
    lines += ["", f"Exports (largest worker's memory idle: {idle_rss / 2**20:.0f} MiB):", ""]
    export_head = ["export"]
    for _ in levels:
        export_head += ["clients", "rows each", "p50 s", "rows/s (all clients)", "peak MiB"]
    lines += ["| " + " | ".join(export_head) + " |", "|" + "---|" * len(export_head)]
    lines += [export_row(r) for r in results if r.case.kind == "export"]
    errors = sum(run.errors for r in results for run in r.runs.values())
    lines += ["", f"Failed requests: {errors}."]
    return "\n".join(lines) + "\n"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--server-pid", type=int, help="gunicorn master, for worker memory")
    parser.add_argument("--seconds", type=float, default=10.0, help="per case and level")
    parser.add_argument("--requests", type=int, default=5_000, help="cap per case and level")
    parser.add_argument("--export-requests", type=int, default=2, help="per client")
    parser.add_argument("--sql-repeats", type=int, default=30)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--only", help="run only the cases whose name contains this")
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in LOOPBACK:
        parser.error("--url must be a loopback address (127.0.0.1, localhost or ::1).")
    return args


def main() -> int:
    args = arguments()
    setup_django()
    idle_rss = workers_rss(args.server_pid)
    results = []
    for case in suite(discover()):
        if args.only and args.only not in case.name:
            continue
        results.append(measure(case, args))
        print(latency_row(results[-1]) if case.kind != "export" else export_row(results[-1]))
    table = render(results, args, idle_rss)
    print(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    return 1 if "Failed requests: 0." not in table else 0


if __name__ == "__main__":
    sys.exit(main())
