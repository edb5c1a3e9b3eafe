"""Browser tests: pytest-playwright drives Debian's Chromium (never a downloaded browser)
through the public site, served by pytest-django's live_server with the seed loaded.

Without Chromium they skip, saying why; with BROWSER_TESTS_REQUIRED=1 (CI, .ci/run)
they fail instead, so that CI never passes without having run them."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Each test needs committed data (the live server answers from another thread), and
# serialized_rollback restores what the migrations created (the Curators group) after
# the flush, for the transactional tests that run after these.
browser_test = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests last. pytest groups them by pytest-playwright's session-wide
    browser parameter after pytest-django has put the transactional tests last, which
    would leave database tests to run after a transactional test's flush, without what
    the migrations created (serialized_rollback restores it only before such a test)."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    if browser:
        items[:] = [item for item in items if not item.get_closest_marker("browser")] + browser


@pytest.fixture(scope="session", autouse=True)
def _django_beside_playwright(
    request: pytest.FixtureRequest, django_db_setup: None, chromium: Path
) -> Iterator[None]:
    """Starts Playwright with Django still using the connections the test databases were
    set up on. Playwright's sync API keeps an event loop running in this thread, and
    while one runs Django's connections are kept per context (asgiref), so without this
    every later test, browser or not, would get new connections that lack the
    serialized contents of a serialized_rollback, and Django would refuse the tests'
    plain synchronous ORM calls. Without Chromium (the `chromium` fixture) nothing starts."""
    from django.db import connections

    kept = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        request.getfixturevalue("playwright")
        for alias, connection in kept.items():
            connections[alias] = connection
        yield
        for alias in kept:
            del connections[alias]


@pytest.fixture(scope="session")
def chromium() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = f"No Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM)"
    if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
        pytest.fail(f"{reason}, and BROWSER_TESTS_REQUIRED=1.")
    pytest.skip(f"{reason}: browser tests skipped.")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium: Path) -> dict:
    """pytest-playwright's launch arguments, with Debian's Chromium as the browser."""
    return {**browser_type_launch_args, "executable_path": str(chromium)}


@pytest.fixture(scope="session")
def base_url() -> None:
    # Replaces pytest-playwright 0.10's own (a method on a plugin class, which pytest 9
    # deprecates with a warning, an error here): pages are opened by full URL.
    return None


class OneRequestAtATime(WSGIServer):
    """The live server's WSGI server without a thread per request (Django then answers
    `Connection: close`, so a browser's other connections are not held up)."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live_server, answering one request at a time on SQLite. There its
    request threads share the test database's one in-memory connection, and two at once
    deadlock: one inside a query holds SQLite's lock while its progress handler (the
    statement timeout, quotes/timeouts.py) waits for the interpreter's, which the other
    holds while waiting for SQLite's (a page and its htmx counts, loaded together). On
    PostgreSQL each request thread has its own connection, and threads stay."""
    from django.db import connection

    address = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    if connection.vendor == "sqlite":
        server.thread.server_class = OneRequestAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture
def seeded(transactional_db: None) -> None:
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture
def site(live_server: Any, seeded: None) -> str:
    """The live server's root URL, without the trailing slash, serving the seed."""
    return live_server.url


# True once the search page's counts region (if any) holds what htmx loaded into it.
COUNTS_LOADED = "() => !document.querySelector('#search-facets .facets-link')"


def counts_loaded(page: Page) -> None:
    """Waits for the search page's lazily loaded counts (a page without them: at once)."""
    page.wait_for_function(COUNTS_LOADED, timeout=15_000)


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """pytest-playwright's page, left only once the search's counts have loaded: a test
    that ends while they load would leave their request to the live server's shutdown."""
    yield page
    if not page.is_closed():
        counts_loaded(page)


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A page 375 CSS pixels wide, as on a small phone."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    yield context.new_page()
    context.close()
