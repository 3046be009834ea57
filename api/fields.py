"""Input fields that read a request body as strictly as ``api.values`` reads a query string:
DRF's own fields take ``true`` for the number 1, ``'٣'`` for 3 and ``'٢٠١٩-١٢-٣٠'`` for a date.
``api.serializers.StrictModelSerializer`` maps model fields to these, and hand-written input
serializers declare them."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from api.values import iso_date, quoted

INTEGER = re.compile(r"-?[0-9]{1,4000}")
DECIMAL = re.compile(r"-?[0-9]{1,400}(\.[0-9]{1,400})?([eE][-+]?[0-9]{1,4})?")


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer (or a string of ASCII digits); never a boolean, a fraction or other
    digits."""

    default_error_messages = {"invalid": "{value} is not a whole number (digits 0-9)."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid", value=quoted(data))
        if isinstance(data, float) and not data.is_integer():
            self.fail("invalid", value=quoted(data))
        if isinstance(data, str) and not INTEGER.fullmatch(data):
            self.fail("invalid", value=quoted(data))
        return int(data)


class StrictFloatField(serializers.FloatField):
    """A finite number, and not a JSON boolean in disguise (``true`` is not a confidence of
    1)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, str) and not DECIMAL.fullmatch(data):
            self.fail("invalid")
        value: float = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


class StrictDateField(serializers.DateField):
    """A day as YYYY-MM-DD in ASCII digits, the one form the schema's ``format: date`` names."""

    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            self.fail("datetime")
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            self.fail("invalid", message=f"{quoted(value)} is not a date: use YYYY-MM-DD.")
        try:
            return iso_date(value)
        except ValueError as error:
            message = str(error)
        self.fail("invalid", message=message)


class KeyedDictField(serializers.DictField):
    """A JSON object whose keys ``key`` reads (checks and normalises: a member code typed
    ``' usa '`` is ``USA``). A bad key is an error naming it; two keys that read the same are an
    error, never one silently overwriting the other."""

    def __init__(self, *, key: serializers.Field[Any, Any, Any, Any], **kwargs: Any) -> None:
        self.key = key
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[Any, Any]:
        values: dict[str, Any] = super().to_internal_value(data)
        result: dict[Any, Any] = {}
        errors: list[ErrorDetail] = []
        for given, value in values.items():
            try:
                key = self.key.run_validation(given)
            except ValidationError as error:
                detail = error.detail if isinstance(error.detail, list) else [error.detail]
                errors.extend(ErrorDetail(str(d), code=getattr(d, "code", None)) for d in detail)
                continue
            if key in result:
                errors.append(ErrorDetail(f"{key} is given twice.", code="invalid"))
            result[key] = value
        if errors:
            raise ValidationError(errors)
        return result
