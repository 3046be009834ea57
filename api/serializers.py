"""The base of every input serializer: a body may hold only the fields the write takes.

DRF ignores fields it does not know, so a misspelt ``"supercedes": 12`` used to give a 201 that
silently skipped the optimistic-lock check the client asked for. A strict serializer refuses,
with a 400 naming each field:

- ``unknown_field``: a field the write does not have (with the nearest name it does have);
- ``read_only_field``: a field the server sets (the serializer's read-only fields, and the
  fields of ``output_serializer``, the serializer of the response, that it does not take).

A nested input serializer must be strict too (checked when the fields are built), so nested
objects are held to the same rule. The body itself must be a JSON object.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import empty

from api.fields import StrictDateField, StrictFloatField, StrictIntegerField

READ_ONLY = "Read-only: the server sets this field; leave it out."

_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


@cache
def _field_names(serializer_class: type[serializers.Serializer[Any]]) -> frozenset[str]:
    return frozenset(serializer_class().fields)


def _unknown(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"Unknown field. Did you mean {close[0]!r}?"
    return f"Unknown field. The fields are: {', '.join(known)}."


if TYPE_CHECKING:
    # What the mixin is put before: its super() calls reach DRF's serializer.
    _MixinBase = serializers.Serializer[Any]
else:
    _MixinBase = object


class StrictInputMixin(_MixinBase):
    """Refuses unknown and read-only fields (see the module docstring). Put it before DRF's
    serializer class: ``class X(StrictInputMixin, serializers.Serializer)``, or use
    ``StrictSerializer`` / ``StrictModelSerializer``."""

    output_serializer: ClassVar[type[serializers.Serializer[Any]] | None] = None
    """The serializer that shows what the write made; its other fields are read-only here."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for name, field in fields.items():
            nested = getattr(field, "child", field)
            if (
                not field.read_only
                and isinstance(nested, serializers.BaseSerializer)
                and not isinstance(nested, StrictInputMixin)
            ):
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.{name}: a nested input serializer must be strict "
                    "too (api.serializers.StrictSerializer), or its unknown fields would pass."
                )
        return fields

    def run_validation(self, data: Any = empty) -> Any:
        if self.parent is None and data is not empty and not isinstance(data, Mapping):
            kind = "null" if data is None else _KINDS.get(type(data), type(data).__name__)
            raise ValidationError(
                {"body": [ErrorDetail(f"Send a JSON object, not {kind}.", code="invalid")]}
            )
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        refused = self.refused_fields(data) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except ValidationError as error:
            if refused and isinstance(error.detail, dict):
                raise ValidationError({**refused, **error.detail}) from None
            raise
        if refused:
            raise ValidationError(refused)
        return value

    def refused_fields(self, data: Mapping[str, Any]) -> dict[str, list[ErrorDetail]]:
        """An error for each field of ``data`` that this write does not take."""
        writable = [name for name, field in self.fields.items() if not field.read_only]
        read_only = {name for name, field in self.fields.items() if field.read_only}
        if self.output_serializer is not None:
            read_only |= _field_names(self.output_serializer) - set(writable)
        refused: dict[str, list[ErrorDetail]] = {}
        for name in data:
            if name in writable:
                continue
            if name in read_only:
                refused[name] = [ErrorDetail(READ_ONLY, code="read_only_field")]
            else:
                refused[name] = [ErrorDetail(_unknown(name, writable), code="unknown_field")]
        return refused


class StrictSerializer(StrictInputMixin, serializers.Serializer[Any]):
    """A hand-written input serializer that refuses unknown and read-only fields. Declare its
    numbers and dates with ``api.fields``."""


_STRICT_FIELDS: dict[
    type[serializers.Field[Any, Any, Any, Any]], type[serializers.Field[Any, Any, Any, Any]]
] = {
    serializers.IntegerField: StrictIntegerField,
    serializers.FloatField: StrictFloatField,
    serializers.DateField: StrictDateField,
}


class StrictModelSerializer(StrictInputMixin, serializers.ModelSerializer[Any]):
    """A model input serializer (a PATCH of a term or a draft) that refuses unknown and
    read-only fields and reads the model's numbers and dates strictly."""

    serializer_field_mapping = {
        model_field: _STRICT_FIELDS.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }
