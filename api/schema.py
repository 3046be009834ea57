"""OpenAPI post-processing: every operation documents the errors it can really return, in the
one error shape of ``api/errors.py``; every request body is closed (the strict input
serializers of ``api/serializers.py`` refuse fields they do not know); and every date in a query
string states the lower bound the server holds it to (``api.values.council_date``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from api.errors import ERROR_CODES
from api.values import COUNCIL_DATE_PATTERN
from charter.rule import FIRST_MEETING

_CODES = "; ".join(f"`{code}`: {meaning}" for code, meaning in ERROR_CODES.items())

ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail", "code", "errors"],
    "properties": {
        "detail": {"type": "string", "description": "A sentence for a person."},
        "code": {
            "type": "string",
            "enum": list(ERROR_CODES),
            "description": "What went wrong, for a program: the errors' code when they share "
            f"one, else `invalid`. {_CODES}.",
        },
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message", "code"],
                "properties": {
                    "field": {"type": "string", "description": "The field at fault, or 'body'."},
                    "message": {"type": "string"},
                    "code": {
                        "type": "string",
                        "enum": list(ERROR_CODES),
                        "description": "What is wrong with this field (the codes of the "
                        "top-level `code`).",
                    },
                },
            },
        },
    },
}

ERRORS = {
    "400": "Bad input: the errors name each field, its problem and its code.",
    "401": "Not signed in (send 'Authorization: Token <key>').",
    "403": "Signed in without the role needed, or a session write without a CSRF token.",
    "404": "No such object.",
    "409": "Conflict: another editor recorded a newer position first (code stale_version).",
    "412": "The If-Match ETag is stale: someone changed it since you read it "
    "(code precondition_failed). GET it again and resend.",
    "428": "No If-Match header, while the server requires one (code precondition_required).",
    "429": "Rate limit exceeded; the Retry-After header says when to try again.",
}

CONDITIONAL = ("/tally/", "/projection/")


def _error(code: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": ERRORS[code],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if code == "429":
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    return response


def _refs(node: Any) -> Iterator[str]:
    """The names of the components ``node`` refers to, at any depth."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield ref.rsplit("/", 1)[-1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _close_request_bodies(result: dict[str, Any], schemas: dict[str, Any]) -> None:
    """``additionalProperties: false`` on every object a request body holds, at any depth."""
    pending = [
        name
        for operations in result.get("paths", {}).values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for name in _refs(operation.get("requestBody", {}))
    ]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        component = schemas[name]
        if "properties" in component:
            component["additionalProperties"] = False
        pending.extend(_refs(component))


COUNCIL_DATE_NOTE = (
    f"YYYY-MM-DD, from {FIRST_MEETING.isoformat()} (the Security Council's first meeting) on; "
    "an earlier day is a 400."
)


def _bound_query_dates(operation: dict[str, Any]) -> None:
    """A query-string date is read by ``council_date``: say so with a pattern (JSON Schema has
    no minimum for a string) and in words."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") != "query" or schema.get("format") != "date":
            continue
        schema["pattern"] = COUNCIL_DATE_PATTERN
        described = parameter.get("description", "").strip()
        parameter["description"] = f"{described} {COUNCIL_DATE_NOTE}".strip()


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    _close_request_bodies(result, schemas)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            _bound_query_dates(operation)
            responses = operation.setdefault("responses", {})
            # 404 also on lists: a page past the end, or a path the API does not have.
            codes = ["400", "401", "403", "404", "429"]
            if method == "post" and path.endswith("/positions/"):
                codes.append("409")
            if method in {"patch", "put"}:
                codes += ["412", "428"]
            for code in codes:
                responses.setdefault(code, _error(code))
            if method == "get" and path.endswith(CONDITIONAL):
                responses.setdefault("304", {"description": "Not modified since the ETag given."})
    return result
