#!/usr/bin/env python3
"""How often intake's statement matching finds the statement a wording repeats, and
what it costs, on a generated archive.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1000000 \
        .venv/bin/python bench/matching.py [--statements 300] [--paired 3 6]

Takes `--statements` published statements of the archive at random (seed 7; ten words
or more) and makes, from each, the wordings another outlet might print: the whole text,
two words left out, the first 70 % of it, one word replaced by a word of another
statement, two words of another statement added, and two made-up words. Each wording is matched as
quotes.intake.matching.repeated_statements matches an article's candidates (20 at a
time); found means the match is the statement, or one with the same text. Printed per
value of `--paired` (the rarest words whose pairs are searched): the share found for
each kind of wording and in all, and the milliseconds per wording (this process and
the database together).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class Wording:
    """What repeated_statements reads of a candidate: its text, no quoted parts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.quotes: list[Any] = []


def variants(text: str, other: list[str], rng: random.Random) -> dict[str, str]:
    words = text.split()
    shorter = words[:]
    for _ in range(2):
        shorter.pop(rng.randrange(1, len(shorter) - 1))
    replaced = words[:]
    replaced[rng.randrange(1, len(words) - 1)] = rng.choice(other)
    added = words[:]
    for _ in range(2):
        added.insert(rng.randrange(1, len(added)), rng.choice(other))
    unknown = words[:]
    for _ in range(2):  # words no statement holds: a name new to the archive, a typo
        made_up = "zq" + "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(6))
        unknown.insert(rng.randrange(1, len(unknown)), made_up)
    return {
        "whole": text,
        "two words out": " ".join(shorter),
        "first 70 %": " ".join(words[: int(len(words) * 0.7)]),
        "a word replaced": " ".join(replaced),
        "two words added": " ".join(added),
        "two unknown words added": " ".join(unknown),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=300)
    parser.add_argument("--paired", type=int, nargs="+", default=[3])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from quotes.intake import matching
    from quotes.models import Statement

    rng = random.Random(7)
    last = Statement.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [rng.randrange(1, last + 1) for _ in range(args.statements * 2)]
    rows = [
        (pk, text)
        for pk, text in Statement.objects.published().filter(pk__in=ids).values_list("pk", "text")
        if len(text.split()) >= 10
    ][: args.statements]
    pool = [word for _, text in rows for word in text.split()]
    cases = [
        (kind, wording, pk, text)
        for pk, text in rows
        for kind, wording in variants(text, rng.sample(pool, 20), rng).items()
    ]
    print(f"database: {connection.vendor}; {len(rows)} statements, {len(cases)} wordings\n")
    print(
        "| paired | "
        + " | ".join(variants("a b c d e f g h i j", ["x"], rng))
        + " | all | ms a wording |"
    )
    print("|---" * 9 + "|")
    for paired in args.paired:
        matching.PAIRED = paired
        items = [Wording(wording) for _, wording, _, _ in cases]
        matching.repeated_statements(items[:5])  # warm: statistics and normal forms
        started = time.perf_counter()
        found = []
        for at in range(0, len(items), 20):
            found += matching.repeated_statements(items[at : at + 20])
        elapsed = time.perf_counter() - started
        matched = {m.statement_id for m in found if m}
        texts = dict(Statement.objects.filter(pk__in=matched).values_list("pk", "text"))
        hits: dict[str, list[bool]] = defaultdict(list)
        for match, (kind, _, pk, text) in zip(found, cases, strict=True):
            hits[kind].append(
                bool(match and (match.statement_id == pk or texts[match.statement_id] == text))
            )
        shares = [sum(h) / len(h) for h in hits.values()]
        everything = sum(sum(h) for h in hits.values()) / len(cases)
        cells = " | ".join(f"{share:.1%}" for share in shares)
        print(f"| {paired} | {cells} | {everything:.1%} | {elapsed / len(cases) * 1e3:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
