"""CSV output for the list endpoints (``?format=csv``): one row per item, nested objects
flattened to dotted columns, lists joined with semicolons."""

from __future__ import annotations

import csv
import io
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import BaseRenderer

CSV_FORMAT = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: every row, no pages."
)
"""The ``?format=`` parameter of the list endpoints that offer CSV, for their schema."""


def _flatten(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            row[name] = ";".join(
                str(v.get("code") or v.get("member") or v) if isinstance(v, dict) else str(v)
                for v in value
            )
        else:
            row[name] = "" if value is None else value
    return row


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        if isinstance(data, dict):
            data = [data]
        rows = [_flatten(item) for item in data or []]
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode(self.charset)
