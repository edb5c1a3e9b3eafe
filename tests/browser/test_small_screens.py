"""At 375 CSS pixels wide (a small phone) no page scrolls sideways."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import browser_test, counts_loaded
from tests.browser.seed_pages import PAGE_TYPES, path_of

pytestmark = browser_test

# The elements wider than the viewport, to name in a failure.
WIDER_THAN_VIEWPORT = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_page_scrolls_sideways_on_a_small_phone(
    phone_page: Page, site: str, page_type: str
) -> None:
    phone_page.goto(site + path_of(page_type))
    counts_loaded(phone_page)

    scroll_width, client_width = phone_page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )

    assert client_width == 375
    assert scroll_width <= client_width, phone_page.evaluate(WIDER_THAN_VIEWPORT)


def test_a_phone_shows_the_results_with_the_filters_folded_away(
    phone_page: Page, site: str
) -> None:
    phone_page.goto(f"{site}/?q=landmines&kind=written_statement")
    counts_loaded(phone_page)
    filters = phone_page.locator("details.filters")

    assert not filters.evaluate("details => details.open")
    assert not phone_page.locator("details.facet-panel").evaluate("details => details.open")
    first = phone_page.locator("#results article.statement").first
    assert first.bounding_box()["y"] < 900  # within the first screens, not 20 fields down
    phone_page.get_by_text("Filters", exact=True).click()
    assert filters.evaluate("details => details.open")


def test_a_wide_screen_keeps_the_filters_of_a_search_open(page: Page, site: str) -> None:
    page.goto(f"{site}/?q=landmines&kind=written_statement")
    counts_loaded(page)

    assert page.locator("details.filters").evaluate("details => details.open")
    assert page.locator("details.facet-panel").evaluate("details => details.open")
