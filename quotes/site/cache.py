"""The API's page cache (quotes/api/pagecache.py) for the site's HTML pages.

Same store (the `pages` cache) and the same key: the database's data generation, so a
page is never served after the data it shows has changed. Only anonymous GETs that
answered 200 are kept: curators see drafts, and error pages are cheap.
"""

from collections.abc import Callable
from functools import wraps
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import router
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

from quotes.api.pagecache import HEADER
from quotes.generation import data_generation
from quotes.models import Statement

View = Callable[..., HttpResponseBase]
UNKEPT_HEADERS = {"content-type", "content-length", "set-cookie"}
# Entries are (content type, content, headers): "site2" keys leave entries of the
# earlier (content type, content) shape unread.
KEY_VERSION = "site2"


def _cacheable(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and request.user.is_anonymous
        and "no-cache" not in request.headers.get("Cache-Control", "")
    )


def _key(request: HttpRequest, generation: int) -> str:
    # An htmx request for the same URL gets a fragment, not the page.
    fragment = (request.htmx.target or "") if request.htmx else ""
    page = f"{KEY_VERSION}\n{generation}\n{fragment}\n{request.build_absolute_uri()}"
    return "page:" + sha256(page.encode()).hexdigest()


def _kept_headers(response: HttpResponseBase) -> dict[str, str]:
    """The headers a hit must answer with as the miss did (HX-Push-Url, Vary, ...):
    all but those of the one response (its cookies, its length, the cache's own)."""
    return {
        name: value
        for name, value in response.items()
        if name.lower() not in UNKEPT_HEADERS and name != HEADER
    }


def cached(view: View) -> View:
    """`view`'s page from the cache while the data is unchanged, else rendered (and kept)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        generation = data_generation(router.db_for_read(Statement))
        if generation is None:
            return view(request, *args, **kwargs)
        pages, key = caches["pages"], _key(request, generation)
        if (hit := pages.get(key)) is not None:
            content_type, content, headers = hit
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers.items():
                response[name] = value
            response[HEADER] = "hit"
            # As the rendered page varies: by session cookie (curators) and by htmx.
            patch_vary_headers(response, ["Cookie", "HX-Request", "HX-Target"])
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            entry = (response["Content-Type"], response.content, _kept_headers(response))
            pages.set(key, entry, settings.PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response

    return wrapper
