"""Benchmark the public site's pages: the search page, its counts, a statement and a
speaker page, each rendered afresh and repeated from the page cache; writes a Markdown
table.

The search page's facet counts load in a request of their own (/search/facets/, which
htmx sends once the page is in): each search is measured twice, the page and then its
counts as htmx asks for them (HX-Request, HX-Target: search-facets), so that the table
shows what the counts cost a reader rather than leaving them out.

On a generated corpus (bench/full N makes the database bench_N once and reuses it):

    bench/full 100000 --only "topic list" --seconds 1    # only if bench_100000 is missing
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100000 \\
        .venv/bin/python bench/site.py --serve --out bench/site-100000.md

--serve starts scripts/serve-production on 127.0.0.1:$BENCH_PORT (8791) as bench/full
does (throttling off) and stops it afterwards; without it, --url names a server already
running on DATABASE_URL. DATABASE_URL is read for the pages to ask for (the speaker with
most statements, that speaker's first statement, a medium and a common search word),
chosen as bench/run.py chooses them. "afresh" requests send Cache-Control: no-cache,
which the site's page cache (quotes/site/cache.py) answers by rendering, as it does a
browser's forced reload; "cached" ones send nothing, after requests have filled the
cache of every worker (each keeps its own: the run first repeats the request until ten
answers in a row are hits, and stops if they never are). p50/p95/p99 in ms and
requests per second, at each --concurrency; each case for at most --seconds or
--requests. Only loopback URLs are accepted; every loop is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BENCH = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
bench = importlib.util.module_from_spec(spec)
sys.modules["bench_run"] = bench  # dataclasses look their module up
spec.loader.exec_module(bench)

CACHE_HEADER = "X-Page-Cache"  # quotes.api.pagecache.HEADER, without importing Django


# What htmx sends for the search page's counts region (quotes/site/views.FACETS_TARGET).
HTMX_COUNTS = {"HX-Request": "true", "HX-Target": "search-facets"}


@dataclass
class Page:
    name: str
    path: str
    extra_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SiteCase(bench.Case):
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return super().headers | self.extra_headers


def pages(p: dict[str, str]) -> list[Page]:
    searches = [
        ("no words", {}),
        (f"medium word ({p['medium']})", {"q": p["medium"]}),
        (f"common word ({p['common']})", {"q": p["common"]}),
        ("speaker filter", {"speaker": p["speaker"]}),
    ]
    found = []
    for name, query in searches:
        tail = f"?{urlencode(query)}" if query else ""
        found.append(Page(f"search page, {name}", f"/{tail}"))
        found.append(Page(f"its counts (htmx), {name}", f"/search/facets/{tail}", HTMX_COUNTS))
    return [
        *found,
        Page("statement page", f"/statements/{p['detail']}/"),
        Page(f"speaker page ({p['speaker']})", f"/speakers/{p['speaker']}/"),
    ]


def discover() -> dict[str, str]:
    """bench/run.py's parameters that the site's pages take."""
    found = bench.discover()
    return {key: found[key] for key in ("speaker", "detail", "medium", "common")}


def case(page: Page, cached: bool) -> bench.Case:
    return SiteCase(
        page.name, page.path, "list", "text/html", cached, extra_headers=page.extra_headers
    )


def cache_state(url: str, c: bench.Case) -> str:
    """The page cache's header on one response to `c` ("hit", "miss" or none)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
    try:
        connection.request("GET", c.path, headers=c.headers)
        with connection.getresponse() as response:
            response.read()
            assert response.status == 200, (c.path, response.status)
            return response.getheader(CACHE_HEADER) or "none"
    finally:
        connection.close()


def warm(url: str, c: bench.Case) -> None:
    """Requests `c` until ten answers in a row come from the page cache, which each
    worker process keeps for itself; a fresh request must never come from it."""
    in_a_row = 0
    for _ in range(200):  # bounded; a handful of workers fill their caches in far fewer
        state = cache_state(url, c)
        if not c.cached:
            if state == "hit":
                raise SystemExit(f"{c.path}: a no-cache request was answered from the cache.")
            return
        in_a_row = in_a_row + 1 if state == "hit" else 0
        if in_a_row == 10:
            return
    raise SystemExit(f"{c.path}: repeated requests were not answered from the page cache.")


def measure(page: Page, args: argparse.Namespace) -> list[str]:
    """The table rows of `page`: afresh, then cached."""
    rows = []
    for cached in (False, True):
        c = case(page, cached)
        warm(args.url, c)
        runs = [bench.load(args.url, c, n, args.seconds, args.requests) for n in args.concurrency]
        cells = [page.name, "cached" if cached else "afresh"]
        for run in runs:
            cells += [f"{run.percentile(q):.1f}" for q in (50, 95, 99)] + [f"{run.rate:.0f}"]
        cells.append(str(sum(run.errors for run in runs)))
        rows.append("| " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    return rows


def header(levels: list[int]) -> list[str]:
    head = ["page", "rendered"]
    for c in levels:
        head += [f"c={c} p50", f"c={c} p95", f"c={c} p99", f"c={c} req/s"]
    head.append("failed")
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def served(port: int, environment: dict[str, str]) -> Iterator[str]:
    """scripts/serve-production on 127.0.0.1:`port`, as bench/full starts it."""
    if listening(port):
        raise SystemExit(f"error: something already listens on 127.0.0.1:{port} (BENCH_PORT).")
    env = environment | {
        "SECRET_KEY": f"bench-site-{time.time()}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "THROTTLE_ANON_RATE": "off",
        "ADDRESS": f"127.0.0.1:{port}",
    }
    server = subprocess.Popen([str(BENCH.parent / "scripts" / "serve-production")], env=env)
    try:
        for _ in range(120):  # bounded: a minute for collectstatic and the workers
            if listening(port) or server.poll() is not None:
                break
            time.sleep(0.5)
        if not listening(port):
            raise SystemExit("error: the server did not start.")
        time.sleep(2)  # the workers boot after the master listens
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=60)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--serve", action="store_true", help="start and stop a server")
    parser.add_argument("--seconds", type=float, default=10.0, help="per case and level")
    parser.add_argument("--requests", type=int, default=2_000, help="cap per case and level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in bench.LOOPBACK:
        parser.error("--url must be a loopback address (127.0.0.1, localhost or ::1).")
    return args


def run(args: argparse.Namespace) -> str:
    lines = header(args.concurrency)
    for page in pages(discover()):
        lines += measure(page, args)
    return "\n".join(lines) + "\n"


def main() -> int:
    args = arguments()
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("error: set DATABASE_URL to the served corpus's database.")
    # The server gets this environment, not the in-process one setup_django() makes
    # (DEBUG on, caches in memory).
    environment = dict(os.environ)
    bench.setup_django()
    if args.serve:
        with served(int(os.environ.get("BENCH_PORT", "8791")), environment) as args.url:
            table = run(args)
    else:
        table = run(args)
    print(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    failed = [line for line in table.splitlines()[2:] if not line.endswith("| 0 |")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
