"""Query parameters read strictly: a typed parameter that is present must have a valid value.
(An empty ``?on=`` is a mistake to point out, not a request for the default.)"""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request

EMPTY = "Give a value or leave the parameter out."


def query_value(request: Request, name: str) -> str | None:
    """The parameter's value; None when absent; a 400 naming it when present but empty."""
    if name not in request.query_params:
        return None
    value = request.query_params.get(name, "")
    if value == "":
        raise serializers.ValidationError({name: [EMPTY]})
    return value


def bool_param(request: Request, name: str, *, default: bool = False) -> bool:
    text = query_value(request, name)
    if text is None:
        return default
    if text.lower() in {"true", "1", "yes"}:
        return True
    if text.lower() in {"false", "0", "no"}:
        return False
    raise serializers.ValidationError({name: [f"{text!r} is not true or false."]})


def choice_param(request: Request, name: str, choices: list[str], *, default: str) -> str:
    text = query_value(request, name)
    if text is None:
        return default
    if text not in choices:
        raise serializers.ValidationError(
            {name: [f"{text!r} is not one of: {', '.join(choices)}."]}
        )
    return text
