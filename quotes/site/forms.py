"""The search form's fields and choices: one field per StatementFilter parameter, named
as the API names it, so the form's GET is the API's query string."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from quotes import reads
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


def choices(options: list[tuple[str, str]], chosen: str) -> SafeString:
    """The <option>s of a select, built here: hundreds of organizations rendered through
    the template language were most of a search page's rendering time."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, SELECTED if value == chosen else "", label) for value, label in options),
    )


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


def form_context(params: QueryDict, errors: dict[str, list[str]]) -> dict[str, Any]:
    """The search form's fields, filled in from `params`, with their errors."""
    everything = list(reads.organizations().prefetch_related(None))
    news = Organization.Kind.NEWS_OUTLET
    tree = organization_tree([o for o in everything if o.kind != news])
    outlets = [(o.slug, o.name) for o in everything if o.kind == news]
    topics = [(t.slug, t.name) for t in reads.topics()]
    indent = "\u2003"  # em space: readable depth in a <select>
    return {
        "values": {key: params.get(key, "") for key in params},
        "speakers": params.getlist("speaker"),
        "organizations": choices(
            [("", "Any organization")] + [(o.slug, indent * d + o.name) for o, d in tree],
            params.get("organization", ""),
        ),
        "include_children": params.get("include_children", "").lower() in ("true", "1"),
        "outlets": choices([("", "Any outlet"), *outlets], params.get("outlet", "")),
        "vias": choices([("", "Any or none"), *outlets], params.get("via", "")),
        "kinds": choices([("", "Any kind"), *list(Statement.Kind.choices)], params.get("kind", "")),
        "anonymity": choices(ANONYMITY, params.get("anonymous", "").lower()),
        "topics": choices([("", "Any topic"), *topics], params.get("topic", "")),
        "orderings": choices(ORDERINGS, params.get("ordering", "")),
        "hidden": hidden_inputs(params),
        "errors": errors,
        "error_list": [
            {"id": field_id(name), "message": f"{FIELD_LABELS.get(name, name)}: {message}"}
            for name, messages in errors.items()
            for message in messages
        ],
        "names": {name: {"id": field_id(name)} for name in ("q", "speaker_name")},
        "labels": {
            **{(("organization", o.slug)): o.name for o, _ in tree},
            **{("outlet", slug): name for slug, name in outlets},
            **{("via", slug): name for slug, name in outlets},
            **{("topic", slug): name for slug, name in topics},
            **{("kind", k): label for k, label in Statement.Kind.choices},
        },
    }
