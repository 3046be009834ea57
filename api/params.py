"""Query parameters read strictly: a typed parameter that is present must have a valid value.
(An empty ``?on=`` is a mistake to point out, not a request for the default.) Numbers and dates
are read by ``api.values``, as everywhere else in the API."""

from __future__ import annotations

import datetime as dt

from rest_framework import serializers
from rest_framework.request import Request

from api.values import council_date, quoted, whole_number

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
    raise serializers.ValidationError({name: [f"{quoted(text)} is not true or false."]})


def choice_param(request: Request, name: str, choices: list[str], *, default: str) -> str:
    text = query_value(request, name)
    if text is None:
        return default
    if text not in choices:
        raise serializers.ValidationError(
            {name: [f"{quoted(text)} is not one of: {', '.join(choices)}."]}
        )
    return text


def date_param(request: Request, name: str) -> dt.date | None:
    """The day the parameter names (YYYY-MM-DD, from 1946-01-17 on: there is no Council to ask
    about before); None when absent; a 400 naming it when it is not such a date."""
    text = query_value(request, name)
    if text is None:
        return None
    try:
        return council_date(text)
    except ValueError as error:
        raise serializers.ValidationError({name: [str(error)]}) from None


def whole_number_param(request: Request, name: str, *, minimum: int = 1) -> int | None:
    """The whole number the parameter gives (ASCII digits); None when absent; a 400 naming it
    otherwise."""
    text = query_value(request, name)
    if text is None:
        return None
    try:
        return whole_number(text, minimum=minimum)
    except ValueError as error:
        raise serializers.ValidationError({name: [str(error)]}) from None
