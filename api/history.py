"""The audit trail in the API: django-simple-history's records as entries that say who changed
what, when (each changed field with its old and new value), newest first and paginated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
NOT_SHOWN = frozenset({"updated_at"})
"""Fields every save changes: noise in a list of what changed."""


def _json(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


@dataclass(frozen=True)
class HistorySource:
    """The history records of one kind of object, with how to name each one."""

    kind: str
    records: QuerySet[Any]
    label: Callable[[Any], str]


def _fields(record: Any) -> list[str]:
    return [
        f.attname
        for f in record.instance_type._meta.concrete_fields
        if f.name not in NOT_SHOWN and f.attname not in NOT_SHOWN
    ]


def history_entries(sources: Iterable[HistorySource]) -> list[dict[str, Any]]:
    """Every record of every source as an entry, newest first. Each record is compared with
    the previous record of the same object (they are read together, so no query per entry)."""
    entries: list[dict[str, Any]] = []
    for source in sources:
        previous: dict[Any, Any] = {}
        rows = source.records.select_related("history_user").order_by("history_date", "history_id")
        for record in rows:
            names = _fields(record)
            before = previous.get(record.id)
            if record.history_type == "+" or before is None:
                changes = [
                    {"field": n.removesuffix("_id"), "old": None, "new": _json(getattr(record, n))}
                    for n in names
                    if record.history_type != "-"
                ]
            elif record.history_type == "-":
                changes = []
            else:
                changes = [
                    {
                        "field": n.removesuffix("_id"),
                        "old": _json(getattr(before, n)),
                        "new": _json(getattr(record, n)),
                    }
                    for n in names
                    if getattr(before, n) != getattr(record, n)
                ]
            previous[record.id] = record
            user = record.history_user
            entries.append(
                {
                    "at": record.history_date,
                    "user": user.get_username() if user is not None else None,
                    "action": ACTIONS.get(record.history_type, record.history_type),
                    "object": source.kind,
                    "object_id": record.id,
                    "summary": source.label(record),
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: (e["at"], e["object"], e["object_id"]), reverse=True)
    return entries


class FieldChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="The field's name (a related row's id for a link).")
    old = serializers.JSONField(allow_null=True, help_text="Null when the object was created.")
    new = serializers.JSONField(allow_null=True)


@extend_schema_field({"type": "string", "enum": list(ACTIONS.values())})
class ActionField(serializers.CharField):
    pass


class HistoryEntrySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField(help_text="When the change was saved.")
    user = serializers.CharField(
        allow_null=True, help_text="Who saved it; null for a script or the seed."
    )
    action = ActionField()
    object = serializers.CharField(help_text="What changed: draft, position, member, term…")
    object_id = serializers.IntegerField()
    summary = serializers.CharField(help_text="The object in a few words, as it was then.")
    changes = FieldChangeSerializer(many=True, help_text="Each field changed: old and new value.")


def history_response(view: generics.GenericAPIView[Any], entries: list[dict[str, Any]]) -> Response:
    """The entries as the history endpoints answer: a page of them, as the view paginates."""
    page = view.paginate_queryset(entries)
    data = HistoryEntrySerializer(page if page is not None else entries, many=True).data
    return view.get_paginated_response(data) if page is not None else Response(data)
