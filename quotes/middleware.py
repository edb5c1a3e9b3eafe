"""Refuse API query strings no database can store before they reach a query."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


class RejectUnstorableQueryMiddleware:
    """NUL characters in query parameters make PostgreSQL refuse the query: a 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            for name, values in request.GET.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    return JsonResponse(
                        {
                            "type": "/api/v1/problems/invalid-input",
                            "title": "Invalid input",
                            "status": 400,
                            "detail": f"{name!r}: NUL characters are not allowed.",
                            "errors": {name: ["NUL characters are not allowed."]},
                        },
                        status=400,
                        content_type="application/problem+json",
                    )
        return self.get_response(request)
