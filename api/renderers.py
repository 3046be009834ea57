"""CSV output for the list endpoints (``?format=csv``): one row per item, nested objects
flattened to dotted columns, lists joined with semicolons.

The columns come from the view's serializer, not from the rows, so an empty result still has
its header and every download of a list has the same columns. Nested serializers (and method
fields whose schema names one) become dotted columns; any other field is one column.

Cells are safe to open in a spreadsheet (OWASP "CSV injection"): a text cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so it is shown as
text, never run as a formula. Numbers stay numbers: the JSON type decides, so a confidence of
``-0.5`` is written ``-0.5``, while the text ``"-0.5"`` is written ``'-0.5``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from drf_spectacular.drainage import get_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

CSV_FORMAT = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: every row, no pages."
)
"""The ``?format=`` parameter of the list endpoints that offer CSV, for their schema."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell a spreadsheet would run as a formula begins."""

Column = tuple[str, tuple[str, ...]]
"""A column's name and the path of keys to its value in an item."""


def _nested(field: serializers.Field[Any, Any, Any, Any]) -> serializers.Serializer[Any] | None:
    """The serializer whose fields become dotted columns under ``field``, if it has one."""
    if isinstance(field, serializers.ListSerializer):
        return None
    if isinstance(field, serializers.Serializer):
        return field
    if isinstance(field, serializers.SerializerMethodField) and field.parent is not None:
        method = getattr(type(field.parent), field.method_name, None)
        shown = get_override(method, "field") if method is not None else None
        if isinstance(shown, type) and issubclass(shown, serializers.Serializer):
            shown = shown()
        if isinstance(shown, serializers.Serializer) and not isinstance(
            shown, serializers.ListSerializer
        ):
            return shown
    return None


def columns(
    serializer: serializers.Serializer[Any], path: tuple[str, ...] = ()
) -> Iterator[Column]:
    """The CSV columns of what ``serializer`` shows, in the order of its fields."""
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        nested = _nested(field)
        if nested is None:
            yield ".".join((*path, name)), (*path, name)
        else:
            yield from columns(nested, (*path, name))


def _value(item: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(item, Mapping):
            return None
        item = item.get(key)
    return item


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return ";".join(f"{k}={_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ";".join(
            str(v.get("code") or v.get("member") or v) if isinstance(v, Mapping) else _text(v)
            for v in value
        )
    return str(value)


def cell(value: Any) -> Any:
    """What the CSV writes for one value: empty for null, numbers and booleans as they are,
    text neutralised if a spreadsheet would take it for a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    text = _text(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _rows_columns(rows: list[Any]) -> list[Column]:
    """Columns read off the rows, for data rendered without a view (no serializer to ask)."""
    names: list[str] = []
    for row in rows:
        if isinstance(row, Mapping):
            names.extend(k for k in row if k not in names)
    return [(name, (name,)) for name in names]


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, Mapping) and "results" in data:
            data = data["results"]
        if isinstance(data, Mapping):
            data = [data]
        rows = list(data or [])
        view = (renderer_context or {}).get("view")
        if view is not None and hasattr(view, "get_serializer"):
            spec = list(columns(view.get_serializer()))
        else:
            spec = _rows_columns(rows)
        out = io.StringIO()
        # CRLF ends a record (RFC 4180); it also makes the writer quote a cell holding a
        # lone carriage return, which a "\n" terminator would leave bare, breaking the row.
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([name for name, _ in spec])
        for row in rows:
            writer.writerow([cell(_value(row, path)) for _, path in spec])
        return out.getvalue().encode(self.charset)
