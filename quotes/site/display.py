"""Ready-to-show values for the templates: dates as precisely as known, who said it,
each outlet that printed it. The templates only loop and test."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse

from quotes.models import Appearance, Statement

PRECISION_FORMATS = {"day": "%-d %B %Y", "month": "%B %Y", "year": "%Y"}


def said_on_text(said_on: datetime.date | None, precision: str) -> str:
    """ "19 November 2024", "November 2024", "2024", or "date unknown"."""
    if said_on is None or precision not in PRECISION_FORMATS:
        return "date unknown"
    return said_on.strftime(PRECISION_FORMATS[precision])


def said_on_iso(said_on: datetime.date | None, precision: str) -> str | None:
    """ISO 8601 to the known precision (2024-11-19, 2024-11, 2024), for machines."""
    if said_on is None:
        return None
    return {"month": said_on.strftime("%Y-%m"), "year": f"{said_on:%Y}"}.get(
        precision, said_on.isoformat()
    )


def link_target(url: str) -> str | None:
    """`url` if it is safe as a link (http or https), else None: a source's URL comes
    from curators and imports, and `javascript:` in an href would run on a click."""
    scheme = urlsplit(url.strip()).scheme.lower() if url else ""
    return url if scheme in ("http", "https") else None


def day_text(day: datetime.date | None) -> str:
    return day.strftime("%-d %B %Y") if day else "date unknown"


@dataclass
class Printing:
    """One outlet's printing of a statement, as a card lists it."""

    outlet: str
    outlet_slug: str | None
    via: str | None
    via_slug: str | None
    source_id: int
    title: str


@dataclass
class Card:
    statement: Statement
    text: str  # HTML: escaped, with <mark> around matches when searched
    who: str
    who_url: str | None
    organization: str | None
    organization_url: str | None
    date: str
    printings: list[Printing] = field(default_factory=list)
    draft: bool = False
    retracted: bool = False

    @property
    def url(self) -> str:
        return self.statement.get_absolute_url()


def printings(appearances: list[Appearance]) -> list[Printing]:
    """Each distinct (outlet, relayed from) of the appearances, first printed first."""
    seen: dict[tuple, Printing] = {}
    for appearance in appearances:
        outlet = appearance.source.outlet
        via = appearance.via
        key = (outlet.pk if outlet else None, via.pk if via else None)
        if key not in seen:
            seen[key] = Printing(
                outlet=outlet.name if outlet else "Unknown outlet",
                outlet_slug=outlet.slug if outlet else None,
                via=via.name if via else None,
                via_slug=via.slug if via else None,
                source_id=appearance.source_id,
                title=appearance.source.title,
            )
    return list(seen.values())


def card(statement: Statement, text: str, labels: dict[int, str]) -> Card:
    speaker, organization = statement.speaker, statement.organization
    if speaker is not None:
        who = labels.get(speaker.pk, speaker.name)
        who_url: str | None = reverse("site:speaker", args=[speaker.slug])
    else:
        who = organization.name if organization else "Unknown"
        who_url = reverse("site:organization", args=[organization.slug]) if organization else None
    show_org = organization is not None and speaker is not None
    return Card(
        statement=statement,
        text=text,
        who=who,
        who_url=who_url,
        organization=organization.name if show_org else None,
        organization_url=reverse("site:organization", args=[organization.slug])
        if show_org
        else None,
        date=said_on_text(statement.said_on, statement.said_on_precision),
        printings=printings(list(statement.appearances.all())),
        draft=statement.status == Statement.Status.DRAFT,
        retracted=statement.status == Statement.Status.RETRACTED,
    )


def as_json_script(data: Any) -> str:
    """JSON safe inside <script>: no "</script>" or HTML comment can close it early."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
