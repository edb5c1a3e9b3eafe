"""Throttles beyond DRF's defaults: admin login attempts, per client address."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.throttling import SimpleRateThrottle


class LoginRateThrottle(SimpleRateThrottle):
    """Counts login attempts per client address, in the shared cache."""

    scope = "login"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttled_login(login_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a login view so that too many POSTs from one address get a 429."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        throttle = LoginRateThrottle()
        if request.method == "POST" and not throttle.allow_request(request, None):
            wait = max(1, round(throttle.wait() or 1))
            response = JsonResponse(
                {
                    "type": "/api/v1/problems/too-many-requests",
                    "title": "Too many requests",
                    "status": 429,
                    "detail": f"Too many login attempts; try again in {wait} seconds.",
                },
                status=429,
                content_type="application/problem+json",
            )
            response["Retry-After"] = str(wait)
            return response
        return login_view(request, *args, **kwargs)

    return view
