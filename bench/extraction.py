#!/usr/bin/env python3
"""Benchmark the quote extractor on the PolNeAR dev split (or train) with the shared scorer.

    .venv/bin/python bench/extraction.py                 # dev split
    .venv/bin/python bench/extraction.py --split train

Runs `manage.py extract_quotes --format jsonl` once over every article of the split (the
interface the evaluation uses), so the wall time includes start-up: Python, Django and
the spaCy model. Then scores the predictions with ../shared/eval/score_extraction.py and
prints quoted@0.3, quoted@0.8, all@0.3 and all@0.8 precision, recall, F1 and speaker
accuracy, the wall time and the words per second. The database is an empty SQLite file,
so the figures measure the extractor alone (no gazetteer).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import polnear  # noqa: E402

SCORER = ROOT.parent / "shared" / "eval" / "score_extraction.py"
SUBSETS = ("quoted@0.3", "quoted@0.8", "all@0.3", "all@0.8")


def run_extractor(paths: list[Path], predictions: Path, workdir: Path) -> float:
    """Seconds of wall time for one extract_quotes run over `paths`."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{workdir / 'empty.sqlite3'}")
    command = [sys.executable, str(ROOT / "manage.py"), "extract_quotes", "--format", "jsonl"]
    started = time.monotonic()
    with predictions.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [*command, *map(str, paths)], stdout=out, stderr=subprocess.PIPE, text=True, env=env
        )
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"extract_quotes failed:\n{done.stderr}")
    return elapsed


def gold_dir(split: str, workdir: Path) -> Path:
    """The split as the scorer reads it. One train annotation has a surface text broken
    over two lines, which the scorer cannot read: the train split is scored from a
    temporary copy of its annotations with that line joined (texts are linked)."""
    source = polnear.split_dir(split)
    if split != "train":
        return source
    copy = workdir / split
    (copy / "attributions").mkdir(parents=True)
    (copy / "text").symlink_to(source / "text")
    for ann in (source / "attributions").glob("*.ann"):
        lines = polnear.annotation_lines(ann)
        (copy / "attributions" / ann.name).write_text("\n".join(lines), encoding="utf-8")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    args = parser.parse_args()
    paths = polnear.articles(args.split)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        predictions = workdir / "predictions.jsonl"
        elapsed = run_extractor(paths, predictions, workdir)
        scored = subprocess.run(
            [
                sys.executable,
                str(SCORER),
                str(gold_dir(args.split, workdir)),
                str(predictions),
                "--json",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    report = json.loads(scored.stdout)
    print(f"PolNeAR {args.split}: {report['articles']} articles, {words:,} words")
    print(f"{'subset':11} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6} {'speaker':>8}")
    for key in SUBSETS:
        r = report[key]
        print(
            f"{key:11} {r['gold']:5} {r['predicted']:5} {r['precision']:6.3f} {r['recall']:6.3f}"
            f" {r['f1']:6.3f} {r['speaker_accuracy']:8.3f}"
        )
    print(f"wall time {elapsed:.1f} s including start-up; {words / elapsed:,.0f} words/s")


if __name__ == "__main__":
    main()
