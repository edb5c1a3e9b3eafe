"""The site's pages: thin views over the read layer (quotes/reads.py), the API's
FilterSets and paging (quotes/site/searching.py). Each hands its template ready values."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from quotes import reads, search
from quotes.facets import FACET_LIMIT

from . import pages, searching
from .cache import cached
from .forms import FIELD_LABELS, form_context

SEARCH_TARGET = "search-page"
# The search page's counts region, which htmx fills from search_facets.
FACETS_TARGET = "search-facets"
# Beyond a bigint: PostgreSQL would refuse the lookup (a 500), not find nothing.
MAX_ID = 2**63 - 1


def not_found(request: HttpRequest, what: str) -> HttpResponse:
    """The site's own 404 page: says what was not found and offers the search."""
    return render(request, "site/not_found.html", {"what": what}, status=404)


def _fragment(request: HttpRequest, target: str) -> bool:
    """Whether htmx asked for the `target` part of the page alone (request.htmx, set by
    django-htmx's middleware)."""
    return bool(request.htmx) and request.htmx.target == target


@require_safe
@cached
def search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    wanted, problem = searching.canonical(params, request.user)
    if wanted is not None:
        url = searching.search_url(wanted)
        if not _fragment(request, SEARCH_TARGET):
            return redirect(url)
        params = QueryDict(searching.query_string(wanted)[1:])
    results = searching.run(params, request.user)
    if problem:
        results.errors = {**results.errors, searching.SPEAKER_NAME: [problem]}
    context = _search_context(params, results, request)
    fragment = _fragment(request, SEARCH_TARGET)
    context["fragment"] = fragment
    template = "site/_search.html" if fragment else "site/search.html"
    status = 400 if results.errors else 200
    response = render(request, template, context, status=status)
    if wanted is not None:
        response["HX-Push-Url"] = searching.search_url(wanted)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _search_context(params: QueryDict, results: searching.Results, request: HttpRequest) -> dict:
    form = form_context(params, results.errors)
    api = searching.filter_pairs(params)
    context: dict[str, Any] = {
        "facet_limit": f"{FACET_LIMIT:,}",
        "form": form,
        "results": results,
        "q": params.get("q", ""),
        "searched": bool(searching.items(params)),
        "feed_url": reverse("site:feed") + searching.query_string(api),
        "csv_url": reverse("api:statement-list")
        + searching.query_string([*api, ("format", "csv")]),
        "ndjson_url": reverse("api:statement-list")
        + searching.query_string([*api, ("format", "ndjson")]),
    }
    if results.errors:
        return context
    page = results.page
    context["count"] = f"{page.count:,}" + ("" if page.count_is_exact else "+")
    context["count_number"] = page.count
    base = [(k, v) for k, v in searching.items(params) if k != "cursor"]
    for name, cursor in (("next_url", page.next_cursor), ("previous_url", page.previous_cursor)):
        if cursor is not None:
            moved = base + ([("cursor", cursor)] if cursor else [])
            context[name] = searching.query_string(moved)
    # The counts load in a request of their own (search_facets): over 10,000 matches they
    # cost as much as the rest of the page, which should not wait for them.
    if page.count:
        context["facets_url"] = searching.facets_url(params)
    names = dict(form["labels"])
    for slug, label in searching.speaker_names(form["speakers"], request.user).items():
        names[("speaker", slug)] = label
    context["chips"] = searching.chips(params, names)
    if results.corrected:
        typed, fixed = results.corrected
        exact = [(k, v) for k, v in base if k != "exact"] + [("exact", "true")]
        context["corrected"] = {
            "typed": typed,
            "fixed": fixed,
            "url": searching.query_string(exact),
        }
    if page.count == 0:
        context["suggestions"] = searching.suggestions(params.get("q", ""), request.user)
    return context


@require_safe
@cached
def search_facets(request: HttpRequest) -> HttpResponse:
    """The search's counts by speaker, organization, outlet, kind, topic and year, each
    value a link that refines the search: for htmx the search page's region, else a page
    of its own (readers without JavaScript follow the search page's link here)."""
    params = request.GET
    fragment = _fragment(request, FACETS_TARGET)
    wanted, problem = searching.canonical(params, request.user)
    if wanted is not None:
        if not fragment:
            return redirect(reverse("site:search-facets") + searching.query_string(wanted))
        params = QueryDict(searching.query_string(wanted)[1:])
    results = searching.checked(params, request.user)
    if problem:
        results.errors = {**results.errors, searching.SPEAKER_NAME: [problem]}
    context: dict[str, Any] = {
        "facet_limit": f"{FACET_LIMIT:,}",
        "q": params.get("q", ""),
        "search_url": searching.search_url(searching.items(params)),
        "errors": [
            f"{FIELD_LABELS.get(name, name)}: {message}"
            for name, messages in results.errors.items()
            for message in messages
        ],
        "fragment": fragment,
    }
    if not results.errors:
        found, complete = searching.facets(results, params, request.user)
        context["facets"], context["facets_complete"] = found, complete
    template = "site/_facets.html" if fragment else "site/facets.html"
    response = render(request, template, context, status=400 if results.errors else 200)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_safe
def speaker_suggestions(request: HttpRequest) -> HttpResponse:
    """Speakers resembling the typed name (aliases and misspellings too): JSON with
    ?format=json, else list items linking to the search refined by each."""
    typed = request.GET.get(searching.SPEAKER_NAME) or request.GET.get("q") or ""
    typed = typed.strip()[: searching.MAX_TYPED]
    found = list(search.search_speakers(reads.speakers(request.user), typed)[:8]) if typed else []
    labels = reads.speaker_labels([s.pk for s in found if s.is_anonymous], request.user)
    base = [
        (k, v)
        for k, v in searching.items(request.GET)
        if v and k not in {searching.SPEAKER_NAME, "cursor", "format"}
    ]
    if request.GET.get("format") == "json":
        base = [(k, v) for k, v in base if k != "q"]
    rows = [
        {
            "slug": s.slug,
            "name": labels.get(s.pk, s.name),
            "description": s.description,
            "url": searching.search_url([*base, ("speaker", s.slug)]),
        }
        for s in found
    ]
    if request.GET.get("format") == "json":
        return JsonResponse({"results": rows})
    return render(request, "site/_speaker_suggestions.html", {"suggestions": rows})


@require_safe
@cached
def statement_page(request: HttpRequest, pk: int) -> HttpResponse:
    if pk > MAX_ID:
        return not_found(request, "statement")
    statement = reads.statements(request.user).filter(pk=pk).first()
    if statement is None:
        gone = reads.retracted_statement(pk)
        if gone is None:
            return not_found(request, "statement")
        context = {"statement": gone, "reason": gone.retraction_reason}
        return render(request, "site/gone.html", context, status=410)
    return render(request, "site/statement.html", pages.statement_context(statement, request))


@require_safe
@cached
def speaker_page(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = reads.speakers(request.user).filter(slug=slug).first()
    if speaker is None:
        return not_found(request, "speaker")
    return render(request, "site/speaker.html", pages.speaker_context(speaker, request))


@require_safe
@cached
def organization_page(request: HttpRequest, slug: str) -> HttpResponse:
    organization = reads.organizations().filter(slug=slug).first()
    if organization is None:
        return not_found(request, "organization")
    context = pages.organization_context(organization, request)
    return render(request, "site/organization.html", context)


@require_safe
@cached
def outlet_page(request: HttpRequest, slug: str) -> HttpResponse:
    outlet = reads.outlets().filter(slug=slug).first()
    if outlet is None:
        return not_found(request, "outlet")
    return render(request, "site/outlet.html", pages.outlet_context(outlet, request))


@require_safe
@cached
def topic_page(request: HttpRequest, slug: str) -> HttpResponse:
    topic = reads.topics().filter(slug=slug).first()
    if topic is None:
        return not_found(request, "topic")
    reads.without_hidden_statements([topic], request.user)
    return render(request, "site/topic.html", pages.topic_context(topic, request))


@require_safe
@cached
def source_page(request: HttpRequest, pk: int) -> HttpResponse:
    if pk > MAX_ID:
        return not_found(request, "source")
    source = reads.sources(request.user).filter(pk=pk).first()
    if source is None:
        return not_found(request, "source")
    return render(request, "site/source.html", pages.source_context(source, request))


@require_safe
@cached
def speaker_index(request: HttpRequest) -> HttpResponse:
    return render(request, "site/speakers.html", pages.speaker_index_context(request))


@require_safe
@cached
def organization_index(request: HttpRequest) -> HttpResponse:
    return render(request, "site/organizations.html", pages.organization_index_context())


@require_safe
@cached
def outlet_index(request: HttpRequest) -> HttpResponse:
    return render(request, "site/outlets.html", {"outlets": list(reads.outlets())})


@require_safe
@cached
def topic_index(request: HttpRequest) -> HttpResponse:
    topics = reads.without_hidden_statements(list(reads.topics()), request.user)
    return render(request, "site/topics.html", {"topics": topics})


@require_safe
@cached
def about_page(request: HttpRequest) -> HttpResponse:
    return render(request, "site/about.html", {})
