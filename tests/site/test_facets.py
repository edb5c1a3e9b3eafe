"""The search's counts, loaded from their own URL (/search/facets/): the API's facets for
the same parameters, as the search page's htmx region or as a page of their own."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from quotes.site.searching import FACET_SIZE
from tests.factories import VerifiedStatementFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-facets"}
FRESH = {"HTTP_CACHE_CONTROL": "no-cache"}
VALUE = re.compile(r'<a href="([^"]*)"[^>]*>([^<]*)</a> <span class="count">(\d+)</span>')
FACET_ORDER = ["speaker", "organization", "outlet", "kind", "topic", "year"]


def shown_counts(html: str) -> list[tuple[str, int]]:
    """Each value's label and count, in the page's order."""
    return [(unescape(label), int(count)) for _, label, count in VALUE.findall(html)]


def api_counts(client: Client, query: str) -> list[tuple[str, int]]:
    joiner = "&" if query else "?"
    response = client.get(f"/api/v1/statements/facets/{query}{joiner}facet_size={FACET_SIZE}")
    assert response.status_code == 200, response.content[:500]
    found = response.json()
    return [(value["label"], value["count"]) for key in FACET_ORDER for value in found[key]]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=mines",
        "?anonymous=true",
        "?outlet=the-washington-post&kind=direct_quote",
        "?organization=defense-department&include_children=true",
        "?q=mines&said_after=2024-01-01&ordering=-said_on",
    ],
)
def test_the_counts_are_the_apis_facets_for_the_same_search(seed, query) -> None:
    client = Client()
    for headers in ({}, HTMX):
        response = client.get("/search/facets/" + query, **headers)
        assert response.status_code == 200
        shown = shown_counts(response.content.decode())
        assert shown
        assert shown == api_counts(client, query)


def test_htmx_gets_the_counts_alone_with_links_that_swap_the_search(seed) -> None:
    response = Client().get("/search/facets/?q=mines", **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert '<nav aria-label="Facets">' in html
    assert (
        '<a href="/?q=mines&amp;kind=direct_quote" hx-get="/?q=mines&amp;kind=direct_quote"'
        ' hx-target="#search-page" hx-swap="outerHTML" hx-push-url="true">'
    ) in html
    assert {"HX-Request", "HX-Target"} <= set(response["Vary"].split(", "))


def test_without_javascript_the_counts_are_a_page_linking_back_to_the_results(seed) -> None:
    response = Client().get("/search/facets/?q=mines&kind=direct_quote")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Counts for this search</h1>" in html
    assert '<a href="/?q=mines&amp;kind=direct_quote">Back to the results</a>' in html
    assert '<nav aria-label="Facets">' in html
    assert "hx-target" not in html  # plain links: this page has no results to swap
    # The applied value is marked, and each link refines the search page itself.
    assert re.search(r'<a href="/\?q=mines&amp;kind=direct_quote" aria-current="true">', html)
    assert all(url.startswith("/?") for url, _, _ in VALUE.findall(html))


def test_the_search_page_links_its_counts_for_readers_without_javascript(seed) -> None:
    html = Client().get("/?q=mines&page_size=2").content.decode()
    link = '<a href="/search/facets/?q=mines&amp;page_size=2">'
    assert link + "Show counts by speaker, organization, outlet…</a>" in html
    assert 'hx-get="/search/facets/?q=mines&amp;page_size=2" hx-trigger="load"' in html
    assert '<nav aria-label="Facets"' not in html  # not counted in this response
    # Every page of a search shares one counts URL (and its cached answer).
    cursor = re.search(r'rel="next" href="(\?[^"]*)"', html).group(1)
    following = Client().get("/" + unescape(cursor)).content.decode()
    assert link in following


def test_a_search_that_matches_nothing_offers_no_counts(seed) -> None:
    html = Client().get("/?q=zebrazebra").content.decode()
    assert "No statements match" in html
    assert "search-facets" not in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?said_on=2024-11-19", "said_on"),
        ("?said_after=yesterday", "Said on or after"),
        ("?cursor=not-a-cursor", "Page"),
        ("?page_size=0", "Results per page"),
        ("?speaker_name=Zzyzx+Qwrtp", "Speaker"),
    ],
)
def test_parameters_the_search_refuses_are_refused_here_with_400(seed, query, field) -> None:
    client = Client()
    assert client.get("/" + query).status_code == 400
    for headers in ({}, HTMX):
        response = client.get("/search/facets/" + query, **headers)
        assert response.status_code == 400
        assert field in response.content.decode()
        assert "Facets" not in response.content.decode()


def test_a_typed_speaker_name_becomes_the_speaker_filter(seed) -> None:
    response = Client().get("/search/facets/?q=mines&speaker_name=Dmitry+Perskov")
    assert response.status_code == 302
    assert response["Location"] == "/search/facets/?q=mines&speaker=dmitry-peskov"


def test_the_counts_are_kept_in_the_page_cache_apart_from_the_page(seed) -> None:
    client = Client()
    url = "/search/facets/?q=mines"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url, **HTMX)["X-Page-Cache"] == "miss"
    page, fragment = client.get(url), client.get(url, **HTMX)
    assert (page["X-Page-Cache"], fragment["X-Page-Cache"]) == ("hit", "hit")
    assert b"<html" in page.content
    assert b"<html" not in fragment.content
    assert {"Cookie", "HX-Request", "HX-Target"} <= set(fragment["Vary"].split(", "))
    assert "X-Page-Cache" not in client.get(url, **FRESH, **HTMX)  # rendered afresh


def test_counting_reads_a_bounded_number_of_queries(seed, django_assert_max_num_queries) -> None:
    client = Client()
    for url in ("/search/facets/?q=mines&kind=direct_quote", "/search/facets/"):
        with django_assert_max_num_queries(10):
            assert client.get(url, **FRESH, **HTMX).status_code == 200


def test_counting_reads_as_many_queries_for_twenty_statements_as_for_two(db) -> None:
    from tests.site.test_search import make_printed_statements

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get("/search/facets/", **FRESH).status_code == 200
        return len(captured)

    make_printed_statements(2)
    few = queries()
    make_printed_statements(18)
    assert queries() == few


@override_settings(ROOT_URLCONF="tests.site.prefixed_urls")
def test_the_counts_and_their_links_follow_where_the_site_is_mounted(db) -> None:
    VerifiedStatementFactory(text="Mounted words.")
    search = Client().get("/public/?q=mounted").content.decode()
    assert 'href="/public/search/facets/?q=mounted"' in search
    counts = Client().get("/public/search/facets/?q=mounted").content.decode()
    assert 'href="/public/?q=mounted&amp;kind=' in counts
    assert '<a href="/public/?q=mounted">Back to the results</a>' in counts
