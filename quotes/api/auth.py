"""API tokens: django-rest-knox keeps only a SHA-512 digest of each, so neither the
database nor a dump of it holds a usable token; a token is shown once, when issued."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle


class FailedTokenThrottle(AnonRateThrottle):
    """A refused token counts against its address's anonymous budget: DRF checks
    throttles only after authentication succeeds, so guesses would be unlimited."""

    def get_cache_key(self, request: Any, view: Any) -> str:
        # By address alone: asking who the user is would authenticate again.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`, as with DRF's own tokens before."""

    def authenticate(self, request: Request) -> Any:
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle = FailedTokenThrottle()
            if throttle.rate and not throttle.allow_request(request, None):
                raise exceptions.Throttled(throttle.wait()) from None
            raise

    def authenticate_credentials(self, token: bytes) -> Any:
        # The header arrives as Latin-1 bytes; knox decodes them as UTF-8 and would fail
        # with a 500 on a byte that is not.
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)
