"""axe-core (tests/browser/vendor) finds no WCAG 2.2 A or AA failure on any page type."""

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import AXE, browser_test, counts_loaded
from tests.browser.seed_pages import PAGE_TYPES, path_of

pytestmark = browser_test

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(results => results.violations)",
        WCAG_22_AA,
    )


def described(violations: list[dict[str, Any]]) -> str:
    """Each violation with the elements it names, as a failure message."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_type_passes_axe(page: Page, site: str, page_type: str) -> None:
    page.goto(site + path_of(page_type))
    counts_loaded(page)  # the search page's facets too, as a reader sees them

    violations = axe_violations(page)

    assert violations == [], described(violations)


def test_the_search_page_passes_axe_with_its_filters_open_and_suggestions_shown(
    page: Page, site: str
) -> None:
    page.goto(f"{site}/?q=landmines")
    page.locator("input#speaker-filter").press_sequentially("Perskov", delay=30)
    page.locator("#speaker-suggestions li").first.wait_for()
    counts_loaded(page)

    violations = axe_violations(page)

    assert violations == [], described(violations)
