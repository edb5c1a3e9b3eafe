"""The read API side by side with Datasette over the same rows; writes a Markdown table.

    .venv/bin/python bench/vs_datasette.py build --out /tmp/vsd_N/db.db
    .venv/bin/python bench/vs_datasette.py run --pg URL --sqlite URL --datasette URL

`build` flattens the published statements of DATABASE_URL's database into one SQLite
table for Datasette (FTS5 over the texts, the indexes its filters need). `run` sends the
same logical requests to the project on PostgreSQL, the project on SQLite and Datasette,
interleaved round by round so that the machine's drift hits all three alike.
bench/vs-datasette does everything from an empty PostgreSQL server (bench/README.md).
"""

from __future__ import annotations

import argparse
import http.client
import json
import sqlite3
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/run.py: its load loop, its parameters and its Django setup.
import run as bench

COLUMNS = (
    "id",
    "text",
    "kind",
    "speaker",
    "speaker_name",
    "organization",
    "outlet",
    "speaker_title",
    "said_on",
    "said_on_precision",
    "said_year",
    "anonymous",
    "first_reported_on",
    "setting",
    "location",
)
SCHEMA = f"""
CREATE TABLE statements (
    id INTEGER PRIMARY KEY, text TEXT NOT NULL, kind TEXT NOT NULL, speaker TEXT,
    speaker_name TEXT, organization TEXT, outlet TEXT, speaker_title TEXT, said_on TEXT,
    said_on_precision TEXT, said_year INTEGER, anonymous INTEGER NOT NULL,
    first_reported_on TEXT, setting TEXT, location TEXT
);
-- The project's own SQLite tokenizer (quotes/search_index.py), over the texts alone.
CREATE VIRTUAL TABLE statements_fts USING fts5(
    text, content="statements", content_rowid="id",
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO statements ({", ".join(COLUMNS)}) SELECT * FROM staged;
INSERT INTO statements_fts (statements_fts) VALUES ('rebuild');
CREATE INDEX statements_speaker ON statements (speaker);
CREATE INDEX statements_said_on ON statements (said_on);
CREATE INDEX statements_speaker_said_on ON statements (speaker, said_on);
CREATE INDEX statements_kind_anonymous_said_on ON statements (kind, anonymous, said_on);
DROP TABLE staged;
ANALYZE;
"""

# --- the Datasette database --------------------------------------------------------------


def flat_rows() -> Iterator[tuple]:
    """The published statements, one flat row each, in id order. `outlet` is the outlet
    of the statement's first appearance: a flat row holds one (the project lists all)."""
    from django.db.models import OuterRef, Subquery

    from quotes.models import Appearance, Statement

    first = Appearance.objects.filter(statement=OuterRef("pk")).order_by("id")
    statements = (
        Statement.objects.published()
        .annotate(outlet_name=Subquery(first.values("source__outlet__name")[:1]))
        .order_by("id")
    )
    fields = ("id", "text", "kind", "speaker__slug", "speaker__name", "organization__name")
    rest = ("outlet_name", "speaker_title", "said_on", "said_on_precision")
    tail = ("anonymous", "first_reported_on", "setting", "location")
    for row in statements.values_list(*fields, *rest, *tail).iterator(chunk_size=10_000):
        said_on = row[8]
        yield (
            *row[:8],
            said_on and said_on.isoformat(),
            row[9],
            said_on and said_on.year,
            int(row[10]),
            row[11] and row[11].isoformat(),
            *row[12:],
        )


def build(path: Path) -> int:
    """Write Datasette's database to `path` (replacing it); returns its row count."""
    path.unlink(missing_ok=True)
    database = sqlite3.connect(path)
    try:
        marks = ", ".join("?" * len(COLUMNS))
        # Staged without indexes, then copied in id order: the table and FTS5 are built
        # once in bulk rather than row by row.
        database.execute(f"CREATE TABLE staged ({', '.join(COLUMNS)})")
        database.executemany(f"INSERT INTO staged VALUES ({marks})", flat_rows())
        database.executescript(SCHEMA)
        database.commit()
        return database.execute("SELECT count(*) FROM statements").fetchone()[0]
    finally:
        database.close()


# --- the suite ---------------------------------------------------------------------------


@dataclass
class Pair:
    """One logical request: the project's path and Datasette's."""

    name: str
    kind: str  # list, search, facets or export
    project: str
    datasette: str
    accept: str = "application/json"
    cached: bool = False

    def case(self, side: str) -> bench.Case:
        path = self.project if side == "project" else self.datasette
        return bench.Case(self.name, path, self.kind, self.accept, self.cached)


def parameters(statements: int) -> dict[str, str]:
    """Read from the PostgreSQL corpus as bench/run.py reads its own: the most frequent
    speaker, a statement of theirs, terms by rank in the word list, and the `said_after`
    that selects about 1 % of the statements for the CSV."""
    from django.db.models import Count

    from quotes.models import Statement

    published = Statement.objects.published().exclude(speaker=None)
    top = published.values("speaker__slug").annotate(n=Count("id"))
    speaker = top.order_by("-n", "speaker__slug")[0]["speaker__slug"]
    detail = published.filter(speaker__slug=speaker).order_by("id")[0].pk
    csv_rows = max(statements // 100, 10)
    return {
        "speaker": speaker,
        "detail": str(detail),
        "csv_rows": str(csv_rows),
        "csv_after": bench.said_after_for(csv_rows),
        **bench.search_terms(),
    }


def overlapping(said_after: str) -> dict[str, str]:
    """Datasette's filter for the project's `said_after` (quotes/filters.py): a month or
    a year overlaps when it starts within the period that holds the day. The plain
    `said_on__gte` of the year's start is implied by all three and lets the index help."""
    year, month = said_after[:4], said_after[:7]
    return {
        "said_on__gte": f"{year}-01-01",
        # Parenthesized: Datasette joins its conditions (and its CSV pages' keyset
        # condition) with AND, around which a bare OR would match far more.
        "_where": f"(said_on >= '{said_after}'"
        f" OR (said_on_precision = 'month' AND said_on >= '{month}-01')"
        f" OR (said_on_precision = 'year' AND said_on >= '{year}-01-01'))",
    }


def suite(p: dict[str, str]) -> list[Pair]:
    s, d = "/api/v1/statements/", "/db/statements"

    def ds(**params: str) -> str:  # newest first, as the project lists
        return f"{d}.json?" + urlencode({"_sort_desc": "said_on", "_shape": "objects"} | params)

    said = {"said_after": "2023-01-01", "said_before": "2023-03-31"}
    ds_said = {"said_on__gte": "2023-01-01", "said_on__lte": "2023-03-31"}
    facets = [("_facet", f) for f in ("speaker", "organization", "outlet", "kind", "said_year")]
    phrase = f'"{p["phrase"]}"'
    # In id order: Datasette 0.65.5 streams a CSV sorted with `_sort_desc` wrongly (past
    # its first 1,000 rows it repeats rows: 1,418 lines, 1,000 distinct ids, for 1,021).
    csv = overlapping(p["csv_after"])
    return [
        Pair("default list", "list", s, ds()),
        Pair("default list, page cache", "list", s, ds(), cached=True),
        Pair("top speaker", "list", bench.url(s, speaker=p["speaker"]), ds(speaker=p["speaker"])),
        Pair("date range", "list", bench.url(s, **said), ds(**ds_said)),
        Pair(
            "paraphrase + anonymous",
            "list",
            bench.url(s, kind="paraphrase", anonymous="true"),
            ds(kind="paraphrase", anonymous="1"),
        ),
        Pair(f"q rare ({p['rare']})", "search", bench.url(s, q=p["rare"]), ds(_search=p["rare"])),
        Pair(
            f"q medium ({p['medium']})",
            "search",
            bench.url(s, q=p["medium"]),
            ds(_search=p["medium"]),
        ),
        Pair(
            f"q very common ({p['common']})",
            "search",
            bench.url(s, q=p["common"]),
            ds(_search=p["common"]),
        ),
        # Raw mode: Datasette's default escaping quotes each word, an AND, not a phrase.
        Pair(
            f"phrase ({phrase})",
            "search",
            bench.url(s, q=phrase),
            ds(_search=phrase, _searchmode="raw"),
        ),
        Pair("facets", "facets", f"{s}facets/", f"{d}.json?" + urlencode([*facets, ("_size", 0)])),
        Pair(
            "statement detail",
            "list",
            f"{s}{p['detail']}/",
            f"{d}/{p['detail']}.json?_shape=objects",
        ),
        Pair(
            f"CSV (~{int(p['csv_rows']):,} rows)",
            "export",
            bench.url(s, said_after=p["csv_after"], format="csv"),
            f"{d}.csv?" + urlencode(csv | {"_size": "max", "_stream": "on"}),
            accept="text/csv",
        ),
    ]


# --- load, interleaved -------------------------------------------------------------------


@dataclass
class Target:
    name: str
    url: str
    side: str  # project or datasette


@dataclass
class Tally:
    """Every burst of one request at one concurrency against one target, merged."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0

    def add(self, run: bench.Run) -> None:
        self.latencies += run.latencies
        self.seconds += run.seconds
        self.errors += run.errors

    def percentile(self, p: float) -> float:
        return bench.Run(latencies=self.latencies).percentile(p)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


Tallies = dict[tuple[str, str, int], Tally]


def measure(pairs: list[Pair], targets: list[Target], args: argparse.Namespace) -> Tallies:
    """`args.rounds` rounds; in each, every request against every target (in an order
    that rotates by round) at every concurrency, for a small budget of requests."""
    tallies: Tallies = {}
    for pair in pairs:
        for target in targets:
            bench.fetch(target.url, pair.case(target.side))  # warm up: plans, caches
    for round_ in range(args.rounds):
        for pair in pairs:
            for i in range(len(targets)):
                target = targets[(i + round_) % len(targets)]
                for clients in args.concurrency:
                    budget = args.requests * clients if pair.kind != "export" else clients
                    run = bench.load(
                        target.url, pair.case(target.side), clients, args.seconds, budget
                    )
                    tallies.setdefault((pair.name, target.name, clients), Tally()).add(run)
        print(f"round {round_ + 1} of {args.rounds} done", flush=True)
    return tallies


# --- answers -----------------------------------------------------------------------------


def answer(target: Target, pair: Pair) -> tuple[str, list[int]]:
    """What one request answers: its count (as the server reports it) and first ids."""
    case = pair.case(target.side)
    parts = urlsplit(target.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    try:
        connection.request("GET", case.path, headers=case.headers)
        body = connection.getresponse().read()
    finally:
        connection.close()
    if pair.kind == "export":
        lines = body.count(b"\n") - 1  # less the header
        return f"{lines:,} rows", []
    data = json.loads(body)
    if target.side == "project":
        if pair.kind == "facets":
            return f"over newest {data['considered']:,}", []
        if "results" not in data:
            return "1 row", [data["id"]]
        exact = "" if data["count_is_exact"] else "≥ "
        return f"{exact}{data['count']:,}", [row["id"] for row in data["results"]]
    rows = data.get("rows", [])
    count = data.get("filtered_table_rows_count")
    if pair.kind == "facets":
        return f"over all {count:,}", []
    if count is None:
        return f"{len(rows)} row", [row["id"] for row in rows]
    return f"{count:,}", [row["id"] for row in rows]


def answers_table(pairs: list[Pair], targets: list[Target]) -> list[str]:
    head = ["request", *(f"{t.name} count" for t in targets), "same first page as PG"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for pair in pairs:
        if pair.cached:
            continue
        found = [answer(target, pair) for target in targets]
        same = ", ".join(
            f"{t.name}: {'yes' if ids == found[0][1] else 'no'}"
            for t, (_, ids) in zip(targets[1:], found[1:], strict=True)
            if found[0][1]
        )
        lines.append(f"| {pair.name} | " + " | ".join(c for c, _ in found) + f" | {same} |")
    return lines


# --- the report --------------------------------------------------------------------------


def cell(tally: Tally) -> str:
    return f"{tally.percentile(50):.1f} / {tally.percentile(95):.1f}"


def ratio(tallies: Tallies, pair: Pair, target: str, clients: int) -> float:
    ours = tallies[(pair.name, target, clients)].percentile(50)
    theirs = tallies[(pair.name, "Datasette", clients)].percentile(50)
    return ours / theirs if theirs else float("nan")


def results_table(pairs: list[Pair], targets: list[Target], tallies: Tallies) -> list[str]:
    low, high = min(tallies_levels(tallies)), max(tallies_levels(tallies))
    head = ["request", *(f"{t.name} p50 / p95" for t in targets), "ratio PG", "ratio SQLite"]
    head += [f"req/s c={low} (PG / SQLite / DS)", f"req/s c={high} (PG / SQLite / DS)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for pair in pairs:
        cells = [pair.name, *(cell(tallies[(pair.name, t.name, low)]) for t in targets)]
        cells += [f"{ratio(tallies, pair, t.name, low):.2f}" for t in targets[:2]]
        for clients in (low, high):
            rates = [tallies[(pair.name, t.name, clients)].rate for t in targets]
            cells.append(" / ".join(f"{rate:.0f}" for rate in rates))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def tallies_levels(tallies: Tallies) -> set[int]:
    return {clients for _, _, clients in tallies}


def verdicts(pairs: list[Pair], targets: list[Target], tallies: Tallies) -> list[str]:
    """The issue's targets, each met or missed, with the requests that miss."""
    low, high = min(tallies_levels(tallies)), max(tallies_levels(tallies))
    pg, lite = targets[0].name, targets[1].name
    fresh = [p for p in pairs if not p.cached]

    def missed(target: str, limit: float) -> list[str]:
        over = [(p.name, ratio(tallies, p, target, low)) for p in fresh]
        return [f"{name} {value:.2f}" for name, value in over if not value <= limit]

    slower = [
        p.name
        for p in fresh
        if tallies[(p.name, pg, high)].rate < tallies[(p.name, "Datasette", high)].rate
    ]
    cached = [p for p in pairs if p.cached]
    cache_p50 = tallies[(cached[0].name, pg, low)].percentile(50) if cached else float("nan")
    return [
        f"- PostgreSQL p50 ratio ≤ 1.0: {'; '.join(missed(pg, 1.0)) or 'met'}",
        f"- PostgreSQL req/s at {high} clients ≥ Datasette's: "
        f"{'missed on ' + '; '.join(slower) if slower else 'met'}",
        f"- SQLite p50 ratio ≤ 1.5: {'; '.join(missed(lite, 1.5)) or 'met'}",
        f"- page cache p50 ≤ 2 ms (PostgreSQL): {cache_p50:.1f} ms",
    ]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    builder = commands.add_parser("build", help="write Datasette's database")
    builder.add_argument("--out", type=Path, required=True)
    runner = commands.add_parser("run", help="measure the three servers")
    for name in ("--pg", "--sqlite", "--datasette"):
        runner.add_argument(name, required=True, help="base URL (loopback)")
    runner.add_argument("--statements", type=int, required=True)
    runner.add_argument("--rounds", type=int, default=5)
    runner.add_argument("--requests", type=int, default=20, help="per client, burst")
    runner.add_argument("--seconds", type=float, default=10.0, help="cap per burst")
    runner.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    runner.add_argument("--out", type=Path, help="also write the tables here")
    args = parser.parse_args()
    if args.command == "run":
        for base in (args.pg, args.sqlite, args.datasette):
            if urlsplit(base).hostname not in bench.LOOPBACK:
                parser.error(f"{base} is not a loopback address.")
    return args


def main() -> int:
    args = arguments()
    bench.setup_django()
    if args.command == "build":
        print(f"{build(args.out):,} rows in {args.out}")
        return 0
    targets = [
        Target("project PG", args.pg, "project"),
        Target("project SQLite", args.sqlite, "project"),
        Target("Datasette", args.datasette, "datasette"),
    ]
    pairs = suite(parameters(args.statements))
    answers = answers_table(pairs, targets)
    tallies = measure(pairs, targets, args)
    errors = sum(t.errors for t in tallies.values())
    medians = statistics.median(len(t.latencies) for t in tallies.values())
    report = [
        *results_table(pairs, targets, tallies),
        "",
        f"Requests per cell (median): {medians:.0f}; failed requests: {errors}.",
        "",
        *verdicts(pairs, targets, tallies),
        "",
        "What each answered (one request each):",
        "",
        *answers,
    ]
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
