"""The JSON parser of every API request body, with a limit on nesting: Python's decoder recurses
once per level, so a body nested a thousand deep used to end in a RecursionError (a 500).
No body of this API needs more than a few levels."""

from __future__ import annotations

import io
import re
from typing import Any

from django.conf import settings
from rest_framework import exceptions, parsers

MAX_DEPTH = 32
"""The deepest nesting of arrays and objects a request body may have."""

_STRUCTURE = re.compile(r'[\[\]{}"\\]')


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON ``text`` nests arrays and objects more than ``limit`` levels deep.
    Brackets inside strings do not count. One pass over the structural characters only, so a
    hostile body costs linear time (a regular expression for whole strings would backtrack)."""
    depth = 0
    in_string = False
    escaped_at = -1
    for match in _STRUCTURE.finditer(text):
        at = match.start()
        if at == escaped_at:
            continue
        char = text[at]
        if in_string:
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser (NaN and Infinity refused), after refusing a body nested more than
    ``MAX_DEPTH`` levels deep with a 400 whose code is ``too_deep``."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise exceptions.ParseError(f"JSON parse error - {error}") from None
        if too_deep(text):
            raise exceptions.ParseError(
                f"The JSON is nested more than {MAX_DEPTH} levels deep: send at most "
                f"{MAX_DEPTH} levels of arrays and objects.",
                code="too_deep",
            )
        return super().parse(io.BytesIO(raw), media_type, parser_context)
