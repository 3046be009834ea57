"""The JSON parser of every API request body, with a limit on nesting: Python's decoder recurses
once per level, so a body nested a thousand deep used to end in a RecursionError (a 500).
No body of this API needs more than a few levels."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, parsers

MAX_DEPTH = 32
"""The deepest nesting of arrays and objects a request body may have."""


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether the parsed JSON ``value`` nests arrays and objects more than ``limit`` levels
    deep. One level at a time, not a recursion (a comprehension per level costs less than the
    decoding did)."""
    level = [value] if type(value) in (dict, list) else []
    depth = 1
    while level:
        if depth > limit:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) is dict or type(child) is list
        ]
        depth += 1
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser (NaN and Infinity refused) that refuses a body nested more than
    ``MAX_DEPTH`` levels deep with a 400 whose code is ``too_deep``.

    The C decoder parses first (a scan of the text in Python was many times slower, and a
    regular expression for strings can be made to backtrack). A body nested deeper than
    Python's recursion limit stops it with a RecursionError; any other is measured after."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise self.too_deep_error() from None
        if too_deep(data):
            raise self.too_deep_error()
        return data

    @staticmethod
    def too_deep_error() -> exceptions.ParseError:
        return exceptions.ParseError(
            f"The JSON is nested more than {MAX_DEPTH} levels deep: send at most {MAX_DEPTH} "
            "levels of arrays and objects.",
            code="too_deep",
        )
