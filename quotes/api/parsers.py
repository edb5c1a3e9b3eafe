"""JSON input that can be stored: no lone surrogates (invalid Unicode) anywhere."""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _invalid_unicode_at(value: Any, path: str = "") -> str | None:
    """Where in parsed JSON a string holds a lone surrogate, or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "the body"
        return None
    if isinstance(value, dict):
        items = [(f"{path}.{key}" if path else str(key), key, item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}[{index}]", None, item) for index, item in enumerate(value)]
    else:
        return None
    for name, key, item in items:
        if key is not None and _invalid_unicode_at(key) is not None:
            return path or "a key"
        if (found := _invalid_unicode_at(item, name)) is not None:
            return found
    return None


class StrictJSONParser(JSONParser):
    """JSON allows "\\ud800" escapes that no database can store; refuse them up front."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if (where := _invalid_unicode_at(data)) is not None:
            raise ParseError(f"Invalid Unicode (a lone surrogate) in {where}.")
        return data
