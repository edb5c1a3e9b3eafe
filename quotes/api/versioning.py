"""ETags and preconditions: conditional GET, and If-Match on every change.

The ETag names the row's version, which changes on every write. A change must send
If-Match with the ETag it last read (428 without one, 412 when stale); the service
then compare-and-sets that version, so a writer that loses a race also gets a 412.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.utils.http import parse_etags
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from quotes.models import Versioned
from quotes.services import VersionConflict

from .problems import PreconditionFailed, PreconditionRequired


def etag_of(instance: Versioned) -> str:
    return f'"{instance._meta.model_name}-{instance.pk}-v{instance.version}"'


def _tags(header: str) -> set[str]:
    # Our ETags are all strong, so a weak tag names the same version.
    return {tag.removeprefix("W/") for tag in parse_etags(header)}


def not_modified(request: Request, instance: Versioned) -> Response | None:
    """A 304 when the client's If-None-Match names the current version."""
    header = request.headers.get("If-None-Match")
    if header and (etag_of(instance) in _tags(header) or "*" in _tags(header)):
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag_of(instance)})
    return None


def expected_version(request: Request, instance: Versioned) -> int:
    """The version the client is changing, from If-Match; 428 or 412 if unusable."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    tags = _tags(header)
    if "*" not in tags and etag_of(instance) not in tags:
        raise PreconditionFailed(etag=etag_of(instance))
    return instance.version


def optional_expected_version(request: Request, instance: Versioned) -> int | None:
    """For actions where If-Match is optional: checked and compare-and-set when sent."""
    return expected_version(request, instance) if request.headers.get("If-Match") else None


def guarded(instance: Model, write: Callable[[], Any]) -> Any:
    """Run `write`; a VersionConflict (lost race) becomes a 412 with the current ETag."""
    try:
        return write()
    except VersionConflict as conflict:
        if conflict.current is None:
            raise PreconditionFailed(etag=None) from None
        instance.version = conflict.current
        raise PreconditionFailed(etag=etag_of(instance)) from None
