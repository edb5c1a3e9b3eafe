"""DRF's exceptions, and the domain's, as RFC 9457 problem details (quotes.problems)."""

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from quotes.problems import MEDIA_TYPE, problem
from quotes.services import DeletionRefused, VersionConflict


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send If-Match with the ETag of the version you are changing."
    default_code = "precondition-required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it: fetch it again, then retry."
    default_code = "precondition-failed"

    def __init__(self, etag: str | None) -> None:
        super().__init__()
        self.etag = etag


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the data."
    default_code = "conflict"


def flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as ``{"appearances[1].offset": ["…"]}``."""
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            if isinstance(key, int) or re.fullmatch(r"[0-9]+", str(key)):  # list items
                path = f"{prefix}[{key}]"
            else:
                name = key if key != "non_field_errors" else ""
                path = f"{prefix}.{name}" if prefix and name else prefix or name
            flat.update(flatten(value, path))
        return flat
    if isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        flat = {}
        for index, item in enumerate(errors):
            if item:
                flat.update(flatten(item, f"{prefix}[{index}]"))
        return flat
    messages = errors if isinstance(errors, list) else [errors]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def translate(exc: Exception) -> Exception:
    """Domain and Django errors as the API exceptions that describe them."""
    if isinstance(exc, VersionConflict):
        return PreconditionFailed(etag=None)
    if isinstance(exc, DeletionRefused):
        return Conflict(str(exc))
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    if isinstance(exc, IntegrityError):
        return Conflict(f"The change conflicts with existing data ({exc}).")
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = translate(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
        detail = "; ".join(
            f"{name}: {message}" if name != "non_field_errors" else message
            for name, messages in errors.items()
            for message in messages
        )
        response.data = problem(400, detail, errors)
    else:
        response.data = problem(response.status_code, str(getattr(exc, "detail", exc)))
    if isinstance(exc, PreconditionFailed) and exc.etag:
        response["ETag"] = exc.etag
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format == "api":  # the browsable API stays HTML
        return response
    if request is not None:
        # Rendered as JSON whatever the view negotiated (the docs' HTML, the schema's YAML).
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    response.content_type = MEDIA_TYPE
    return response
