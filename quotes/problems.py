"""RFC 9457 problem details: the one error format of the API, for every 4xx and 5xx.

{"type": "…/problems/validation", "title": "Invalid input", "status": 400,
 "detail": "…", "errors": {"appearances[1].offset": ["…"]}}

The core, without Django REST framework, so that middleware, the login throttle and
Django's own error handlers answer in the same format as the API's views
(quotes/api/problems.py turns DRF's exceptions into these bodies).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

TITLES = {
    400: "Invalid input",
    401: "Not authenticated",
    403: "Permission denied",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
    500: "Server error",
}


def problem(status_code: int, detail: str, errors: dict | None = None, **extra: Any) -> dict:
    """The body of a problem-details response."""
    title = TITLES.get(status_code, "Error")
    body = {
        "type": TYPE_BASE + title.lower().replace(" ", "-"),
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return {**body, **extra}


def problem_response(status_code: int, detail: str, errors: dict | None = None) -> JsonResponse:
    """A problem-details response for code outside DRF's views (middleware, handlers)."""
    return JsonResponse(
        problem(status_code, detail, errors), status=status_code, content_type=MEDIA_TYPE
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Problem details under /api/, Django's usual page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_response(404, f"No API resource at {request.path}.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_response(500, "Something went wrong on our side; it has been logged.")
    return defaults.server_error(request)
