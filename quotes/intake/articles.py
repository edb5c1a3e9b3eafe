"""An article as intake reads it: the text that offsets refer to, and its metadata.

Three shapes come in: HTML (from a URL, a file or the API; its text is what trafilatura
extracts, exactly as `extract_quotes` reads it), the seed format (<TITLE>, <URL>,
<PUBLISHED_DATE>, <AUTHOR>, <CONTENT> …: the text is kept whole, tags included, as the
seed sources are), and plain text. Nothing here touches the database. The extraction
package is imported when an HTML page is read, not before: it loads spaCy, which every
process that merely imports the admin or the API would otherwise pay for.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from .fetch import Fetched

TITLE_LIMIT = 500
_SEED_TAG = re.compile(r"<(TITLE|URL|PUBLISHED_DATE|AUTHOR)>(.*?)</\1>", re.S)
_SEED = re.compile(r"</?(?:TITLE|CONTENT)>")
_WORD = re.compile(r"[^\W_]")
_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]*>", re.S | re.I)
# "By Michael Birnbaum and Alex Horton"
_BYLINE = re.compile(r"^\s*By\s+([A-Z][^\n]{2,150}?)\s*$", re.M)
_NAME = r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}"
_OUTLET = r"(?:[Tt]he )?[A-Z][\w&.'’-]*(?: [A-Z&][\w&.'’-]*){0,5}"
# "Ryan Morgan is a reporter for The Epoch Times focusing on …"
_BIO = re.compile(
    rf"^({_NAME}) is an? (?:[\w-]+ ){{0,4}}(?:reporter|correspondent|writer|editor|"
    rf"journalist|columnist|contributor)\b[^.\n]*?\b(?:for|at|with) ({_OUTLET})",
    re.M,
)
# "© 2024 The New York Sun Company, LLC. All rights reserved."
_COPYRIGHT = re.compile(
    rf"(?:©|\([cC]\)|(?i:copyright))\s*(?:\d{{4}}(?:\s*[-–]\s*\d{{4}})?,?\s*)?(?:by\s+)?({_OUTLET})"
)
_CORPORATE = re.compile(
    r"(?:,?\s+(?:Company|Co\.?|LLC|L\.L\.C\.|Inc\.?|Ltd\.?|Limited|Corp\.?|Corporation|"
    r"Media|Group|Holdings|Publishing|plc|GmbH|All))+$",
    re.I,
)
# Query parameters that only say where a reader came from.
_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ocid|cmpid|smid|smtyp|"
    r"ref_src|icid|_ga|_gl|igshid)$",
    re.I,
)


class ArticleError(Exception):
    """The input cannot be read as an article; the message says why, for a curator."""


@dataclass(frozen=True)
class Article:
    """The text as extracted (a source's text, offsets into it) and what it says of itself."""

    text: str
    title: str
    published_on: datetime.date | None = None
    authors: list[str] = field(default_factory=list)
    language: str = "en"
    url: str = ""  # the article's own (canonical) URL, normalised
    site_name: str = ""
    copyright_holder: str = ""
    byline_outlet: str = ""
    method: str = "text"  # quotes.intake.models.ImportMethod
    requested_url: str = ""
    fetched_url: str = ""
    filename: str = ""

    @property
    def digest(self) -> str:
        return text_digest(self.text)

    def with_given(self, **given: object) -> Article:
        """The article with the metadata a curator gave (empty values ignored)."""
        return replace(self, **{name: value for name, value in given.items() if value})


def text_digest(text: str) -> str:
    """SHA-256 of the text with whitespace runs as single spaces (NFC): the same article
    pasted with other line breaks is the same text."""
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def normalise_url(url: str) -> str:
    """The URL as compared for duplicates: scheme and host lower case, default port,
    fragment and tracking parameters (utm_*, fbclid …) dropped."""
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return url
    if ":" in host:
        host = f"[{host}]"
    if port and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def decode(body: bytes, charset: str | None, what: str) -> str:
    """Bytes as text in the declared charset (UTF-8 when none); ArticleError if they are
    not, naming the first bad byte."""
    encoding = charset or "utf-8"
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # a byte-order mark is not part of the text
    try:
        return body.decode(encoding)
    except LookupError:
        raise ArticleError(f"{what} declares an unknown character set ({charset!r}).") from None
    except UnicodeDecodeError as error:
        byte = body[error.start]
        raise ArticleError(
            f"{what} is not {charset or 'UTF-8'} text (byte 0x{byte:02x} at offset {error.start})."
        ) from None


def html_charset(body: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> near its top."""
    found = _META_CHARSET.search(body[:4096])
    return found.group(1).decode("ascii").lower() if found else None


def has_words(text: str) -> bool:
    return bool(_WORD.search(text))


def from_fetched(fetched: Fetched) -> Article:
    what = fetched.url
    if fetched.content_type == "text/plain":
        article = from_text(decode(fetched.body, fetched.charset, what))
    else:
        charset = fetched.charset or html_charset(fetched.body)
        article = from_html(decode(fetched.body, charset, what))
    url = article.url or normalise_url(fetched.url)
    return replace(
        article, method="url", requested_url=fetched.requested_url, fetched_url=fetched.url, url=url
    )


def from_upload(filename: str, body: bytes) -> Article:
    """An uploaded .html/.htm or .txt file (the seed format included)."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    if not body.strip():
        raise ArticleError(f"{name} is empty.")
    from quotes.extraction.documents import looks_like_html

    is_html = name.lower().endswith((".html", ".htm"))
    charset = html_charset(body) if is_html else None
    text = decode(body, charset, name)
    if is_html or (not name.lower().endswith(".txt") and looks_like_html(text)):
        article = from_html(text)
    else:
        article = from_text(text)
    return replace(article, method="file", filename=name)


def from_html(html: str) -> Article:
    """The article of an HTML page: its main text (trafilatura, as extract_quotes reads
    it) and metadata: title, authors, date, canonical URL, site name, language."""
    import trafilatura

    from quotes.extraction.documents import html_to_text

    text, published_on = html_to_text(html)
    metadata = trafilatura.extract_metadata(html)
    title = (metadata.title if metadata and metadata.title else "") or first_line(text)
    if not has_words(text[len(title) :] if text.startswith(title) else text):
        raise ArticleError("No article text found in the HTML.")
    page_text = _TAGS.sub(" ", html)
    language = _LANG.search(html[:5000])
    return Article(
        text=text,
        title=clipped(title),
        published_on=published_on,
        authors=_names(re.split(r";|\s+and\s+", metadata.author))
        if metadata and metadata.author
        else [],
        language=language.group(1)[:20] if language else "en",
        url=normalise_url(metadata.url) if metadata and metadata.url else "",
        site_name=(metadata.sitename or "")[:200] if metadata else "",
        copyright_holder=copyright_holder(page_text),
        byline_outlet=_bio(text)[1],
        method="html",
    )


def from_text(text: str) -> Article:
    """Plain text or the seed format, kept whole: offsets refer to it as given."""
    if _SEED.search(text):
        return _from_seed(text)
    if not has_words(text):
        raise ArticleError("The article is empty: no words in it.")
    author, outlet = _bio(text)
    byline = _BYLINE.search("\n".join(text.splitlines()[:15]))
    authors = _names(re.split(r",\s*|\s+and\s+", byline.group(1))) if byline else []
    return Article(
        text=text,
        title=clipped(first_line(text)),
        authors=authors or ([author] if author else []),
        copyright_holder=copyright_holder(text),
        byline_outlet=outlet,
    )


def _from_seed(text: str) -> Article:
    tags = {name: " ".join(value.split()) for name, value in _SEED_TAG.findall(text)}
    prose = re.sub(r"<(/?)[A-Z_]+>", " ", _SEED_TAG.sub(" ", text))
    if not has_words(prose):
        raise ArticleError("The article is empty: no words outside its tags.")
    published_on = None
    if date := tags.get("PUBLISHED_DATE"):
        try:
            published_on = datetime.date.fromisoformat(date[:10])
        except ValueError:
            published_on = None
    _, outlet = _bio(text)
    return Article(
        text=text,
        title=clipped(tags.get("TITLE") or first_line(prose)),
        published_on=published_on,
        authors=_names(re.split(r",\s*|\s+and\s+", tags.get("AUTHOR", ""))),
        url=normalise_url(tags.get("URL", "")),
        copyright_holder=copyright_holder(text),
        byline_outlet=outlet,
    )


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if has_words(line)), "")


def clipped(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"


def _names(names: list[str]) -> list[str]:
    cleaned = (" ".join(name.split()).strip(" ,;") for name in names)
    return list(dict.fromkeys(name[:200] for name in cleaned if has_words(name)))[:20]


def _bio(text: str) -> tuple[str, str]:
    """The author and outlet of a closing bio ('Ryan Morgan is a reporter for The Epoch
    Times …'), or empty strings."""
    found = _BIO.search(text)
    return (found.group(1), found.group(2).strip()) if found else ("", "")


def copyright_holder(text: str) -> str:
    """'The New York Sun' of '© 2024 The New York Sun Company, LLC. All rights reserved.'"""
    for found in _COPYRIGHT.finditer(text):
        holder = _CORPORATE.sub("", found.group(1).strip(" .,"))
        if has_words(holder) and holder.lower() not in ("all rights reserved", "all"):
            return holder[:200]
    return ""
