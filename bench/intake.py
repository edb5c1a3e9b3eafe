#!/usr/bin/env python3
"""Article intake, measured.

    .venv/bin/python bench/intake.py seed     # seed articles accepted unchanged vs the fixture
    DATABASE_URL=postgres://…/bench_100000 .venv/bin/python bench/intake.py speed [--batch 1000]

`seed` imports each of the four seed articles from a local HTTP server, as text and as
HTML (a page made of the article's own lines), into a fresh SQLite database holding the
seed fixture's speakers, organizations and roles (not its sources or statements), accepts
every candidate unchanged, and compares the result with the curated fixture: how many
of its statements and appearances came out exactly, how many would need an edit (and
which fields), which are missing, and how many candidates were not statements at all.

`speed` measures on the database DATABASE_URL names (a `generate_corpus` archive):
importing one article of about 1,000 words from a local server (fetch, extraction,
speaker resolution, matching against existing statements, the write), the admin's review
page of a source with 50 candidates, and `import_articles` on `--batch` articles
(PolNeAR texts from ../shared/polnear, made distinct). It removes what it imported.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "seed.json"
REFERENCE_MODELS = {"quotes.organization", "quotes.speaker", "quotes.affiliation", "quotes.topic"}
POLNEAR = ROOT.parent / "shared" / "polnear"
_SEED_LINE = re.compile(r"^\s*</?[A-Z_]+>\s*$")
_SEED_TAGGED = re.compile(r"<(TITLE|URL|PUBLISHED_DATE|AUTHOR)>(.*?)</\1>", re.S)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- a local server -----------------------------------------------------------------


class Server:
    """Serves given pages on 127.0.0.1 (nothing else is ever requested)."""

    def __init__(self) -> None:
        pages: dict[str, tuple[str, bytes]] = {}
        self.pages = pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                content_type, body = pages.get(self.path, ("text/plain", b""))
                self.send_response(200 if self.path in pages else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, path: str, body: str, content_type: str) -> str:
        self.pages[path] = (f"{content_type}; charset=utf-8", body.encode("utf-8"))
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- the seed articles --------------------------------------------------------------


def fixture() -> list[dict[str, Any]]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def seed_sources() -> dict[int, dict[str, Any]]:
    return {r["pk"]: r["fields"] for r in fixture() if r["model"] == "quotes.source"}


def load_reference_data() -> None:
    """The fixture's speakers, organizations, roles and topics: what a curator's
    database knows before importing the articles."""
    from django.core import serializers

    rows = [r for r in fixture() if r["model"] in REFERENCE_MODELS]
    for obj in serializers.deserialize("json", json.dumps(rows), handle_forward_references=True):
        obj.save()


def seed_html(text: str) -> str:
    """A web page of the article: its title, metadata the seed format gives (date,
    authors, URL) in the head, and each line of prose a paragraph."""
    tags = {name: " ".join(value.split()) for name, value in _SEED_TAGGED.findall(text)}
    prose = _SEED_TAGGED.sub("", text)
    lines = [
        line.strip() for line in prose.splitlines() if line.strip() and not _SEED_LINE.match(line)
    ]
    title = tags.get("TITLE") or lines.pop(0)
    head = [f"<title>{escape(title)}</title>"]
    if "AUTHOR" in tags:
        head.append(f'<meta name="author" content="{escape(tags["AUTHOR"])}">')
    if "PUBLISHED_DATE" in tags:
        head.append(f'<meta property="article:published_time" content="{tags["PUBLISHED_DATE"]}">')
    if "URL" in tags:
        head.append(f'<link rel="canonical" href="{escape(tags["URL"])}">')
    body = "\n".join(f"<p>{escape(line)}</p>" for line in lines)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">{"".join(head)}</head>'
        f"<body><article><h1>{escape(title)}</h1>\n{body}\n</article></body></html>"
    )


def import_and_accept(form: str, serve: Any, by: Any) -> dict[int, int]:
    """Import each seed article from the server (as text or HTML) and accept each of
    its candidates unchanged, in reading order. Returns fixture source id → source id,
    and counts the accepts refused (no speaker found) on the side."""
    from quotes import services
    from quotes.intake import inputs

    produced, refused = {}, Counter()
    for pk, fields in sorted(seed_sources().items()):
        body, content_type = (
            (fields["text"], "text/plain")
            if form == "text"
            else (seed_html(fields["text"]), "text/html")
        )
        url = serve(f"/seed-{pk}.{'txt' if form == 'text' else 'html'}", body, content_type)
        outcome = services.source_import(article=inputs.from_url(url), by=by)
        produced[pk] = outcome.source.pk
        for candidate in outcome.source.candidates.order_by("start", "end"):
            try:
                services.candidate_accept(candidate=candidate, by=by)
            except Exception as error:  # counted: a refusal is a candidate needing an edit
                refused[type(error).__name__] += 1
    import_and_accept.refused = refused
    return produced


# --- comparing with the fixture ---------------------------------------------------


@dataclass
class Report:
    form: str
    statements: Counter = field(default_factory=Counter)  # exact / edit / missing
    appearances: Counter = field(default_factory=Counter)
    edited_fields: Counter = field(default_factory=Counter)
    extra: int = 0  # accepted candidates that are no statement of the fixture
    refused: Counter = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        def counts(c: Counter) -> str:
            total = sum(c.values())
            return (
                f"{c['exact']} exact, {c['edit']} need an edit, {c['missing']} missing (of {total})"
            )

        fields = ", ".join(f"{name} {n}" for name, n in self.edited_fields.most_common()) or "none"
        return [
            f"as {self.form}:",
            f"  statements:  {counts(self.statements)}",
            f"  appearances: {counts(self.appearances)}; edits needed: {fields}",
            f"  candidates accepted that are no statement of the fixture: {self.extra}",
            f"  accepts refused (no speaker found: an edit needed): {sum(self.refused.values())}",
            *(f"  missing: {line}" for line in self.missing),
        ]


def _words(text: str) -> str:
    return " ".join(text.split())


def _same_speaker(
    fixture_statement: dict, statement: Any, speakers: dict, organizations: dict
) -> bool:
    slug = fixture_statement["speaker"][0] if fixture_statement["speaker"] else None
    if slug is None:
        wanted = fixture_statement["organization"][0] if fixture_statement["organization"] else None
        organization = statement.organization
        return (
            statement.speaker_id is None
            and organization is not None
            and wanted
            in (
                organization.slug,
                organization.parent.slug if organization.parent_id else None,
            )
        )
    if statement.speaker is None:
        return False
    known = speakers[slug]
    if not known["is_anonymous"]:
        return statement.speaker.slug == slug
    head = known["name"].lower().split()[-1].rstrip("s")
    return statement.speaker.is_anonymous and head in statement.speaker.name.lower()


def _where(
    fixture_appearances: list[dict], text: str, form: str
) -> dict[int, tuple[int, int] | None]:
    """Each fixture appearance's span in the produced text: the same offset as text; as
    HTML, the n-th occurrence of its wording for the n-th appearance with that wording."""
    from quotes.models import locate_wording, wording_matches

    spans: dict[int, tuple[int, int] | None] = {}
    taken: dict[str, int] = {}
    for a in sorted(fixture_appearances, key=lambda a: a["fields"]["offset"]):
        wording, offset = a["fields"]["quoted_text"], a["fields"]["offset"]
        if form == "text":
            found = offset if wording_matches(text, offset, wording) else None
        else:
            found = locate_wording(text, wording, taken.get(_words(wording), 0))
            if found is not None:
                taken[_words(wording)] = found + 1
        spans[a["pk"]] = (found, found + len(wording)) if found is not None else None
    return spans


def compare(form: str, produced: dict[int, int]) -> Report:
    """The produced statements and appearances against the fixture's."""
    from quotes.models import Appearance, Source

    rows = fixture()
    speakers = {r["fields"]["slug"]: r["fields"] for r in rows if r["model"] == "quotes.speaker"}
    statements = {r["pk"]: r["fields"] for r in rows if r["model"] == "quotes.statement"}
    report = Report(form, refused=getattr(import_and_accept, "refused", Counter()))
    outcome: dict[int, list[tuple[str, int | None]]] = {pk: [] for pk in statements}
    used: set[int] = set()
    for fixture_source, source_id in produced.items():
        text = Source.objects.get(pk=source_id).text
        mine = list(
            Appearance.objects.filter(source_id=source_id).select_related(
                "statement__speaker", "statement__organization__parent", "via"
            )
        )
        expected = [
            r
            for r in rows
            if r["model"] == "quotes.appearance" and r["fields"]["source"] == fixture_source
        ]
        spans = _where(expected, text, form)
        for a in expected:
            verdict, statement_id = _judge(
                a, spans[a["pk"]], mine, statements, speakers, report, used
            )
            report.appearances[verdict] += 1
            outcome[a["fields"]["statement"]].append((verdict, statement_id))
            if verdict == "missing":
                report.missing.append(
                    f"source {fixture_source}: {_words(a['fields']['quoted_text'])[:60]}"
                )
        report.extra += sum(1 for m in mine if m.pk not in used)
    for verdicts in outcome.values():
        together = len({statement_id for _, statement_id in verdicts}) == 1
        if all(v == "exact" for v, _ in verdicts) and together:
            report.statements["exact"] += 1
        elif all(v == "missing" for v, _ in verdicts):
            report.statements["missing"] += 1
        else:
            report.statements["edit"] += 1
    return report


def _judge(a, span, mine, statements, speakers, report, used) -> tuple[str, int | None]:
    if span is None:
        return "missing", None
    lo, hi = span
    overlapping = [m for m in mine if m.offset < hi and lo < m.end_offset]
    if not overlapping:
        return "missing", None
    wanted = statements[a["fields"]["statement"]]
    best, best_diffs = None, None
    for m in overlapping:
        diffs = []
        if (m.offset, _words(m.quoted_text)) != (lo, _words(a["fields"]["quoted_text"])):
            diffs.append("span")
        if m.statement.kind != wanted["kind"]:
            diffs.append("kind")
        if not _same_speaker(wanted, m.statement, speakers, {}):
            diffs.append("speaker")
        via = a["fields"]["via"][0] if a["fields"]["via"] else None
        if (m.via.slug if m.via_id else None) != via:
            diffs.append("via")
        if best_diffs is None or len(diffs) < len(best_diffs):
            best, best_diffs = m, diffs
    used.update(m.pk for m in overlapping)
    report.edited_fields.update(best_diffs)
    return ("exact" if not best_diffs else "edit"), best.statement_id


def seed_run(form: str) -> Report:
    """In a migrated, empty database: the reference data, the imports, the comparison."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    settings.INTAKE_ALLOW_PRIVATE_URLS = True  # the articles come from 127.0.0.1
    load_reference_data()
    by = get_user_model().objects.create(username="bench-curator", is_staff=True, is_superuser=True)
    server = Server()
    try:
        produced = import_and_accept(form, server.serve, by)
    finally:
        server.stop()
    return compare(form, produced)


# --- speed ------------------------------------------------------------------------


def words_of_corpus(limit: int = 3000) -> list[str]:
    lines = (ROOT / "quotes" / "data" / "english_word_frequencies.tsv").read_text().splitlines()
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")][:limit]


def synthetic_article(nonce: str, quotes: int, words: int = 1000) -> str:
    """A news article of about `words` words: a title, prose, and `quotes` attributed
    remarks by named people and unnamed officials, one repeating an archive statement."""
    import random

    from quotes.models import Speaker, Statement

    rng = random.Random(nonce)
    vocabulary = words_of_corpus()
    names = list(
        Speaker.objects.filter(is_anonymous=False)
        .order_by("id")
        .values_list("name", flat=True)[:200]
    ) or ["Jane Porter"]
    repeated = (
        Statement.objects.order_by("-id").values_list("text", flat=True).first()
        or "We will not back down."
    )

    def sentence(n: int) -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(n)).capitalize()

    paragraphs = [f"Report {nonce}: {sentence(8)}"]
    for i in range(quotes):
        who = rng.choice(names) if i % 3 else "a senior official"
        remark = repeated.rstrip(".") if i == 1 else sentence(rng.randint(10, 18))
        paragraphs.append(f"“{remark},” {who} said on Tuesday. {sentence(rng.randint(8, 14))}.")
    while len(" ".join(paragraphs).split()) < words:
        paragraphs.append(sentence(rng.randint(15, 25)) + ".")
    return "\n\n".join(paragraphs) + "\n"


def timed(call: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def thousand_word_articles(count: int) -> list[str]:
    """Real news of 900 to 1,100 words (PolNeAR dev texts), made distinct by a first
    line; synthetic ones where ../shared/polnear is absent."""
    nonce = str(time.time_ns())
    texts = []
    for path in sorted((POLNEAR / "dev" / "text").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if 900 <= len(text.split()) <= 1100:
            texts.append(f"Report {nonce}-{len(texts)}\n\n{text}")
        if len(texts) == count:
            return texts
    return texts + [synthetic_article(f"{nonce}-{i}", quotes=20) for i in range(count - len(texts))]


def speed_import_one(server: Server, by: Any) -> dict[str, float]:
    """Seconds to import one ~1,000-word article by URL: the first (model and gazetteer
    loaded) and the median of five more."""
    from quotes import services
    from quotes.intake import inputs

    sources, candidates, seconds = [], [], []
    for i, text in enumerate(thousand_word_articles(6)):
        url = server.serve(f"/one-{time.time_ns()}-{i}.txt", text, "text/plain")
        took, outcome = timed(
            lambda url=url: services.source_import(article=inputs.from_url(url), by=by)
        )
        sources.append(outcome.source.pk)
        candidates.append(outcome.proposed)
        seconds.append(took)
    return {
        "first": seconds[0],
        "median": statistics.median(seconds[1:]),
        "max": max(seconds[1:]),
        "candidates": statistics.median(candidates),
        "sources": sources,
    }


def speed_review_page(server: Server, by: Any) -> dict[str, float]:
    """Milliseconds to render the admin's review page of a source with 50 candidates."""
    from django.test import Client

    from quotes import services
    from quotes.intake import inputs

    nonce = f"review-{time.time_ns()}"
    url = server.serve(
        f"/{nonce}.txt", synthetic_article(nonce, quotes=50, words=1500), "text/plain"
    )
    source = services.source_import(article=inputs.from_url(url), by=by).source
    client = Client()
    client.force_login(by)
    page = f"/admin/quotes/candidate/source/{source.pk}/"
    assert client.get(page).status_code == 200
    times = [timed(lambda: client.get(page))[0] * 1000 for _ in range(20)]
    return {
        "candidates": source.candidates.count(),
        "median_ms": statistics.median(times),
        "p95_ms": sorted(times)[18],
        "sources": [source.pk],
    }


def batch_articles(folder: Path, count: int) -> None:
    """`count` distinct news articles: PolNeAR texts (train and dev), cycled with a
    numbered first line, or synthetic ones where ../shared/polnear is absent."""
    texts = sorted((POLNEAR / "train" / "text").glob("*.txt")) + sorted(
        (POLNEAR / "dev" / "text").glob("*.txt")
    )
    nonce = str(time.time_ns())
    for i in range(count):
        if texts:
            body = texts[i % len(texts)].read_text(encoding="utf-8")
            text = f"Batch {nonce} article {i}\n\n{body}"
        else:
            text = synthetic_article(f"{nonce}-{i}", quotes=15, words=700)
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")


class BackendTimes:
    """PostgreSQL's processor time for the connections named `name` (application_name),
    read from /proc while they live (the server is on this machine); 0 where /proc
    cannot show them."""

    def __init__(self, name: str) -> None:
        self.name, self.seen, self.done = name, {}, threading.Event()
        self.tick = os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> BackendTimes:
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())

    def watch(self) -> None:
        from django.db import connections

        with connections["default"].cursor() as cursor:
            while not self.done.wait(0.2):
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.name]
                )
                for (pid,) in cursor.fetchall():
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    used = (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime
                    self.seen[pid] = max(self.seen.get(pid, 0.0), used)


def speed_batch(count: int, processes: int) -> dict[str, float]:
    from quotes.models import Source

    before = Source.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with tempfile.TemporaryDirectory() as tmp:
        batch_articles(Path(tmp), count)
        words = sum(len(p.read_text().split()) for p in Path(tmp).glob("*.txt"))
        command = [
            sys.executable,
            str(ROOT / "manage.py"),
            "import_articles",
            tmp,
            "--processes",
            str(processes),
        ]
        name = f"intake-bench-{time.time_ns()}"
        env = dict(os.environ, PGAPPNAME=name)  # libpq names every connection of the run
        before_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        with BackendTimes(name) as backends:
            seconds, done = timed(
                lambda: subprocess.run(command, capture_output=True, text=True, env=env)
            )
        after_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The command's and its workers' processor time (not PostgreSQL's): what the rate
    # would be on two cores of its own, where the machine is shared.
    cpu = (after_cpu.ru_utime + after_cpu.ru_stime) - (before_cpu.ru_utime + before_cpu.ru_stime)
    if done.returncode != 0:
        sys.exit(f"import_articles failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    created = list(Source.objects.filter(pk__gt=before).values_list("pk", flat=True))
    return {
        "articles": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "words": words / count,
        "summary": done.stdout.strip().splitlines()[-1],
        "cpu_per_article": cpu / count,
        "database_cpu_per_article": backends.seconds / count,
        "sources": created,
    }


def remove_sources(ids: list[int]) -> None:
    """Take out what the benchmark imported: its sources, their candidates, and the
    draft statements accepted from them (none: speed runs accept nothing)."""
    from quotes.models import Revision, Source

    Revision.objects.filter(content_type__model="source", object_id__in=ids).delete()
    Source.objects.filter(pk__in=ids).delete()


def speed(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from quotes.models import Statement

    settings.INTAKE_ALLOW_PRIVATE_URLS = True
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    by, _ = get_user_model().objects.get_or_create(
        username="bench-intake", defaults={"is_staff": True, "is_superuser": True}
    )
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine}, {Statement.objects.count():,} statements")
    server, made = Server(), []
    try:
        one = speed_import_one(server, by)
        made += one.pop("sources")
        print(
            f"import one ~1,000-word article by URL ({one['candidates']:.0f} candidates): "
            f"first {one['first']:.2f} s (model and gazetteer loaded), then median "
            f"{one['median']:.2f} s, max {one['max']:.2f} s (target ≤ 2 s)"
        )
        page = speed_review_page(server, by)
        made += page.pop("sources")
        print(
            f"review page of a source with {page['candidates']} candidates: median "
            f"{page['median_ms']:.0f} ms, p95 {page['p95_ms']:.0f} ms (target ≤ 300 ms)"
        )
        if args.batch:
            run = speed_batch(args.batch, args.processes)
            made += run.pop("sources")
            print(
                f"import_articles on {run['articles']:,} articles (~{run['words']:.0f} words, "
                f"{args.processes} processes): {run['seconds']:.1f} s, "
                f"{run['per_second']:.2f} articles/s (target ≥ 5); "
                f"{run['cpu_per_article']:.2f} processor-seconds an article (Python processes)"
                f" + {run['database_cpu_per_article']:.2f} (PostgreSQL's, its connections)"
                f"\n  {run['summary']}"
            )
    finally:
        server.stop()
        if not args.keep:
            remove_sources(made)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help="the seed articles accepted unchanged, vs the fixture")
    run = commands.add_parser("seed-run", help=argparse.SUPPRESS)
    run.add_argument("--form", choices=["text", "html"], required=True)
    timing = commands.add_parser("speed", help="import, review page and batch timings")
    timing.add_argument(
        "--batch", type=int, default=0, help="articles for import_articles (0: skip)"
    )
    timing.add_argument("--processes", type=int, default=2)
    timing.add_argument("--keep", action="store_true", help="keep what was imported")
    args = parser.parse_args()
    if args.command == "seed":
        for form in ("text", "html"):
            with tempfile.TemporaryDirectory() as tmp:
                env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/seed.sqlite3")
                subprocess.run(
                    [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True
                )
                subprocess.run(
                    [sys.executable, __file__, "seed-run", "--form", form], env=env, check=True
                )
        return
    setup_django()
    if args.command == "seed-run":
        print("\n".join(seed_run(args.form).lines()))
    else:
        speed(args)


if __name__ == "__main__":
    main()
