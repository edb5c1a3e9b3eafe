"""A speaker's statements over time, as a server-rendered SVG bar chart and a table.

Bars carry their count as text above them and each has a <title>, so the chart reads
without colour; the table beside it is the text alternative.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear

from quotes.models import Statement

WIDTH, HEIGHT, GAP, MAX_STEP = 600, 160, 4, 60
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def timeline(statements: QuerySet[Statement]) -> dict[str, Any] | None:
    """Dated statements counted by year, or by month when they fall within two years."""
    dated = statements.filter(said_on__isnull=False).order_by().prefetch_related(None)
    dated = dated.select_related(None)
    by_month = list(
        dated.annotate(y=ExtractYear("said_on"), m=ExtractMonth("said_on"))
        .values("y", "m")
        .annotate(n=Count("pk"))
        .order_by("y", "m")
    )
    if not by_month:
        return None
    years = sorted({row["y"] for row in by_month})
    if years[-1] - years[0] <= 1:
        periods, unit = _months(by_month), "month"
    else:
        counts: dict[int, int] = {}
        for row in by_month:
            counts[row["y"]] = counts.get(row["y"], 0) + row["n"]
        periods = [(str(y), counts.get(y, 0)) for y in range(years[0], years[-1] + 1)]
        unit = "year"
    return {
        "unit": unit,
        "rows": periods,
        "bars": _bars(periods),
        "width": WIDTH,
        "height": HEIGHT + 40,
    }


def _months(by_month: list[dict[str, int]]) -> list[tuple[str, int]]:
    """Every month from the first to the last, the empty ones too (a gap is news)."""
    counts = {(row["y"], row["m"]): row["n"] for row in by_month}
    (year, month), last = min(counts), max(counts)
    periods = []
    while (year, month) <= last:
        periods.append((f"{MONTHS[month - 1]} {year}", counts.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


def _bars(periods: list[tuple[str, int]]) -> list[dict[str, Any]]:
    most = max(n for _, n in periods) or 1
    step = min(WIDTH / len(periods), MAX_STEP)  # one bar is a bar, not the whole chart
    bars = []
    for i, (label, n) in enumerate(periods):
        tall = round(HEIGHT * n / most)
        x = round(i * step + GAP / 2, 1)
        bars.append(
            {
                "label": label,
                "count": n,
                "x": x,
                "y": 20 + HEIGHT - tall,
                "width": round(step - GAP, 1),
                "height": tall,
                "text_x": round(x + (step - GAP) / 2, 1),
                "text_y": 20 + HEIGHT - tall - 4,
                "show_label": len(periods) <= 12 or i % max(1, len(periods) // 8) == 0,
            }
        )
    return bars
