"""Fetching an article by URL without letting anyone aim the server at its own network.

- http and https only, no credentials in the URL;
- every address the host name resolves to must be public (private, loopback,
  link-local, shared, multicast and reserved ranges are refused) unless the policy
  allows private addresses (INTAKE_ALLOW_PRIVATE_URLS: tests and intranets);
- the connection goes to the address that was checked, not to the name again, so a
  second DNS answer (rebinding) cannot swap in another address; TLS still verifies the
  certificate for the host name;
- each redirect hop is checked the same way, at most `max_redirects` of them;
- one deadline for the whole fetch, connect and every read included;
- a declared Content-Length over `max_bytes` is refused before reading, and reading
  stops at `max_bytes` (after decompression, so a small gzip bomb is caught too);
- only HTML and plain text are articles.

urllib3 is used directly rather than requests: it takes the vetted address and the host
name for TLS separately, and reads no proxy settings from the environment.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError

from .articles import ArticleError

ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = 15.0  # seconds for the whole fetch, redirects included
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = False
    user_agent: str = "QuotesIntake/1.0 (newsroom quote database)"


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    requested_url: str
    content_type: str  # the media type alone, lower case
    charset: str | None
    body: bytes


class FetchError(ArticleError):
    """The URL cannot be fetched as an article; the message says why, for a curator."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = {"http": 80, "https": 443}[self.scheme]
        return host if self.port == default else f"{host}:{self.port}"


def parse_target(url: str) -> Target:
    """The scheme, host, port and path of an http(s) URL; FetchError otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchError(f"Not a valid URL: {error}.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("Only http and https URLs are fetched.")
    if not parts.hostname:
        raise FetchError("The URL names no host.")
    if parts.username or parts.password:
        raise FetchError("URLs with a user name or password are not fetched.")
    scheme = parts.scheme.lower()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, parts.hostname, port or {"http": 80, "https": 443}[scheme], path)


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (tests replace this: they never use DNS)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"Unknown host {host!r}: the URL cannot be reached.") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def refusal(address: str) -> str | None:
    """Why an address is not fetched from (None for a public one)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for test, what in (
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_private, "a private address"),
        (ip.is_multicast, "a multicast address"),
        (not ip.is_global, "not a public address"),
    ):
        if test:
            return what
    return None


def checked_addresses(target: Target, policy: FetchPolicy) -> list[str]:
    """The host's addresses, all of them checked: one refused refuses the host."""
    addresses = resolve(target.host, target.port)
    if not addresses:
        raise FetchError(f"Unknown host {target.host!r}: the URL cannot be reached.")
    if not policy.allow_private:
        for address in addresses:
            if (why := refusal(address)) is not None:
                raise FetchError(f"{target.host} resolves to {address}, {why}: not fetched.")
    return addresses


def fetch(url: str, policy: FetchPolicy) -> Fetched:
    """GET `url` as an article under `policy`, following redirects. Raises FetchError."""
    deadline = time.monotonic() + policy.timeout
    current = url
    for _ in range(policy.max_redirects + 1):
        target = parse_target(current)
        pool, response = _request(target, checked_addresses(target, policy), policy, deadline)
        try:
            location = _redirect(response, current)
            if location is None:
                return _article(response, url, current, policy, deadline)
        finally:
            response.release_conn()
            pool.close()
        current = location
    raise FetchError(f"More than {policy.max_redirects} redirects: not followed further.")


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError("The server took too long to answer.")
    return left


def _request(
    target: Target, addresses: list[str], policy: FetchPolicy, deadline: float
) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    headers = {
        "Host": target.host_header,
        "User-Agent": policy.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip, deflate",
    }
    last_error: Exception | None = None
    for address in addresses:
        left = _remaining(deadline)
        pool = _pool(target, address, urllib3.Timeout(connect=left, read=left))
        try:
            response = pool.urlopen(
                "GET",
                target.path,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
        except HTTPError as error:
            pool.close()
            last_error = error
        else:
            return pool, response
    raise FetchError(f"Could not reach {target.host}: {_reason(last_error)}.")


def _pool(target: Target, address: str, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, maxsize=1)


def _reason(error: Exception | None) -> str:
    reason = getattr(error, "reason", None) or error
    text = str(reason)
    if "timed out" in text.lower():
        return "no answer in time"
    if "refused" in text.lower():
        return "connection refused"
    return text.split(": ", 1)[-1][:200] or "no answer"


def _redirect(response: urllib3.BaseHTTPResponse, url: str) -> str | None:
    if response.status not in (301, 302, 303, 307, 308):
        return None
    location = response.headers.get("Location")
    if not location:
        raise FetchError(f"{url} redirects without saying where.")
    return urljoin(url, location)


def _article(
    response: urllib3.BaseHTTPResponse,
    requested: str,
    url: str,
    policy: FetchPolicy,
    deadline: float,
) -> Fetched:
    if response.status >= 400:
        raise FetchError(f"{url} answered {response.status} {response.reason or ''}".rstrip())
    media_type, charset = content_type(response.headers.get("Content-Type", ""))
    if media_type not in ARTICLE_TYPES:
        shown = media_type or "of no declared type"
        raise FetchError(f"{url} is not an article: its content is {shown}.")
    declared = response.headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(
            f"{url} is too large ({int(declared):,} bytes; at most {policy.max_bytes:,})."
        )
    body = _read(response, url, policy.max_bytes, deadline)
    return Fetched(url, requested, media_type, charset, body)


def _read(response: urllib3.BaseHTTPResponse, url: str, limit: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.read(CHUNK, decode_content=True):
            size += len(chunk)
            if size > limit:
                raise FetchError(f"{url} is too large (more than {limit:,} bytes).")
            chunks.append(chunk)
            _remaining(deadline)
    except HTTPError as error:
        raise FetchError(f"Reading {url} failed: {_reason(error)}.") from None
    return b"".join(chunks)


def content_type(header: str) -> tuple[str, str | None]:
    """'text/html; charset=ISO-8859-1' → ('text/html', 'iso-8859-1')."""
    media_type, _, parameters = header.partition(";")
    charset = None
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media_type.strip().lower(), charset
