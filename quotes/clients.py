"""The client's address, for throttles, the login lockout's records and request logs.

X-Forwarded-For is whatever the client chose to send, plus one address appended by each
proxy it went through: only the entries our own proxies appended can be believed. With
TRUSTED_PROXIES = N (settings), the client is the N-th entry from the right, the address
the outermost of our proxies saw; with 0 (the default) the header is ignored and the
client is the connection's peer (REMOTE_ADDR). This is DRF's NUM_PROXIES rule, which
settings.REST_FRAMEWORK gets from the same variable, so the anonymous throttle agrees.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request`, by the rule above."""
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies == 0 or not forwarded.strip():
        return peer
    hops = [hop.strip() for hop in forwarded.split(",")]
    # Fewer entries than proxies: the request skipped some, so its left-most is the client.
    return hops[-min(proxies, len(hops))] or peer
