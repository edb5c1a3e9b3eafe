"""Refuse API query strings no database can store before they reach a query."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from quotes.problems import problem_response


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
