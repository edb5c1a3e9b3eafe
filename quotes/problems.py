"""RFC 9457 problem details: the one error format of the API, for every 4xx and 5xx.

{"type": "…/problems/validation", "title": "Invalid input", "status": 400,
 "detail": "…", "errors": {"appearances[1].offset": ["…"]}, "request_id": "3f9c…"}

The core, without Django REST framework, so that middleware and Django's own error
handlers answer in the same format as the API's views
(quotes/api/problems.py turns DRF's exceptions into these bodies). Outside /api/ the
handlers answer as Django does, in HTML.
"""

import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from quotes.outages import RETRY_AFTER_SECONDS, is_outage, is_timeout
from quotes.requestlog import current_request_id

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
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}

UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Briefly unavailable</title></head>
<body><h1>Briefly unavailable</h1>
<p>The service cannot reach its database just now. Please try again in a few seconds.</p>
</body></html>
"""
TOO_LARGE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Request too large</title></head>
<body><h1>Request too large</h1><p>What you sent is larger than this service accepts.</p>
</body></html>
"""


def problem(status_code: int, detail: str, errors: dict | None = None, **extra: Any) -> dict:
    """The body of a problem-details response; it names the request's id when there is one."""
    title = TITLES.get(status_code, "Error")
    body = {
        "type": TYPE_BASE + title.lower().replace(" ", "-"),
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    if request_id := current_request_id():
        body["request_id"] = request_id
    return {**body, **extra}


def problem_response(status_code: int, detail: str, errors: dict | None = None) -> JsonResponse:
    """A problem-details response for code outside DRF's views (middleware, handlers)."""
    return JsonResponse(
        problem(status_code, detail, errors), status=status_code, content_type=MEDIA_TYPE
    )


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request_detail(exception: Exception | None) -> str:
    """What was wrong, in the client's terms (Django's messages name its settings)."""
    if isinstance(exception, DisallowedHost):
        return "The Host header does not name a host this service answers for."
    if isinstance(exception, TooManyFieldsSent):
        return f"More than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} parameters were sent."
    if isinstance(exception, TooManyFilesSent):
        return f"More than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files were sent."
    if isinstance(exception, BadRequest) and str(exception):
        return str(exception)
    return "The request is malformed."


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's BadRequest and SuspiciousOperation (a disallowed Host, too
    many parameters, a body over DATA_UPLOAD_MAX_MEMORY_SIZE: that one is a 413)."""
    if isinstance(exception, RequestDataTooBig):
        if not is_api(request):
            return HttpResponse(TOO_LARGE_PAGE, status=413)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return problem_response(413, f"The request body is larger than {limit} bytes.")
    if is_api(request):
        return problem_response(400, bad_request_detail(exception))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: PermissionDenied raised outside DRF's views."""
    if is_api(request):
        return problem_response(403, "You are not allowed to do this.")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Problem details under /api/, Django's usual page elsewhere."""
    if is_api(request):
        return problem_response(404, f"No API resource at {request.path}.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500, called while Django handles the exception: a database outage is a 503."""
    if is_outage(sys.exc_info()[1]):
        return unavailable(request)
    if is_timeout(sys.exc_info()[1]):
        return unavailable(request, TOO_SLOW)
    if is_api(request):
        return problem_response(500, "Something went wrong on our side; it has been logged.")
    return defaults.server_error(request)


TOO_SLOW = (
    "The database took too long to answer (over the statement timeout); try again in "
    f"{RETRY_AFTER_SECONDS} seconds, or narrow the request."
)


def unavailable(request: HttpRequest, detail: str | None = None) -> HttpResponse:
    """503 with Retry-After: the database cannot be reached (or is too busy); the same
    request will work once it is back (quotes/outages.py)."""
    if is_api(request):
        detail = (
            detail or f"The database is unreachable; try again in {RETRY_AFTER_SECONDS} seconds."
        )
        response = problem_response(503, detail)
    else:
        response = HttpResponse(UNAVAILABLE_PAGE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
