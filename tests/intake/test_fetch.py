"""Fetching articles by URL: only public http(s) addresses (every resolved address and
every redirect hop checked), bounded in time, size and redirects, articles only."""

import gzip
import socket

import pytest

from quotes.intake import fetch
from quotes.intake.fetch import FetchError, FetchPolicy

ALLOWED = FetchPolicy(allow_private=True, timeout=5)
PAGE = "<html><body><p>Hello</p></body></html>"


def test_it_fetches_an_article_and_says_where_it_ended(article_server) -> None:
    article_server.serve("/moved", status=301, headers={"Location": "/story"})
    article_server.serve("/story", PAGE, headers={"Content-Type": "text/html; charset=utf-8"})

    fetched = fetch.fetch(article_server.url("/moved"), ALLOWED)

    assert fetched.body == PAGE.encode()
    assert fetched.url == article_server.url("/story")
    assert (fetched.content_type, fetched.charset) == ("text/html", "utf-8")
    assert article_server.requests[0][1]["Host"] == f"127.0.0.1:{article_server.port}"


def test_loopback_is_refused_without_the_setting_and_nothing_is_requested(article_server) -> None:
    url = article_server.serve("/story", PAGE)
    with pytest.raises(FetchError, match="loopback"):
        fetch.fetch(url, FetchPolicy())
    assert article_server.requests == []


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("100.64.0.1", "not a public"),
        ("0.0.0.0", "private"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_non_public_addresses_are_refused(address: str, why: str) -> None:
    assert why in fetch.refusal(address)


def test_a_host_is_refused_if_any_of_its_addresses_is_private(monkeypatch) -> None:
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(FetchError, match=r"10.0.0.7, a private address"):
        fetch.fetch("https://news.example/story", FetchPolicy())


def test_every_redirect_hop_is_checked(article_server, monkeypatch) -> None:
    # 127.0.0.1 counts as public here, the rest of the loopback range does not: a
    # redirect from the allowed server to 127.0.0.2 must be refused before connecting.
    real = fetch.refusal
    monkeypatch.setattr(fetch, "refusal", lambda a: None if a == "127.0.0.1" else real(a))
    url = article_server.serve("/hop", status=302, headers={"Location": "http://127.0.0.2:9/x"})
    with pytest.raises(FetchError, match=r"127.0.0.2, a loopback address"):
        fetch.fetch(url, FetchPolicy())
    assert [path for path, _ in article_server.requests] == ["/hop"]


def test_redirects_are_limited(article_server) -> None:
    article_server.serve("/loop", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="More than 2 redirects"):
        fetch.fetch(article_server.url("/loop"), FetchPolicy(allow_private=True, max_redirects=2))
    assert len(article_server.requests) == 3


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "http://"]
)
def test_only_http_and_https_urls_are_fetched(url: str) -> None:
    with pytest.raises(FetchError):
        fetch.fetch(url, ALLOWED)


def test_credentials_in_a_url_are_refused() -> None:
    with pytest.raises(FetchError, match="user name or password"):
        fetch.fetch("http://user:secret@127.0.0.1/", ALLOWED)


def test_an_error_status_is_named(article_server) -> None:
    with pytest.raises(FetchError, match="answered 404"):
        fetch.fetch(article_server.url("/missing"), ALLOWED)


def test_a_non_article_content_type_is_refused(article_server) -> None:
    url = article_server.serve(
        "/paper.pdf", b"%PDF-1.7", headers={"Content-Type": "application/pdf"}
    )
    with pytest.raises(FetchError, match="not an article: its content is application/pdf"):
        fetch.fetch(url, ALLOWED)


def test_a_declared_50_mb_body_is_refused_unread(article_server) -> None:
    def first_megabyte(out) -> None:
        out.write(b"a" * (1 << 20))

    headers = {"Content-Type": "text/html", "Content-Length": str(50 << 20)}
    url = article_server.serve("/huge", first_megabyte, headers=headers)
    with pytest.raises(FetchError, match=r"too large \(52,428,800 bytes; at most 5,242,880\)"):
        fetch.fetch(url, ALLOWED)


def test_a_50_mb_body_without_length_stops_at_the_limit(article_server) -> None:
    def stream(out) -> None:
        for _ in range(50):
            out.write(b"a" * (1 << 20))

    url = article_server.serve("/stream", stream)
    with pytest.raises(FetchError, match="more than 5,242,880 bytes"):
        fetch.fetch(url, ALLOWED)


def test_the_limit_counts_decompressed_bytes(article_server) -> None:
    bomb = gzip.compress(b"<p>" + b"a" * (2 << 20))
    url = article_server.serve(
        "/bomb", bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    with pytest.raises(FetchError, match="too large"):
        fetch.fetch(url, FetchPolicy(allow_private=True, max_bytes=1 << 20))


def test_an_unreachable_server_is_an_error() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(FetchError, match=r"Could not reach 127.0.0.1: connection refused"):
        fetch.fetch(f"http://127.0.0.1:{port}/", ALLOWED)


def test_a_slow_server_times_out(article_server) -> None:
    url = article_server.serve("/slow", PAGE, delay=2)
    with pytest.raises(FetchError, match=r"no answer in time|took too long"):
        fetch.fetch(url, FetchPolicy(allow_private=True, timeout=0.5))


def test_an_unknown_host_is_unreachable() -> None:
    with pytest.raises(FetchError, match=r"Unknown host 'news.invalid'"):
        fetch.fetch("https://news.invalid/story", FetchPolicy())
