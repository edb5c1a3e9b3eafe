"""The OpenAPI document: the responses and headers every operation documents, and an
example for every query parameter, from the seed data."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from quotes.problems import MEDIA_TYPE as PROBLEM_JSON

REASON_HEADER = "X-Change-Reason"
REASON = OpenApiParameter(
    REASON_HEADER,
    str,
    OpenApiParameter.HEADER,
    description="Why the change is made; kept in the history.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the version being changed, from a previous response.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    description="An ETag you hold: a 304 with no body if it is still current.",
)
NOT_MODIFIED = OpenApiResponse(description="Not modified: the If-None-Match ETag is current.")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, the body of every error response."""

    type = serializers.CharField(help_text="A URI reference naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text='Per field, its messages: {"appearances[1].offset": ["…"]}.',
    )
    request_id = serializers.CharField(
        required=False, help_text="The request's id, as in the X-Request-ID header and our logs."
    )


def problems(**descriptions: str) -> dict[tuple[int, str], OpenApiResponse]:
    """Error responses by status (given as s400="…"), documented as problem+json."""
    return {
        (int(code.removeprefix("s")), PROBLEM_JSON): OpenApiResponse(
            ProblemSerializer, description=description
        )
        for code, description in descriptions.items()
    }


UNAVAILABLE = "The database is briefly unreachable; retry after Retry-After seconds."
READ_ERRORS = problems(
    s400="A parameter is malformed; `errors` names it.",
    s401="The token or session sent is not valid.",
    s429="Too many requests; see Retry-After.",
    s503=UNAVAILABLE,
)
DETAIL_ERRORS = problems(
    s400="A parameter is malformed (e.g. an export format on a detail page).",
    s401="The token or session sent is not valid.",
    s404="No such object (or not visible to you).",
    s429="Too many requests; see Retry-After.",
    s503=UNAVAILABLE,
)
WRITE_ERRORS = problems(
    s400="Invalid input; `errors` names each field.",
    s401="Not authenticated.",
    s403="Not allowed: writes need a curator.",
    s404="No such object.",
    s409="Conflicts with existing data (a duplicate slug, URL or appearance).",
    s413="The body is over the size limit.",
    s429="Too many requests; see Retry-After.",
    s503=UNAVAILABLE,
)
CHANGE_ERRORS = WRITE_ERRORS | problems(
    s412="Stale If-Match: the object changed; the current ETag is in the ETag header.",
    s428="If-Match is missing.",
)


def documented(
    listed: type, detail: type | None = None, write: type | None = None
) -> Callable[[type], type]:
    """The responses of a viewset's actions, errors included."""
    detail = detail or listed
    actions = {
        "list": extend_schema(responses={200: listed(many=True), **READ_ERRORS}),
        "retrieve": extend_schema(responses={200: detail, 304: NOT_MODIFIED, **DETAIL_ERRORS}),
    }
    if write:
        changes = {"request": write, "responses": {200: detail, **CHANGE_ERRORS}}
        actions |= {
            "create": extend_schema(
                request=write, responses={201: detail, **WRITE_ERRORS}, parameters=[REASON]
            ),
            "update": extend_schema(**changes, parameters=[IF_MATCH, REASON]),
            "partial_update": extend_schema(**changes, parameters=[IF_MATCH, REASON]),
            "destroy": extend_schema(
                responses={204: None, **CHANGE_ERRORS}, parameters=[IF_MATCH, REASON]
            ),
        }
    return extend_schema_view(**actions)


EXAMPLES: dict[str, Any] = {
    "q": '"waves of troops"',
    "speaker": "lloyd-austin",
    "organization": "us-government",
    "include_children": True,
    "outlet": "the-washington-post",
    "source": 1,
    "kind": "direct_quote",
    "anonymous": True,
    "topic": "antipersonnel-mines-decision",
    "said_after": "2024-11-20",
    "said_before": "2024-11-30",
    "status": "verified",
    "via": "the-washington-post",
    "ordering": "-said_on",
    "cursor": "WyIyMDI0LTExLTIwIiwgMTIsIGZhbHNlXQ==",
    "page_size": 20,
    "facet_size": 10,
    "format": "csv",
    "parent": "state-department",
    "published_after": "2024-11-01",
    "published_before": "2024-11-30",
    "slug": "lloyd-austin",
    "id": 1,
}


# A cursor is base64url text (quotes.paging); only the server's own links are valid ones.
CURSOR_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9_-]*={0,2}$", "maxLength": 1000}
NO_NUL = "^[^\\x00]*$"


def document_parameters(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """Say exactly what the server accepts of every parameter, and give it an example:
    an optional query parameter sent empty means the same as leaving it out; no text may
    hold a NUL character (no database can store one: a 400)."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                _document(parameter)
    return result


def _document(parameter: dict) -> None:
    schema = parameter.setdefault("schema", {})
    if "enum" in schema:
        schema.setdefault("type", "string")
    if parameter["name"] == "cursor":
        schema.update(CURSOR_SCHEMA)
    for text in (schema, schema.get("items", {})):  # a repeatable parameter's items too
        if text.get("type") == "string" and not {"enum", "format", "pattern"} & set(text):
            text["pattern"] = NO_NUL
    if parameter["in"] == "query" and not parameter.get("required"):
        parameter["allowEmptyValue"] = True
    if parameter["in"] == "header" and parameter.get("required"):
        schema["minLength"] = 1  # an empty If-Match is a missing one: 428
    if "example" not in parameter and parameter["name"] in EXAMPLES:
        parameter["example"] = EXAMPLES[parameter["name"]]


class TokenScheme(OpenApiAuthenticationExtension):
    """quotes.api.auth.TokenAuthentication, documented as DRF's token scheme was."""

    target_class = "quotes.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A curator\'s API token, as "Token <token>" (create_curator).',
        }


class QuotesAutoSchema(AutoSchema):
    """Reads are open to anonymous callers: say so, next to the token and session. And
    the exports (CSV, NDJSON) are offered by statement lists only."""

    def _get_format_parameters(self) -> list[dict]:
        parameters = super()._get_format_parameters()
        if getattr(self.view, "action", None) != "list":
            for parameter in parameters:
                parameter["schema"]["enum"] = ["json"]
        return parameters

    def get_auth(self) -> list[dict]:
        auth = super().get_auth()
        if self.method in SAFE_METHODS and {} not in auth:
            auth.append({})
        return auth
