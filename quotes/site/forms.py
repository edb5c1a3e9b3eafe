"""The search form's fields and choices: one field per StatementFilter parameter, named
as the API names it, so the form's GET is the API's query string."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import router
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from quotes import reads
from quotes.generation import data_generation
from quotes.models import Organization, Statement

# The id of each field's input, for labels and the error summary's links (the browser
# tests rely on q and speaker-filter).
FIELD_IDS = {"q": "q", "speaker": "speaker-filter", "speaker_name": "speaker-filter"}
# The empty default is the API's: relevance with words to search, else newest first.
ORDERINGS = [
    ("", "Best match, or newest first"),
    ("relevance", "Relevance"),
    ("-said_on", "Newest first"),
    ("said_on", "Oldest first"),
]
ANONYMITY = [("", "Named or anonymous"), ("false", "Named speakers"), ("true", "Anonymous sources")]


# What the error summary calls each parameter, so a message says which field it is about.
FIELD_LABELS = {
    "q": "Search",
    "speaker_name": "Speaker",
    "organization": "Organization",
    "include_children": "Include its departments",
    "outlet": "Printed by outlet",
    "via": "Relayed via",
    "kind": "Kind",
    "anonymous": "Named or anonymous",
    "topic": "Topic",
    "said_after": "Said on or after",
    "said_before": "Said on or before",
    "ordering": "Sort by",
    "cursor": "Page",
    "page_size": "Results per page",
    "speaker": "Speaker",
    "source": "Source",
    "exact": "Exact words only",
    "status": "Status",
    "reported_after": "First reported on or after",
    "reported_before": "First reported on or before",
}
# Parameters with an input of their own in the form; the error summary links the
# others (hidden or in the URL only) to the search box, which always exists.
VISIBLE_FIELDS = {
    "q", "speaker", "speaker_name", "organization", "include_children", "outlet", "via",
    "kind", "anonymous", "topic", "said_after", "said_before", "ordering",
}  # fmt: skip


# Parameters the form has no field for, carried as hidden inputs so that submitting the
# form again keeps them (a link from a source page to ?source=1, say).
HIDDEN = {"exact", "speaker", "reported_after", "reported_before", "source", "status", "page_size"}


def hidden_inputs(params: QueryDict) -> list[tuple[str, str]]:
    """The parameters to carry, and every topic after the first (the select shows one)."""
    carried = [(key, value) for key in params for value in params.getlist(key) if key in HIDDEN]
    return carried + [("topic", slug) for slug in params.getlist("topic")[1:]]


def field_id(name: str) -> str:
    if name not in VISIBLE_FIELDS:
        return FIELD_IDS["q"]
    return FIELD_IDS.get(name, f"f-{name.replace('_', '')}")


SELECTED = mark_safe(" selected")


class Select:
    """A select's <option>s, escaped once: the hundreds of organizations and outlets
    escaped on every render were most of a search page's time outside the database."""

    def __init__(self, options: list[tuple[str, str]]) -> None:
        option = '<option value="{}"{}>{}</option>'
        self.options = [
            (
                value,
                format_html(option, value, "", label),
                format_html(option, value, SELECTED, label),
            )
            for value, label in options
        ]

    def render(self, chosen: str) -> SafeString:
        return mark_safe(  # every part was escaped by format_html above
            "".join(
                selected if value == chosen else plain for value, plain, selected in self.options
            )
        )


# The lists that never change, escaped once at import.
KINDS = Select([("", "Any kind"), *Statement.Kind.choices])
ANONYMITY_SELECT = Select(ANONYMITY)
ORDERING_SELECT = Select(ORDERINGS)


def organization_tree(organizations: list[Organization]) -> list[tuple[Organization, int]]:
    """Every organization under its parent, with its depth: the tree in reading order."""
    children: dict[int | None, list[Organization]] = {}
    for organization in organizations:
        children.setdefault(organization.parent_id, []).append(organization)
    known = {o.pk for o in organizations}
    roots = [o for o in organizations if o.parent_id is None or o.parent_id not in known]
    ordered: list[tuple[Organization, int]] = []
    seen: set[int] = set()

    def walk(node: Organization, depth: int) -> None:
        if node.pk in seen:  # a cycle would otherwise never end
            return
        seen.add(node.pk)
        ordered.append((node, depth))
        for child in children.get(node.pk, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return ordered


@dataclass(frozen=True)
class Options:
    """The form's lists of organizations, outlets and topics, with their labels."""

    organizations: Select
    outlets: Select
    vias: Select
    topics: Select
    labels: dict[tuple[str, str], str]


# Per database, kept while its data generation is unchanged (as correction.name_words).
_options: dict[str, tuple[int | None, Options]] = {}


def options() -> Options:
    using = router.db_for_read(Organization)
    generation = data_generation(using)
    kept = _options.get(using)
    if kept is None or generation is None or kept[0] != generation:
        _options[using] = (generation, _built_options(using))
    return _options[using][1]


def _built_options(using: str) -> Options:
    everything = list(reads.organizations().using(using).prefetch_related(None))
    news = Organization.Kind.NEWS_OUTLET
    tree = organization_tree([o for o in everything if o.kind != news])
    outlets = [(o.slug, o.name) for o in everything if o.kind == news]
    topics = [(t.slug, t.name) for t in reads.topics().using(using)]
    indent = "\u2003"  # em space: readable depth in a <select>
    return Options(
        organizations=Select(
            [("", "Any organization")] + [(o.slug, indent * d + o.name) for o, d in tree]
        ),
        outlets=Select([("", "Any outlet"), *outlets]),
        vias=Select([("", "Any or none"), *outlets]),
        topics=Select([("", "Any topic"), *topics]),
        labels={
            **{(("organization", o.slug)): o.name for o, _ in tree},
            **{("outlet", slug): name for slug, name in outlets},
            **{("via", slug): name for slug, name in outlets},
            **{("topic", slug): name for slug, name in topics},
            **{("kind", k): label for k, label in Statement.Kind.choices},
        },
    )


def form_context(params: QueryDict, errors: dict[str, list[str]]) -> dict[str, Any]:
    """The search form's fields, filled in from `params`, with their errors."""
    lists = options()
    return {
        "values": {key: params.get(key, "") for key in params},
        "speakers": params.getlist("speaker"),
        "organizations": lists.organizations.render(params.get("organization", "")),
        "include_children": params.get("include_children", "").lower() in ("true", "1"),
        "outlets": lists.outlets.render(params.get("outlet", "")),
        "vias": lists.vias.render(params.get("via", "")),
        "kinds": KINDS.render(params.get("kind", "")),
        "anonymity": ANONYMITY_SELECT.render(params.get("anonymous", "").lower()),
        "topics": lists.topics.render(params.get("topic", "")),
        "orderings": ORDERING_SELECT.render(params.get("ordering", "")),
        "hidden": hidden_inputs(params),
        "errors": errors,
        "error_list": [
            {"id": field_id(name), "message": f"{FIELD_LABELS.get(name, name)}: {message}"}
            for name, messages in errors.items()
            for message in messages
        ],
        "names": {name: {"id": field_id(name)} for name in ("q", "speaker_name")},
        "labels": lists.labels,
    }
