"""The three ways an article comes in (a URL, an uploaded file, pasted text or HTML) and
a batch record, as an Article with the metadata a curator gave over what it says of
itself. Shared by the admin, the API and `import_articles`; raises ArticleError (a
FetchError for URLs) with a message for curators.
"""

from __future__ import annotations

import datetime
from typing import IO, Any

from django.conf import settings

from .articles import Article, ArticleError, from_fetched, from_html, from_text, from_upload
from .articles import normalise_url as _normalise_url
from .fetch import FetchPolicy, fetch


def fetch_policy() -> FetchPolicy:
    return FetchPolicy(
        timeout=float(settings.INTAKE_FETCH_TIMEOUT),
        max_bytes=settings.INTAKE_MAX_ARTICLE_BYTES,
        max_redirects=settings.INTAKE_MAX_REDIRECTS,
        allow_private=settings.INTAKE_ALLOW_PRIVATE_URLS,
    )


def from_url(url: str) -> Article:
    return from_fetched(fetch(url, fetch_policy()))


def from_file(name: str, file: IO[bytes]) -> Article:
    """An uploaded file, read up to the size limit (a larger one is refused unread)."""
    limit = settings.INTAKE_MAX_ARTICLE_BYTES
    body = file.read(limit + 1)
    if len(body) > limit:
        raise ArticleError(f"{name} is too large (more than {limit:,} bytes).")
    return from_upload(name, body)


def from_pasted(text: str) -> Article:
    """Pasted text; a browser's CRLF line ends are the text's own LF ones."""
    return from_text(text.replace("\r\n", "\n"))


def given(
    article: Article,
    *,
    title: str = "",
    published_on: datetime.date | None = None,
    authors: list[str] | None = None,
    language: str = "",
    url: str = "",
) -> Article:
    """The article with what the curator gave instead of what it says of itself."""
    return article.with_given(
        title=title.strip(),
        published_on=published_on,
        authors=authors,
        language=language.strip(),
        url=_normalise_url(url),
    )


def from_record(record: Any) -> Article:
    """One line of a batch file: {"url": …} (fetched), or {"text": …} or {"html": …}
    with optional "url" (the article's own), "title", "published_on", "authors",
    "language"."""
    if not isinstance(record, dict):
        raise ArticleError("Each line must be a JSON object with url, text or html.")
    text, html, url = record.get("text"), record.get("html"), record.get("url") or ""
    if not all(isinstance(value, str) for value in (text or "", html or "", url)):
        raise ArticleError("url, text and html must be strings.")
    if text and html:
        raise ArticleError("Give text or html, not both.")
    if text:
        article = from_text(text)
    elif html:
        article = from_html(html)
    elif url:
        article = from_url(url)
    else:
        raise ArticleError("Give url, text or html.")
    return given(article, **_metadata(record), url=url if (text or html) else "")


def _metadata(record: dict) -> dict[str, Any]:
    published = record.get("published_on") or None
    try:
        published = datetime.date.fromisoformat(published) if published else None
    except (TypeError, ValueError):
        raise ArticleError(
            f"published_on must be a date (YYYY-MM-DD), not {published!r}."
        ) from None
    authors = record.get("authors") or None
    if authors is not None and not (
        isinstance(authors, list) and all(isinstance(a, str) for a in authors)
    ):
        raise ArticleError("authors must be a list of names.")
    title, language = record.get("title") or "", record.get("language") or ""
    if not isinstance(title, str) or not isinstance(language, str):
        raise ArticleError("title and language must be strings.")
    return {"title": title, "published_on": published, "authors": authors, "language": language}
