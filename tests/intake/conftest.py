"""Intake fixtures: a local HTTP server that serves articles (and misbehaves on demand),
and the seed fixture's reference data (speakers, organizations, roles) without its
sources and statements, as a curator's database would hold them before importing."""

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import serializers

REFERENCE_MODELS = {"quotes.organization", "quotes.speaker", "quotes.affiliation", "quotes.topic"}
SEED_FIXTURE = Path(django_settings.BASE_DIR) / "fixtures" / "seed.json"


@dataclass
class Page:
    """What the server answers for a path: a status, headers and a body (bytes, or a
    function writing it in pieces), after an optional delay."""

    body: bytes | Callable = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay: float = 0.0


class ArticleServer:
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                page = server.pages.get(self.path.split("?")[0], Page(b"no such page", 404))
                time.sleep(page.delay)
                self.send_response(page.status)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                if not callable(page.body) and "Content-Length" not in page.headers:
                    self.send_header("Content-Length", str(len(page.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                # The client may stop reading: a refused body.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    page.body(self.wfile) if callable(page.body) else self.wfile.write(page.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes | str | Callable = b"", **page: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(data, **page)
        return self.url(path)


@pytest.fixture
def article_server(settings) -> Iterator[ArticleServer]:
    """A server on 127.0.0.1, with private addresses allowed as its tests need."""
    settings.INTAKE_ALLOW_PRIVATE_URLS = True
    server = ArticleServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def reference_data(db) -> None:
    """The seed fixture's speakers, organizations, roles and topics."""
    rows = [row for row in json.loads(SEED_FIXTURE.read_text()) if row["model"] in REFERENCE_MODELS]
    for obj in serializers.deserialize("json", json.dumps(rows), handle_forward_references=True):
        obj.save()


def seed_text(source_id: int) -> str:
    """A seed article's text, as ../shared/seeds holds it (the fixture's source texts
    are those files, byte for byte)."""
    rows = json.loads(SEED_FIXTURE.read_text())
    (text,) = [
        r["fields"]["text"] for r in rows if r["model"] == "quotes.source" and r["pk"] == source_id
    ]
    return text


ARTICLE = (
    "Ministers meet over the harbour plan\n\n"
    "“We will not back down on the harbour,” said Jane Porter, the transport minister, "
    "on Tuesday.\n\n"
    "A port official said that the works would start in the spring.\n"
)
