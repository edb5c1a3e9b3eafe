"""JSON input that can be stored: no lone surrogates (invalid Unicode) anywhere, and no
nesting deeper than any of our resources has."""

from collections.abc import Iterator
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# A statement with its appearances is 4 levels deep; this leaves room and stays far
# below Python's recursion limit, which json.loads and the serializers would hit (a 500).
MAX_DEPTH = 32


def _values(data: Any) -> Iterator[tuple[str, Any, int]]:
    """Every key and value in parsed JSON with its path and depth, walked without
    recursion (so a deep document cannot exhaust the stack here either)."""
    stack = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        yield path, value, depth
        if isinstance(value, dict):
            for key, item in value.items():
                yield path or "a key", key, depth + 1
                stack.append((f"{path}.{key}" if path else str(key), item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item, depth + 1) for index, item in enumerate(value))


def _refusal(data: Any) -> str | None:
    for path, value, depth in _values(data):
        if depth > MAX_DEPTH:
            return f"JSON nested more than {MAX_DEPTH} levels deep."
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return f"Invalid Unicode (a lone surrogate) in {path or 'the body'}."
    return None


class StrictJSONParser(JSONParser):
    """JSON allows "\\ud800" escapes that no database can store, and nesting deep enough
    to overflow the stack: refuse both up front with a 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep.") from None
        if (refusal := _refusal(data)) is not None:
            raise ParseError(refusal)
        return data
