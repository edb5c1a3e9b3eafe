"""Request ids, the log's standard-error handler, and the slow-request log.

Every request gets a short random id, returned in X-Request-ID and in every problem
body (quotes/problems.py) and written on every log line of that request, so that a
reader's "request 3f9c…" leads to its traceback. An incoming X-Request-ID is kept only
from trusted proxies (TRUSTED_PROXIES > 0: a load balancer that assigns ids), and only
if it looks like an id: anything else could forge or garble log lines.
"""

import logging
import re
import secrets
import sys
from collections.abc import Callable
from contextvars import ContextVar
from time import perf_counter
from typing import TextIO

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from quotes.clients import client_address

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
NO_REQUEST = "-"

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
slow_log = logging.getLogger("quotes.requests")


def current_request_id() -> str | None:
    """The id of the request being handled in this thread or task, if any."""
    return _request_id.get()


def request_id_for(request: HttpRequest) -> str:
    incoming = request.headers.get(HEADER, "")
    if settings.TRUSTED_PROXIES > 0 and SANE_ID.fullmatch(incoming):
        return incoming
    return secrets.token_hex(8)


class RequestLogMiddleware:
    """First in MIDDLEWARE: every response carries the id, and the whole request is timed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_for(request)
        token = _request_id.set(request.request_id)
        started = perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            log_if_slow(request, response, (perf_counter() - started) * 1000)
        finally:
            _request_id.reset(token)
        return response


def log_if_slow(request: HttpRequest, response: HttpResponse, elapsed_ms: float) -> None:
    threshold = settings.SLOW_REQUEST_MS
    if threshold and elapsed_ms >= threshold:
        # get_full_path() percent-encodes control characters: no forged log lines.
        slow_log.warning(
            "Slow request: %s %s %s %.0f ms client %s",
            request.method,
            request.get_full_path(),
            response.status_code,
            elapsed_ms,
            client_address(request),
        )


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record: the current request's, or that of the request a
    record carries (Django logs some responses after the middleware has returned)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = (
            current_request_id() or getattr(request, "request_id", None) or NO_REQUEST
        )
        return True


class WithoutClientTraceback(logging.Filter):
    """django.security logs a bad Host header or an oversized body with a traceback of
    Django's own code: one line says all there is to say about a client's mistake."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security."):
            record.exc_info, record.exc_text = None, None
        return True


class StandardErrorHandler(logging.StreamHandler):
    """Writes to sys.stderr as it is at each record (not as it was at start-up), so that
    a test or a process that swaps standard error still gets the log."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass
