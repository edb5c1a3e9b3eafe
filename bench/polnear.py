"""Reading the PolNeAR splits in ../shared/polnear (see its README): texts and the gold
attributions of the first annotator of each article, as the shared scorer reads them.

Only for the benchmark and for learning cues; nothing here is copied into the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

POLNEAR = Path(__file__).resolve().parent.parent.parent / "shared" / "polnear"
# A BRAT line starts with its id and a tab; anything else continues the line before
# (one train file has a surface text broken over two lines).
_ID = re.compile(r"^[TEARMN#]\d*\t")


@dataclass
class Attribution:
    content: set[int]
    cue: set[int]
    source: set[int]


def split_dir(split: str) -> Path:
    return POLNEAR / split


def articles(split: str) -> list[Path]:
    """The text files of a split that have an annotation, sorted."""
    folder = split_dir(split)
    named = {ann.stem.rsplit("_", 1)[0] for ann in (folder / "attributions").glob("*.ann")}
    return sorted(p for p in (folder / "text").glob("*.txt") if p.stem in named)


def annotation_lines(path: Path) -> list[str]:
    lines: list[str] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if lines and line and not _ID.match(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return lines


def _chars(field: str) -> set[int]:
    out: set[int] = set()
    for part in field.split(";"):
        start, end = part.split()
        out.update(range(int(start), int(end)))
    return out


def gold(text_path: Path) -> list[Attribution]:
    """The gold attributions of one article (first annotator's file in sorted order)."""
    folder = text_path.parent.parent / "attributions"
    ann = sorted(folder.glob(f"{text_path.stem}_*.ann"))[0]
    spans: dict[str, set[int]] = {}
    events = []
    for line in annotation_lines(ann):
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            spans[fields[0]] = _chars(fields[1].split(" ", 1)[1])
        elif line.startswith("E") and len(fields) >= 2:
            events.append(dict(arg.split(":") for arg in fields[1].split()))
    return [
        Attribution(
            spans[e["Content"]],
            spans.get(e.get("Cue", ""), set()),
            spans.get(e.get("Source", ""), set()),
        )
        for e in events
        if e.get("Content") in spans
    ]
