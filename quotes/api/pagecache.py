"""Rendered public read pages, reused until the data changes.

Every anonymous reader gets the same statement list, and the same facets for the same
query; rendering them again for each request is most of the API's work (a first page
takes ~10 ms of a 2-core machine, a cached one well under 1 ms). Pages are kept per
worker process (the `pages` cache) under the database's data generation, a counter that
the database's own triggers increase in the same commit as any change to the published
tables (migration 0008). A request costs one small query to read the generation, so a
page is never served after the data it shows has changed, however the change was made
(API, admin, loaddata, the corpus generator, psql). On a replica the counter arrives
with the data it describes, and all of a request's reads go to the same replica
(quotes/routers.py), so a lagging replica never caches a page under a newer generation.

Not Django's cache_page: it cannot be invalidated by writes, it would send
Cache-Control/Expires headers that let browsers and proxies keep stale copies, and
it does not know that curators see drafts the public must not.

Only anonymous GETs answered in JSON are cached; `Cache-Control: no-cache` (a
browser's forced reload, or the benchmark) renders afresh, which costs nothing a client
could not already cause by changing a query parameter.
"""

from collections.abc import Callable
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import router
from django.http import HttpResponse, HttpResponseBase
from rest_framework.request import Request

from quotes.generation import data_generation
from quotes.models import Statement

HEADER = "X-Page-Cache"
# Larger pages (page_size=100 with long texts) are rendered each time: this bounds a
# worker's page memory at PAGE_CACHE_ENTRIES × 256 KiB.
MAX_PAGE_BYTES = 256 * 1024


def cacheable(request: Request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and request.user.is_anonymous
        and request.accepted_renderer.format == "json"
        and "no-cache" not in request.headers.get("Cache-Control", "")
    )


def cached_page(request: Request, render: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """The page for `request`: from the cache when the data has not changed since it was
    rendered, else `render()`ed (a finalized DRF response) and kept if it is a 200."""
    if not cacheable(request):
        return render()
    generation = data_generation(router.db_for_read(Statement))
    if generation is None:
        return render()
    pages = caches["pages"]
    # The host is part of the page (its next/previous links are absolute), and the media
    # type (`application/json; indent=4` is rendered indented).
    url, media_type = request.build_absolute_uri(), request.accepted_media_type
    page = f"{generation}\n{request.version}\n{media_type}\n{url}"
    key = "page:" + sha256(page.encode()).hexdigest()
    if (hit := pages.get(key)) is not None:
        content_type, content = hit
        response = HttpResponse(content, content_type=content_type)
        response[HEADER] = "hit"
        return response
    response = render()
    if response.status_code == 200 and not response.streaming:
        response.render()
        if len(response.content) <= MAX_PAGE_BYTES:
            content = (response["Content-Type"], response.content)
            pages.set(key, content, settings.PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
    return response


class PageCacheMixin:
    """For a viewset: `self.cached(request, build)` returns build()'s DRF Response,
    finalized and rendered, or the same page from the cache."""

    def cached(self, request: Request, build: Callable[[], Any]) -> HttpResponseBase:
        return cached_page(request, lambda: self.finalize_response(request, build()))
