"""API middleware: query strings no database can store are refused before they reach a
query, and every error response under /api/ is problem details."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.response import Response

from quotes.problems import MEDIA_TYPE, is_api, problem_response

# Headers that tell the client what to do next: kept when an error becomes a problem.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class RejectUnstorableQueryMiddleware:
    """NUL characters in the path or query make PostgreSQL refuse the query: a 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            # Reading request.GET also enforces DATA_UPLOAD_MAX_NUMBER_FIELDS here, where
            # Django answers a 400, rather than inside DRF's content negotiation.
            fields = [("path", [request.path]), *request.GET.lists()]
            for name, values in fields:
                if "\x00" in name or any("\x00" in value for value in values):
                    message = "NUL characters are not allowed."
                    return problem_response(400, f"{name}: {message}", {name: [message]})
        return self.get_response(request)


class ProblemDetailsMiddleware:
    """Error responses under /api/ that Django made outside DRF's views, such as a plain
    view's 405 or the CSRF failure page, as problem details like every other API error.
    DRF's own responses are left to quotes/api/problems.py (the browsable API is HTML
    on purpose), and with DEBUG on Django's debug pages are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api(request)
            or settings.DEBUG
            or isinstance(response, Response)
            or response.get("Content-Type", "").startswith(MEDIA_TYPE)
        ):
            return response
        problem = problem_response(response.status_code, describe(request, response))
        for header in KEPT_HEADERS:
            if header in response:
                problem[header] = response[header]
        return problem


def describe(request: HttpRequest, response: HttpResponse) -> str:
    if response.status_code == 405:
        return f"{request.method} is not allowed here (allowed: {response.get('Allow', 'none')})."
    return f"{response.reason_phrase}."
