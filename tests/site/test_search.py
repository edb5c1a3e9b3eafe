"""The search page: the API's statements in the API's order, facets, chips, errors."""

import re
from html import escape

import pytest
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.test import Client

from quotes.models import Statement
from tests.factories import (
    AppearanceFactory,
    OrganizationFactory,
    OutletFactory,
    SourceFactory,
    TopicFactory,
    VerifiedStatementFactory,
)

pytestmark = pytest.mark.django_db
ARTICLE_ID = re.compile(r'<article class="statement" data-id="(\d+)"')


def page_ids(client: Client, query: str) -> list[int]:
    response = client.get("/" + query)
    assert response.status_code == 200, response.content[:500]
    return [int(pk) for pk in ARTICLE_ID.findall(response.content.decode())]


def api_ids(client: Client, query: str) -> list[int]:
    response = client.get("/api/v1/statements/" + query)
    assert response.status_code == 200, response.content[:500]
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=mines",
        "?q=mines&ordering=-said_on",
        "?q=mines&ordering=said_on",
        "?anonymous=true",
        "?kind=paraphrase&ordering=said_on",
        "?outlet=the-washington-post",
        "?organization=defense-department&include_children=true",
        "?topic=antipersonnel-mines-decision&said_after=2024-01-01",
        "?q=Lloyd+Austen",
        "?page_size=5",
    ],
)
def test_search_lists_the_same_statements_in_the_same_order_as_the_api(seed, query) -> None:
    client = Client()
    assert page_ids(client, query) == api_ids(client, query)


def test_next_page_continues_as_the_apis_next_page(seed) -> None:
    client = Client()
    first = client.get("/?page_size=5").content.decode()
    cursor = re.search(r'rel="next" href="\?[^"]*cursor=([^"&]+)', first).group(1)
    following = f"?page_size=5&cursor={cursor}"
    assert page_ids(client, following) == api_ids(client, following)
    assert set(page_ids(client, following)).isdisjoint(page_ids(client, "?page_size=5"))


def test_results_mark_the_match_and_show_the_count_as_status(seed) -> None:
    html = Client().get("/?q=landmines").content.decode()
    assert "<mark>" in html
    assert re.search(r'id="result-count" role="status">\d+ statements?<', html)
    # The counts load from their own URL (tests/site/test_facets.py).
    assert '<div id="search-facets" class="facets" hx-get="/search/facets/?q=landmines"' in html
    assert '<form role="search" action="/" method="get"' in html


def test_a_relayed_statement_shows_its_via_badge(db) -> None:
    post = OutletFactory(name="The Washington Post", slug="the-washington-post")
    appearance = AppearanceFactory(statement=VerifiedStatementFactory(), source=SourceFactory())
    appearance.via = post
    appearance.save()
    html = Client().get("/").content.decode()
    assert '<span class="badge relay">via The Washington Post</span>' in html


def test_misspelled_name_offers_the_search_as_typed(seed) -> None:
    html = Client().get("/?q=Lloyd+Austen").content.decode()
    assert "Showing results for <strong>Lloyd Austin</strong>" in html
    assert 'href="?q=Lloyd+Austen&amp;exact=true">search instead for Lloyd Austen</a>' in html


def test_a_typed_speaker_name_becomes_the_speaker_filter(seed) -> None:
    response = Client().get("/?q=&speaker_name=Lloyd+Austen&kind=")
    assert response.status_code == 302
    assert response["Location"] == "/?speaker=lloyd-austin"


def test_an_unknown_speaker_name_is_named_next_to_its_field_with_400(seed) -> None:
    response = Client().get("/?speaker_name=Zzyzx+Qwerty")
    assert response.status_code == 400
    assert "No speaker’s name or alias resembles “Zzyzx Qwerty”" in response.content.decode()


def test_malformed_date_rerenders_the_form_with_the_problem_and_400(seed) -> None:
    response = Client().get("/?q=mines&said_after=19-11-2024")
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'href="#f-saidafter"' in html
    assert 'class="error-message"' in html
    assert 'value="mines"' in html  # what was typed is kept


@pytest.mark.parametrize("cursor", ["bad", "WzEsMiwzXQ==", "eyJ4Ijp9"])
def test_malformed_cursor_is_a_400_page_not_a_500(seed, cursor) -> None:
    response = Client().get(f"/?cursor={cursor}")
    assert response.status_code == 400
    assert "Invalid cursor" in response.content.decode()


def test_relevance_without_a_search_is_named_as_the_problem(seed) -> None:
    response = Client().get("/?ordering=relevance")
    assert response.status_code == 400
    assert "relevance ordering needs" in response.content.decode()


def test_no_results_says_so_and_offers_names(seed) -> None:
    html = Client().get("/?q=Peskov+zzzqqq").content.decode()
    assert "No statements match" in html
    assert "?speaker=dmitry-peskov" in html


def test_active_filters_are_chips_that_remove_themselves(seed) -> None:
    html = Client().get("/?q=mines&kind=paraphrase").content.decode()
    assert 'aria-label="Active filters"' in html
    assert re.search(r'<a href="\?q=mines"[^>]*>Kind: Paraphrase<', html)


def test_facet_links_refine_the_search(seed) -> None:
    html = Client().get("/search/facets/?q=mines").content.decode()
    assert 'href="/?q=mines&amp;kind=direct_quote"' in html


def test_exports_link_to_the_api_with_the_same_parameters(seed) -> None:
    html = Client().get("/?q=mines&kind=paraphrase").content.decode()
    assert 'href="/api/v1/statements/?q=mines&amp;kind=paraphrase&amp;format=csv"' in html
    assert 'href="/api/v1/statements/?q=mines&amp;kind=paraphrase&amp;format=ndjson"' in html
    response = Client().get("/api/v1/statements/?q=mines&kind=paraphrase&format=csv")
    assert response.status_code == 200


def test_htmx_gets_the_search_fragment(seed) -> None:
    response = Client().get("/?q=mines", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-page")
    html = response.content.decode()
    assert '<div id="search-page" data-feed-url="/feed/?q=mines">' in html
    assert "<html" not in html
    # The title, and the feed link in <head> swapped out of band, follow the search.
    assert "<title>mines – Search statements" in html
    assert 'id="feed-link" rel="alternate"' in html
    assert 'href="/feed/?q=mines" hx-swap-oob="true"' in html


def test_speaker_suggestions_tolerate_misspellings(seed) -> None:
    response = Client().get("/suggest/speakers/?q=Dmitry+Perskov&format=json")
    assert response.json()["results"][0]["slug"] == "dmitry-peskov"
    html = Client().get("/suggest/speakers/?speaker_name=Lloyd+Austen&kind=paraphrase").content
    assert b"?kind=paraphrase&amp;speaker=lloyd-austin" in html


def test_drafts_are_not_listed_to_the_public(db) -> None:
    VerifiedStatementFactory(text="Published words.")
    draft = VerifiedStatementFactory(text="Draft words.", status=Statement.Status.DRAFT)
    html = Client().get("/").content.decode()
    assert "Published words." in html
    assert f'data-id="{draft.pk}"' not in html


def test_search_page_query_count_is_bounded(seed, django_assert_max_num_queries) -> None:
    client = Client()
    with django_assert_max_num_queries(25):
        assert (
            client.get("/?q=mines&kind=direct_quote", HTTP_CACHE_CONTROL="no-cache").status_code
            == 200
        )
    with django_assert_max_num_queries(25):
        assert client.get("/?page_size=100", HTTP_CACHE_CONTROL="no-cache").status_code == 200


def test_the_form_carries_parameters_it_has_no_field_for(seed) -> None:
    html = Client().get("/?source=1&topic=a&topic=b&exact=true&q=x").content.decode()
    assert '<input type="hidden" name="source" value="1">' in html
    assert '<input type="hidden" name="topic" value="b">' in html
    assert '<input type="hidden" name="exact" value="true">' in html


def test_htmx_submission_gets_the_fragment_and_the_clean_url_to_push(seed) -> None:
    response = Client().get(
        "/?q=mines&speaker_name=&kind=&said_after=",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="search-page",
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/?q=mines"
    assert '<div id="search-page"' in response.content.decode()


def test_a_cached_fragment_keeps_the_url_to_push_and_vary(seed) -> None:
    def get() -> HttpResponse:
        return Client().get(
            "/?q=mines&speaker_name=&kind=", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-page"
        )

    miss, hit = get(), get()
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert hit["HX-Push-Url"] == miss["HX-Push-Url"] == "/?q=mines"
    assert set(miss["Vary"].split(", ")) <= set(hit["Vary"].split(", "))


def test_a_typed_speaker_name_is_matched_on_its_first_200_characters(db, monkeypatch) -> None:
    from quotes import search

    matched, search_speakers = [], search.search_speakers

    def spy(queryset: QuerySet, q: str) -> QuerySet:
        matched.append(q)
        return search_speakers(queryset, q)

    monkeypatch.setattr(search, "search_speakers", spy)
    long = "Lloyd Austin " * 500
    assert Client().get("/", {"speaker_name": long}).status_code == 400
    Client().get("/suggest/speakers/", {"speaker_name": long})
    assert matched
    assert all(len(q) <= 200 for q in matched)


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("cursor=nonsense", "Page"),
        ("page_size=many", "Results per page"),
        ("source=first", "Source"),
        ("reported_after=soon", "First reported on or after"),
        ("reported_before=soon", "First reported on or before"),
    ],
)
def test_errors_of_parameters_without_a_field_link_to_the_search_box(
    db, query: str, label: str
) -> None:
    response = Client().get(f"/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group()
    links = re.findall(r'<a href="#([^"]+)">([^<:]+):', summary)
    assert links
    assert all(target == "q" for target, _ in links)
    assert label in {name for _, name in links}
    assert 'id="q"' in html


def test_requests_carry_django_htmxs_details(db) -> None:
    response = Client().get("/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-page")
    assert response.wsgi_request.htmx
    assert response.wsgi_request.htmx.target == "search-page"
    assert not Client().get("/").wsgi_request.htmx


def test_the_search_status_region_stays_outside_what_htmx_swaps(db) -> None:
    page = Client().get("/?q=mines").content.decode()
    region = '<p id="search-status" class="visually-hidden" role="status" aria-live="polite">'
    assert region in page
    assert page.index(region) > page.index('<div id="search-page"')
    # After the whole of #search-page: the swap leaves the region, and what it said, be.
    assert page.index(region) > page.index('<div id="results">')
    fragment = Client().get("/?q=mines", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-page")
    assert 'id="search-status"' not in fragment.content.decode()
    script = (settings.BASE_DIR / "quotes/static/site/site.js").read_text()
    assert 'getElementById("search-status")' in script
    assert 'querySelector(".error-summary")' in script


def test_a_capped_count_says_ten_thousand_plus(seed, monkeypatch) -> None:
    from quotes import paging

    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    html = Client().get("/").content.decode()
    assert re.search(r'id="result-count" role="status">3\+ statements<', html)


def make_printed_statements(count: int) -> None:
    from tests.factories import AnonymousSpeakerFactory, TopicFactory

    for n in range(count):
        speaker = AnonymousSpeakerFactory() if n % 2 else None
        statement = VerifiedStatementFactory(**({"speaker": speaker} if speaker else {}))
        statement.topics.add(TopicFactory())
        appearance = AppearanceFactory(statement=statement, source=SourceFactory())
        appearance.via = OutletFactory()
        appearance.save()


@pytest.mark.parametrize("url", ["/", "/?q=back", "/feed/", "/speakers/", "/topics/", "/outlets/"])
def test_list_pages_read_as_many_queries_for_twenty_statements_as_for_two(db, url) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(url, HTTP_CACHE_CONTROL="no-cache").status_code == 200
        return len(captured)

    make_printed_statements(2)
    few = queries()
    make_printed_statements(18)
    assert queries() == few


def test_the_forms_lists_follow_a_new_organization_outlet_or_topic_at_once(client: Client) -> None:
    fresh = {"HTTP_CACHE_CONTROL": "no-cache"}
    before = client.get("/", **fresh).content.decode()
    OrganizationFactory(name="Ministry of Brand New Things", slug="brand-new")
    OutletFactory(name="The Morning Fresh", slug="morning-fresh")
    TopicFactory(name="Fresh Topic", slug="fresh-topic")
    after = client.get("/", **fresh).content.decode()
    for option in ('value="brand-new"', 'value="morning-fresh"', 'value="fresh-topic"'):
        assert option not in before
        assert option in after


def test_a_misspelled_parameter_is_named_not_ignored(client: Client) -> None:
    VerifiedStatementFactory()
    page = client.get("/?said_on=2024-11-19")
    assert page.status_code == 400
    assert "said_on" in page.content.decode()
    assert "Unknown parameter" in page.content.decode()
    assert client.get("/feed/?page=abc").status_code == 400


def test_a_shared_links_tracking_parameters_are_not_errors(client: Client) -> None:
    VerifiedStatementFactory()
    assert client.get("/?q=back&utm_source=newsletter&fbclid=x").status_code == 200
    assert client.get("/feed/?q=back&utm_medium=email").status_code == 200


def test_the_feed_names_a_typed_speaker_name_instead_of_ignoring_it(client: Client) -> None:
    response = client.get("/feed/?speaker_name=Peskov")
    assert response.status_code == 400
    assert "speaker_name" in response.content.decode()


def test_a_speaker_chip_names_the_speaker_and_an_anonymous_source_by_its_label(seed) -> None:
    from django.contrib.auth.models import AnonymousUser

    from quotes import reads
    from quotes.models import Speaker

    named = Client().get("/?speaker=dmitry-peskov").content.decode()
    assert re.search(r'<a href="\?"[^>]*>Speaker: Dmitry Peskov<', named)
    source = Speaker.objects.filter(is_anonymous=True, statements__isnull=False).first()
    label = reads.speaker_labels([source.pk], AnonymousUser())[source.pk]
    assert label != source.name  # told apart by who printed it first
    anonymous = Client().get(f"/?speaker={source.slug}").content.decode()
    assert f"Speaker: {escape(label)}<" in anonymous
