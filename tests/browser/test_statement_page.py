"""A reader opening a statement: every outlet's wording, how each differs, its
structured data."""

import json
import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import browser_test
from tests.browser.seed_pages import waves_of_troops

pytestmark = browser_test


def open_from_search(page: Page, site: str, words: str) -> None:
    page.goto(f"{site}/")
    page.locator("input#q").fill(f"“{words}”")
    page.locator("input#q").press("Enter")
    card = page.locator("#results article.statement").filter(has_text=words)
    expect(card).to_have_count(1)
    card.get_by_role("link", name=re.compile(r"^Statement \d+")).click()
    expect(page).to_have_url(re.compile(r"/statements/\d+/$"))


def test_reader_opens_the_relayed_remark_and_sees_each_outlets_wording(
    page: Page, site: str
) -> None:
    open_from_search(page, site, "waves of troops")

    appearances = page.locator("ol.appearances > li.appearance")
    expect(appearances).to_have_count(2)
    relayed = re.compile(r"^Unknown outlet\s+via The Washington Post$")
    expect(appearances.locator("h3")).to_have_text([re.compile(r"^The Washington Post\b"), relayed])
    for wording in appearances.locator("blockquote.wording").all_inner_texts():
        assert "waves of troops" in wording
    expect(appearances.nth(1)).to_contain_text("“one US official told the Post”")
    expect(page.locator("dl.facts")).to_contain_text("U.S. official")


def test_reader_sees_where_an_outlets_wording_differs_from_the_statement(
    page: Page, site: str
) -> None:
    open_from_search(page, site, "They have a need for things")

    expect(page.locator("figure.canonical blockquote")).to_contain_text("of the of the Russians")
    post = page.locator("li.appearance").filter(has_text="The Washington Post")
    sun = page.locator("li.appearance").filter(has_text="The New York Sun")
    expect(post.locator("ins, del")).to_have_count(0)
    expect(post).to_contain_text("Same words as the canonical text.")
    # The Sun printed "…can help that effort on the part of the Russians".
    expect(sun.locator("blockquote.wording del")).to_have_text(["slow down", "of the"])
    expect(sun.locator("blockquote.wording ins")).to_have_count(0)
    expect(sun).to_contain_text("Worded differently from the canonical text.")


def test_the_statement_page_carries_its_quotation_as_json_ld(page: Page, site: str) -> None:
    statement = waves_of_troops()
    page.goto(f"{site}/statements/{statement.pk}/")

    scripts = page.locator('script[type="application/ld+json"]')
    expect(scripts).to_have_count(1)
    data = json.loads(scripts.text_content() or "")

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Quotation"
    assert data["url"] == data["@id"]
    assert data["url"].endswith(f"/statements/{statement.pk}/")
    assert data["text"] == statement.text
    assert data["creator"]["@type"] == "Person"
    assert data["creator"]["name"] == "U.S. official"
    assert data["creator"]["description"]
    articles = data["citation"]
    assert len(articles) == 2
    assert {article["@type"] for article in articles} == {"NewsArticle"}
    assert all(article["headline"] for article in articles)
    assert articles[0]["publisher"] == {"@type": "Organization", "name": "The Washington Post"}
    assert articles[0]["url"].startswith("https://www.washingtonpost.com/")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", articles[0]["datePublished"])
