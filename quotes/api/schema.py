"""OpenAPI post-processing: an example for every query parameter, from the seed data."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

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


class QuotesAutoSchema(AutoSchema):
    """Reads are open to anonymous callers: say so, next to the token and session."""

    def get_auth(self) -> list[dict]:
        auth = super().get_auth()
        if self.method in SAFE_METHODS and {} not in auth:
            auth.append({})
        return auth
