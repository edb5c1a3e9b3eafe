"""The search page's work: the API's filter chain, its pages, facets and chips.

StatementViewSet.list_page's steps exactly (reads.statements → StatementFilter →
exports.paged → paging.Keyset), so that for the same parameters the page and
GET /api/v1/statements/ list the same statements in the same order, and a cursor from
one pages the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse

from quotes import paging, reads, search
from quotes.api.exports import paged
from quotes.facets import statement_facets
from quotes.filters import OrganizationFilter, StatementFilter
from quotes.models import Organization

from .display import Card, card

User = AbstractBaseUser | AnonymousUser
FACET_SIZE = 8
SUGGESTION_WORDS = 3  # words of a search tried one by one for suggestions: bounded queries
# Parameters of the page only: the typed speaker name is resolved to `speaker`.
SPEAKER_NAME = "speaker_name"
PAGE_PARAMETERS = {"cursor", "page_size"}
# Longer typed names are cut: no speaker's name is this long, and trigram matching of
# a pasted page of text would take seconds.
MAX_TYPED = 200
# Parameters a chip removes, with their label.
CHIP_LABELS = {
    "speaker": "Speaker",
    "organization": "Organization",
    "include_children": "Including departments",
    "outlet": "Outlet",
    "via": "Relayed via",
    "kind": "Kind",
    "anonymous": "Speaker",
    "topic": "Topic",
    "said_after": "Said on or after",
    "said_before": "Said on or before",
    "reported_after": "Reported on or after",
    "reported_before": "Reported on or before",
    "source": "Source",
    "status": "Status",
}


def items(params: QueryDict) -> list[tuple[str, str]]:
    return [(key, value) for key in params for value in params.getlist(key)]


def query_string(pairs: list[tuple[str, str]]) -> str:
    return "?" + urlencode(pairs) if pairs else "?"


def search_url(pairs: list[tuple[str, str]]) -> str:
    """The search page's URL for `pairs`, wherever the site is mounted."""
    return reverse("site:search") + query_string(pairs)


def facets_url(params: QueryDict) -> str:
    """Where the counts of the search `params` load from: every parameter but the
    cursor, so that every page of one search shares its (cached) counts."""
    return reverse("site:search-facets") + query_string(
        [(k, v) for k, v in items(params) if k != "cursor"]
    )


def filter_pairs(params: QueryDict) -> list[tuple[str, str]]:
    """The parameters the API takes for the same search (not the page's own)."""
    return [(k, v) for k, v in items(params) if k in FILTERS]


def canonical(params: QueryDict, user: User) -> tuple[list[tuple[str, str]] | None, str | None]:
    """The parameters the URL should hold instead, if different (empty fields of a
    submitted form dropped, a typed speaker name resolved to its slug), and why a typed
    name could not be resolved."""
    pairs = [(k, v.strip()) for k, v in items(params)]
    kept = [(k, v) for k, v in pairs if v and k != SPEAKER_NAME]
    problem = None
    if typed := params.get(SPEAKER_NAME, "").strip()[:MAX_TYPED]:
        found = search.search_speakers(reads.speakers(user), typed).values_list("slug", flat=True)
        if slug := next(iter(found[:1]), None):
            kept = [(k, v) for k, v in kept if k != "cursor"]
            if ("speaker", slug) not in kept:
                kept.append(("speaker", slug))
        else:
            problem = f"No speaker’s name or alias resembles “{typed}”."
    if kept == [(k, v) for k, v in items(params)]:
        return None, problem
    return (None if problem else kept), problem


@dataclass
class Results:
    filterset: StatementFilter
    errors: dict[str, list[str]] = field(default_factory=dict)
    page: paging.Page | None = None
    cards: list[Card] = field(default_factory=list)
    corrected: tuple[str, str] | None = None

    @property
    def total(self) -> int:
        """How many statements matched (capped as paging.COUNT_LIMIT caps the count);
        0 when the search could not run."""
        return self.page.count if self.page else 0


# The API's statement filters (fixed when the FilterSet class is made), its paging, and
# the page's typed speaker name.
FILTERS = frozenset(StatementFilter.base_filters)
ACCEPTED = FILTERS | PAGE_PARAMETERS | {SPEAKER_NAME}
# What link shorteners, newsletters and social sites append to a shared search: a
# reader following such a link gets the search, not an error.
TRACKING = {"fbclid", "gclid", "mc_cid", "mc_eid"}


def tracking(name: str) -> bool:
    return name in TRACKING or name.startswith("utm_")


def validated(params: QueryDict, user: User) -> Results:
    """The search of `params` checked as the API checks it, not yet run: its errors, or
    a filterset whose `qs` is the matching statements (the facets' input)."""
    filterset = StatementFilter(params, queryset=reads.statements(user))
    results = Results(filterset=filterset)
    # As the API does: a misspelled parameter (said_on=) is named, never ignored.
    if unknown := sorted(n for n in set(params) - ACCEPTED if not tracking(n)):
        takes = ", ".join(sorted(ACCEPTED))
        results.errors = {
            name: [f"Unknown parameter: this search takes {takes}."] for name in unknown
        }
        return results
    if not filterset.is_valid():
        results.errors = {name: list(messages) for name, messages in filterset.errors.items()}
    return results


def checked(params: QueryDict, user: User) -> Results:
    """`validated`, with the page parameters checked as the list checks them: the
    counts' own URL refuses what the search page refuses, though it pages nothing."""
    results = validated(params, user)
    if results.errors:
        return results
    try:
        paging.bounded_int(
            "page_size",
            params.get("page_size"),
            default=paging.DEFAULT_SIZE,
            maximum=paging.MAX_SIZE,
        )
        paging.decode_cursor(params.get("cursor"))
    except paging.InvalidCursor as invalid:
        results.errors = {"cursor": invalid.messages}
    except ValidationError as invalid:
        results.errors = invalid.message_dict
    return results


def run(params: QueryDict, user: User, size: int | None = None) -> Results:
    """The statements for `params`, as the API's list finds and pages them."""
    results = validated(params, user)
    if results.errors:
        return results
    filterset = results.filterset
    statements = filterset.qs
    try:
        size = size or paging.bounded_int(
            "page_size",
            params.get("page_size"),
            default=paging.DEFAULT_SIZE,
            maximum=paging.MAX_SIZE,
        )
        page = paging.Keyset(paged(statements)).page(params.get("cursor"), size)
    except paging.InvalidCursor as invalid:
        results.errors = {"cursor": invalid.messages}
        return results
    except ValidationError as invalid:
        results.errors = invalid.message_dict
        return results
    results.page, results.corrected = page, filterset.correction
    q = filterset.correction[1] if filterset.correction else params.get("q")
    results.cards = cards([row.pk for row in page.rows], user, q)
    return results


def cards(ids: list[int], user: User, q: str | None = None) -> list[Card]:
    """The statements `ids`, in that order, ready to show (matches marked for `q`)."""
    by_id = reads.statements(user).in_bulk(ids)
    shown = [by_id[pk] for pk in ids if pk in by_id]
    marked = search.highlights(shown, q) if q else {}
    anonymous = [s.speaker_id for s in shown if s.speaker and s.speaker.is_anonymous]
    # The facets' labels, so that a result shows the speaker as the facet named them.
    labels = reads.speaker_labels(anonymous, user) if anonymous else {}
    return [card(s, marked.get(s.pk) or _escaped(s.text), labels) for s in shown]


def _escaped(text: str) -> str:
    return escape(text)


def latest(params: dict[str, str], user: User, size: int = 10) -> Results:
    """The newest statements of a speaker's, organization's, outlet's or topic's page:
    the search of `params` (a link to the full search shows the rest)."""
    query = QueryDict(mutable=True)
    query.update(params)
    return run(query, user, size)


def facets(results: Results, params: QueryDict, user: User) -> tuple[list[dict[str, Any]], bool]:
    """Each facet's values with their counts and the link that refines by each, and
    whether the counts cover every match (facets.FACET_LIMIT bounds them)."""
    labels = partial(reads.speaker_labels, user=user)
    found = statement_facets(results.filterset.qs, FACET_SIZE, labels)
    base = [(k, v) for k, v in items(params) if k not in PAGE_PARAMETERS]
    names = {
        "speaker": "Speaker",
        "organization": "Organization",
        "outlet": "Outlet",
        "kind": "Kind",
        "topic": "Topic",
        "year": "Year",
    }
    shown = []
    for key, title in names.items():
        values = []
        for value in found[key]:
            refine = [tuple(part.split("=", 1)) for part in value["filter"].split("&")]
            replaced = {name for name, _ in refine}
            active = all(pair in base for pair in refine)
            link = [(k, v) for k, v in base if k not in replaced] + refine
            values.append({**value, "url": search_url(link), "active": active})
        if values:
            shown.append({"name": key, "title": title, "values": values})
    return shown, found["complete"]


def chips(params: QueryDict, names: dict[tuple[str, str], str]) -> list[dict[str, str]]:
    """The active filters, each with the link that removes it."""
    pairs = [(k, v) for k, v in items(params) if k not in PAGE_PARAMETERS]
    shown = []
    for pair in pairs:
        key, value = pair
        if key not in CHIP_LABELS:
            continue
        label = names.get(pair, value)
        if key == "anonymous":
            label = "anonymous sources" if value.lower() in ("true", "1") else "named"
        if key == "include_children":
            shown.append({"label": CHIP_LABELS[key], "url": _without(pairs, pair)})
            continue
        shown.append({"label": f"{CHIP_LABELS[key]}: {label}", "url": _without(pairs, pair)})
    return shown


def _without(pairs: list[tuple[str, str]], pair: tuple[str, str]) -> str:
    return query_string([p for p in pairs if p != pair])


def speaker_names(slugs: list[str], user: User) -> dict[str, str]:
    """The chips' label of each speaker `slugs` names (that `user` may see)."""
    if not slugs:  # compiling reads.speakers' annotations alone took ~10 ms
        return {}
    # Names only: reads.speakers' statement counts (27 ms for a speaker with 92,000
    # statements at 1,000,000) are not shown here.
    found = reads.speakers(user).filter(slug__in=slugs)
    named = {
        pk: (slug, name, anonymous)
        for pk, slug, name, anonymous in found.values_list("pk", "slug", "name", "is_anonymous")
    }
    # Only an anonymous source's label differs from its name.
    anonymous = [pk for pk, (_, _, is_anonymous) in named.items() if is_anonymous]
    labels = reads.speaker_labels(anonymous, user) if anonymous else {}
    return {slug: labels.get(pk, name) for pk, (slug, name, _) in named.items()}


def suggestions(q: str, user: User) -> dict[str, list]:
    """Speakers, organizations and outlets resembling `q`, or failing that one of its
    first few words ("Peskov" of "Peskov landmine"), offered when nothing matched."""
    found: dict[str, list] = {"speakers": [], "organizations": [], "outlets": []}
    words = [w for w in q.replace('"', " ").split() if len(w) >= 3 and not w.startswith("-")]
    for attempt in [q.strip(), *words[:SUGGESTION_WORDS]]:
        if attempt and not any(found.values()):
            found = _resembling(attempt, user)
    return found


def _resembling(q: str, user: User) -> dict[str, list]:
    speakers = list(search.search_speakers(reads.speakers(user), q[:MAX_TYPED])[:5])
    named = OrganizationFilter({"q": q[:MAX_TYPED]}, queryset=reads.organizations()).qs
    organizations = list(named.prefetch_related(None)[:10])
    news = Organization.Kind.NEWS_OUTLET
    return {
        "speakers": speakers,
        "organizations": [o for o in organizations if o.kind != news][:5],
        "outlets": [o for o in organizations if o.kind == news][:5],
    }
