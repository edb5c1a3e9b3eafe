#!/usr/bin/env python3
"""Learn which verbs cue attributions from the PolNeAR train split.

    .venv/bin/python bench/extraction_cues.py            # writes quotes/extraction/learned_cues.tsv

Every verb outside the hand-written lexicon (quotes/extraction/lexicon.py) that has a
third-person subject and a complement is tried as a cue, with the same content rules as
the extractor; a use counts as a hit when the gold annotation has that verb in a cue and
the candidate covers at least 30 % of that attribution's content (the scorer's rule).
The file keeps each form's uses and hits; the extractor uses the forms whose hit rate
reaches lexicon.LEARNED_MIN_PRECISION. Only the train split is read, never dev.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import polnear  # noqa: E402

from quotes.extraction.attribution import find_frames  # noqa: E402
from quotes.extraction.lexicon import LEARNED_CUES_FILE  # noqa: E402
from quotes.extraction.nlp import load_pipeline  # noqa: E402
from quotes.extraction.quotemarks import find_quotes  # noqa: E402


def is_hit(frame, attributions: list[polnear.Attribution]) -> bool:
    covered = set(range(frame.start, frame.end))
    return any(
        frame.head.idx in gold.cue and len(gold.content & covered) >= 0.3 * len(gold.content)
        for gold in attributions
    )


def main() -> None:
    started = time.monotonic()
    paths = polnear.articles("train")
    texts = [p.read_text(encoding="utf-8") for p in paths]
    uses: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    nlp = load_pipeline()
    for path, doc in zip(paths, nlp.pipe(texts, batch_size=16), strict=True):
        attributions = polnear.gold(path)
        for frame in find_frames(doc, find_quotes(doc.text), any_verb=True):
            if frame.family == "learned":
                uses[frame.lemma] += 1
                hits[frame.lemma] += is_hit(frame, attributions)
    rows = sorted((f for f in uses if uses[f] >= 3), key=lambda f: (-hits[f] / uses[f], f))
    lines = ["form\tuses\thits\tprecision"]
    lines += [f"{f}\t{uses[f]}\t{hits[f]}\t{hits[f] / uses[f]:.2f}" for f in rows]
    LEARNED_CUES_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{len(rows)} verb forms from {len(paths)} train articles in "
        f"{time.monotonic() - started:.0f} s → {LEARNED_CUES_FILE.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
