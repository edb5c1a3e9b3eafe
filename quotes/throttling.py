"""Throttles beyond DRF's defaults: admin login attempts, per client address.

A rate over every attempt, on DRF's throttle and the shared cache like the API's
anonymous rate: it bounds what one address can try whatever the outcome. django-axes
(settings, quotes/lockout.py) adds the other half, a count of failures per account
whatever the address.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework.throttling import SimpleRateThrottle

from quotes.clients import client_address
from quotes.lockout import login_refused


class LoginRateThrottle(SimpleRateThrottle):
    """Counts login attempts per client address, in the shared cache."""

    scope = "login"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def get_ident(self, request: Any) -> str:
        # DRF's own rule reads X-Forwarded-For unless NUM_PROXIES is set; ours is explicit.
        return client_address(request)


def throttled_login(login_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a login view so that too many POSTs from one address get a 429 (the login
    page with the reason and Retry-After)."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        throttle = LoginRateThrottle()
        if request.method == "POST" and not throttle.allow_request(request, None):
            wait = max(1, round(throttle.wait() or 1))
            # The login page, as for a locked account: a person reads it, not a program.
            refusal = f"Too many login attempts from your address; try again in {wait} seconds."
            username = request.POST.get("username", "")
            response = login_refused(request, refusal, status=429, username=username)
            response["Retry-After"] = str(wait)
            return response
        return login_view(request, *args, **kwargs)

    return view
