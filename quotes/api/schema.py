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


def problems(**descriptions: str) -> dict[tuple[int, str], OpenApiResponse]:
    """Error responses by status (given as s400="…"), documented as problem+json."""
    return {
        (int(code.removeprefix("s")), PROBLEM_JSON): OpenApiResponse(
            ProblemSerializer, description=description
        )
        for code, description in descriptions.items()
    }


READ_ERRORS = problems(
    s400="A parameter is malformed; `errors` names it.",
    s401="The token or session sent is not valid.",
    s429="Too many requests; see Retry-After.",
)
DETAIL_ERRORS = problems(
    s400="A parameter is malformed (e.g. an export format on a detail page).",
    s401="The token or session sent is not valid.",
    s404="No such object (or not visible to you).",
    s429="Too many requests; see Retry-After.",
)
WRITE_ERRORS = problems(
    s400="Invalid input; `errors` names each field.",
    s401="Not authenticated.",
    s403="Not allowed: writes need a curator.",
    s404="No such object.",
    s409="Conflicts with existing data (a duplicate slug, URL or appearance).",
    s429="Too many requests; see Retry-After.",
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


def add_parameter_examples(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """Give each documented parameter an example unless the view set one itself."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if "example" not in parameter and parameter["name"] in EXAMPLES:
                    parameter["example"] = EXAMPLES[parameter["name"]]
    return result


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
    """Reads are open to anonymous callers: say so, next to the token and session."""

    def get_auth(self) -> list[dict]:
        auth = super().get_auth()
        if self.method in SAFE_METHODS and {} not in auth:
            auth.append({})
        return auth
