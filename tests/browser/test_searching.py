"""A reader searching the seed: results, facets, the speaker filter, without JavaScript
too, and the search's Atom feed."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urljoin

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import browser_test

pytestmark = browser_test

ATOM = "{http://www.w3.org/2005/Atom}"


def search(page: Page, site: str, words: str) -> None:
    page.goto(f"{site}/")
    page.locator("search form[role=search] input#q").fill(words)
    page.locator("search form[role=search] button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(words.replace(" ", "+"))))


def expect_the_relayed_remark(page: Page) -> None:
    """The anonymous official's "waves of troops" card: both printings, the relay, the
    highlighted words."""
    card = page.locator("#results article.statement").filter(has_text="waves of troops")
    expect(card).to_have_count(1)
    expect(card.locator(".who")).to_contain_text("U.S. official")
    printings = card.locator(".printings li")
    expect(printings).to_have_count(2)
    expect(printings.filter(has_text="The Washington Post").first).to_be_visible()
    expect(printings.filter(has_text="Unknown outlet")).to_have_count(1)
    expect(card.locator(".relay")).to_have_text("via The Washington Post")
    marks = card.locator("blockquote mark")
    expect(marks.first).to_be_visible()
    expect(marks.filter(has_text=re.compile("troops", re.I))).to_have_count(1)
    count = page.locator("#result-count[role=status]")
    expect(count).to_have_text(re.compile(r"^\d+ statements?$"))


def test_reader_searches_and_sees_the_anonymous_official_both_outlets_and_the_relay(
    page: Page, site: str
) -> None:
    search(page, site, "waves of troops")

    expect_the_relayed_remark(page)


def test_reader_searches_without_javascript_and_gets_the_same_results(
    no_js_page: Page, site: str
) -> None:
    search(no_js_page, site, "waves of troops")

    expect_the_relayed_remark(no_js_page)
    assert no_js_page.evaluate("typeof htmx") == "undefined"  # nothing ran


def test_reader_refines_by_a_speaker_facet_and_goes_back(page: Page, site: str) -> None:
    page.goto(f"{site}/?q=landmines")
    count = page.locator("#result-count")
    before = count.inner_text()
    facet = page.locator("nav[aria-label=Facets] a[href*='speaker=']").first
    name = facet.inner_text()

    facet.click()

    expect(page).to_have_url(re.compile(r"[?&]speaker=[\w-]+"))
    expect(page).to_have_url(re.compile(r"[?&]q=landmines"))
    expect(count).not_to_have_text(before)
    cards = page.locator("#results article.statement")
    expect(cards.first).to_be_visible()
    for who in cards.locator(".who").all_inner_texts():
        assert name in who
    page.go_back()
    expect(page).not_to_have_url(re.compile("speaker="))
    expect(count).to_have_text(before)


def test_the_counts_load_after_the_results_and_follow_a_refined_search(
    page: Page, site: str
) -> None:
    with page.expect_response(lambda r: "/search/facets/?q=landmines" in r.url) as loaded:
        page.goto(f"{site}/?q=landmines")
    assert loaded.value.status == 200
    region = page.locator("#search-facets")
    expect(region.locator("nav[aria-label=Facets] h2").first).to_be_visible()
    expect(region.locator(".facets-link")).to_have_count(0)  # the no-JS link, replaced
    kind = region.locator("nav[aria-label=Facets] a[href*='kind=']").first
    label = kind.inner_text()

    with page.expect_response(lambda r: "/search/facets/" in r.url and "kind=" in r.url):
        kind.click()

    expect(page).to_have_url(re.compile(r"[?&]kind=\w+"))
    applied = region.locator("a[aria-current=true]", has_text=label)
    expect(applied).to_have_count(1)
    expect(page.locator("#results .badge.kind").first).to_have_text(label)
    page.go_back()
    expect(page).not_to_have_url(re.compile("kind="))
    expect(region.locator("nav[aria-label=Facets] a[aria-current=true]")).to_have_count(0)


def test_reader_without_javascript_opens_the_counts_and_refines_by_a_speaker(
    no_js_page: Page, site: str
) -> None:
    page = no_js_page
    page.goto(f"{site}/?q=landmines")
    expect(page.locator("nav[aria-label=Facets]")).to_have_count(0)

    page.get_by_role("link", name="Show counts by speaker, organization, outlet…").click()

    expect(page).to_have_url(re.compile(r"/search/facets/\?q=landmines$"))
    expect(page.locator("h1")).to_have_text("Counts for this search")
    expect(page.get_by_role("link", name="Back to the results")).to_have_attribute(
        "href", "/?q=landmines"
    )
    facet = page.locator("nav[aria-label=Facets] a[href*='speaker=']").first
    name = facet.inner_text()
    facet.click()
    expect(page).to_have_url(re.compile(r"/\?q=landmines&speaker=[\w-]+$"))
    cards = page.locator("#results article.statement")
    expect(cards.first).to_be_visible()
    for who in cards.locator(".who").all_inner_texts():
        assert name in who


def test_reader_types_a_misspelt_speaker_and_is_offered_the_right_one(
    page: Page, site: str
) -> None:
    page.goto(f"{site}/")
    page.locator("details.filters > summary").click()
    field = page.locator("input#speaker-filter")

    field.press_sequentially("Perskov", delay=30)

    suggestion = page.locator("#speaker-suggestions li a", has_text="Dmitry Peskov")
    expect(suggestion).to_have_count(1)
    suggestion.click()
    expect(page).to_have_url(re.compile(r"[?&]speaker=dmitry-peskov"))
    whos = page.locator("#results article.statement .who")
    expect(whos.first).to_contain_text("Dmitry Peskov")
    assert all("Dmitry Peskov" in who for who in whos.all_inner_texts())


def feed_link(page: Page) -> str:
    link = page.locator('head link[rel=alternate][type="application/atom+xml"]')
    expect(link).to_have_count(1)
    return urljoin(page.url, link.get_attribute("href") or "")


@pytest.mark.parametrize("words", ["waves of troops", "landmines"])
def test_the_search_feed_is_atom_with_the_searched_statements(
    page: Page, site: str, words: str
) -> None:
    page.goto(f"{site}/?{urlencode({'q': words})}")

    response = page.request.get(feed_link(page))

    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.body())
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        assert entry.findtext(f"{ATOM}title")
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}link").get("href").startswith(f"{site}/statements/")
    summaries = [entry.findtext(f"{ATOM}summary") or "" for entry in entries]
    if words == "waves of troops":
        assert any("waves of troops" in summary for summary in summaries)


def test_the_feed_link_and_title_follow_a_search_made_in_place_and_back(
    page: Page, site: str
) -> None:
    page.goto(f"{site}/")
    first_feed, first_title = feed_link(page), page.title()

    search(page, site, "waves of troops")

    assert feed_link(page) == f"{site}/feed/?q=waves+of+troops"
    assert "waves of troops" in page.title()
    page.go_back()
    expect(page).to_have_title(first_title)
    assert feed_link(page) == first_feed
