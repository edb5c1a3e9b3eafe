#!/usr/bin/env python3
"""Where a fresh render's time goes, request by request of bench/run.py's suite.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1000000 \
        .venv/bin/python bench/render_cost.py [--requests 40] [--only NAME] [--profile]

In this process, through Django's test client (no HTTP server, no network), each
request of the suite (exports aside) is rendered fresh (`Cache-Control: no-cache`)
`--requests` times. Printed per request: the wall time, this process's processor time
(Python: Django, DRF, django-filter, psycopg's client side; on SQLite the database's
work too, as it runs in-process) and the time spent waiting on the database's queries
(Django's own measure of each execute). On PostgreSQL "processor" is the time outside
the database: what issue 16 asks to cut to a third. `--profile` adds, per request, the
processor time by package (a cProfile run on process time, its own overhead included in
proportion), so that the share of DRF, the filters, the ORM and the encoder shows.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py: the suite and its parameters)


def package_of(filename: str) -> str:
    """The installed package a profiled function belongs to (the folder under
    site-packages), the project's own, or the standard library and builtins."""
    _, installed, inside = filename.partition("site-packages/")
    if installed:
        return inside.split("/")[0]
    if f"{ROOT}/quotes/" in filename:
        return "quotes"
    return "python (standard library, builtins)"


def by_package(profile: cProfile.Profile) -> dict[str, float]:
    """Each package's own (not cumulative) processor seconds in the profile."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in pstats.Stats(profile).stats.items():  # type: ignore[attr-defined]
        totals[package_of(filename)] += own
    return dict(totals)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="renders per case")
    parser.add_argument("--only", help="only the cases whose name contains this")
    parser.add_argument("--profile", action="store_true", help="processor time by package")
    args = parser.parse_args()
    # Served as in production (DEBUG off: no query log), throttling and the shared cache
    # as bench/full's server has them.
    settings = {"DEBUG": "false", "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "false"}
    os.environ.update(settings | {"THROTTLE_ANON_RATE": "off", "CACHE_URL": "locmem://"})
    os.environ.setdefault("SECRET_KEY", "bench-render-cost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    cases = [c for c in run.suite(run.discover()) if c.kind != "export" and not c.cached]
    if args.only:
        cases = [c for c in cases if args.only in c.name]
    print(f"database: {connection.vendor}; {args.requests} fresh renders a case, in process\n")
    header = "| request | wall ms | processor ms | waiting on SQL ms | queries |"
    if args.profile:
        header += " processor ms by package (profiled) |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    failed = 0
    for case in cases:
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in case.headers.items()}
        for _ in range(3):  # warm: the first request of a process loads lexicons and caches
            response = client.get(case.path, **headers)
        if response.status_code != 200:
            print(f"| {case.name} | status {response.status_code} | | | |")
            failed += 1
            continue
        started, processor = time.perf_counter(), time.process_time()
        for _ in range(args.requests):
            client.get(case.path, **headers)
        cpu, wall = time.process_time() - processor, time.perf_counter() - started
        # Apart: capturing the queries wraps every cursor, which costs time of its own.
        with CaptureQueriesContext(connection) as captured:
            for _ in range(args.requests):
                client.get(case.path, **headers)
        sql = sum(float(q["time"]) for q in captured.captured_queries)
        queries = len(captured.captured_queries) // args.requests
        n = args.requests
        figures = [wall / n * 1e3, cpu / n * 1e3, sql / n * 1e3]
        row = f"| {case.name} | " + " | ".join(f"{ms:.2f}" for ms in figures) + f" | {queries} |"
        if args.profile:
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for _ in range(n):
                client.get(case.path, **headers)
            profile.disable()
            shares = sorted(by_package(profile).items(), key=lambda item: -item[1])
            row += (
                " "
                + ", ".join(f"{name} {seconds / n * 1e3:.2f}" for name, seconds in shares)
                + " |"
            )
        print(row)
    if failed:
        print(f"\n{failed} request(s) failed.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
