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

from collections.abc import Callable, Iterator
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import router
from django.http import HttpResponse, HttpResponseBase
from django.utils.http import parse_etags
from rest_framework.request import Request

from quotes.generation import data_generation
from quotes.models import Statement

HEADER = "X-Page-Cache"
# Larger pages (page_size=100 with long texts) are rendered each time: this bounds a
# worker's page memory at PAGE_CACHE_ENTRIES × 256 KiB.
MAX_PAGE_BYTES = 256 * 1024


# Formats the page cache keeps: JSON pages, and exports that fit in MAX_PAGE_BYTES.
CACHED_FORMATS = {"json", "csv", "ndjson"}
# Response headers that belong to the page (an ETag, an export's file name).
KEPT_HEADERS = ("ETag", "Content-Disposition")


def cacheable(request: Request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and request.user.is_anonymous
        and request.accepted_renderer.format in CACHED_FORMATS
        and "no-cache" not in request.headers.get("Cache-Control", "")
    )


def page_key(request: Request, generation: int) -> str:
    # The host is part of the page (its next/previous links are absolute), and the media
    # type (`application/json; indent=4` is rendered indented).
    url, media_type = request.build_absolute_uri(), request.accepted_media_type
    page = f"{generation}\n{request.version}\n{media_type}\n{url}"
    return "page:" + sha256(page.encode()).hexdigest()


def cached_page(request: Request, render: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """The page for `request`: from the cache when the data has not changed since it was
    rendered, else `render()`ed (a finalized DRF response) and kept if it is a 200."""
    if not cacheable(request):
        return render()
    generation = data_generation(router.db_for_read(Statement))
    if generation is None:
        return render()
    pages, key = caches["pages"], page_key(request, generation)
    if (hit := pages.get(key)) is not None:
        return _from_cache(request, *hit)
    response = render()
    if response.status_code != 200:
        return response
    if response.streaming:
        response.streaming_content = _kept_if_small(response.streaming_content, response, key)
        return response
    response.render()
    if len(response.content) <= MAX_PAGE_BYTES:
        pages.set(key, _entry(response, response.content), settings.PAGE_CACHE_SECONDS)
        response[HEADER] = "miss"
    return response


def _entry(response: HttpResponseBase, content: bytes) -> tuple:
    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    return response["Content-Type"], content, headers


def _from_cache(request: Request, content_type: str, content: bytes, headers: dict) -> Any:
    etag = headers.get("ETag")
    if etag and etag in {
        tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))
    }:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    response[HEADER] = "hit"
    return response


def _kept_if_small(
    chunks: Iterator[bytes], response: HttpResponseBase, key: str
) -> Iterator[bytes]:
    """The export streamed as it comes; kept as a page if it ends within MAX_PAGE_BYTES
    (a small export's whole body; a large one is never held in memory)."""
    kept: list[bytes] | None = []
    size = 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            kept = [*kept, chunk] if size <= MAX_PAGE_BYTES else None
        yield chunk
    if kept is not None:
        entry = _entry(response, b"".join(kept))
        caches["pages"].set(key, entry, settings.PAGE_CACHE_SECONDS)


class PageCacheMixin:
    """For a viewset: `self.cached(request, build)` returns build()'s response, finalized
    and rendered, or the same page from the cache. Every public read of the viewset
    (its list, its detail and `cached_actions`) goes through it."""

    cached_actions: set[str] = set()

    def cached(self, request: Request, build: Callable[[], Any]) -> HttpResponseBase:
        return cached_page(request, lambda: self.finalize_response(request, build()))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.cached(
            request, lambda: super(PageCacheMixin, self).list(request, *args, **kwargs)
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        read = super().retrieve
        return self.cached(request, lambda: read(request, *args, **kwargs))
