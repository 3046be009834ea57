"""The base of every admin class editors use: forms that cannot overwrite a change made in
between (``core.optimistic``), and each model's history (django-simple-history) to read, never
to revert or delete: a revert would skip the checks of a normal save, and the audit trail is
kept whole."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from core.optimistic import OptimisticLockForm

HTTPS_URLS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}
"""Django 6 assumes https for scheme-less URLs; every admin says so now, not the old default."""


class HistoryAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # stub gap: simple_history ships no types, its admin is Any
    """A model admin with the model's history readable under "History"."""

    formfield_overrides = HTTPS_URLS

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied("History is read-only: edit the record itself.")
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response


class LockedAdmin(HistoryAdmin):
    """Editable records: the change form carries its version (see ``core.optimistic``)."""

    form = OptimisticLockForm


class LockedTabularInline(admin.TabularInline[Any, Any]):
    """An inline whose rows each carry their version: editing them is a change of the parent
    too (the parent's form is saved, and checked, with them)."""

    form = OptimisticLockForm
    formfield_overrides = HTTPS_URLS


class LockedStackedInline(admin.StackedInline[Any, Any]):
    form = OptimisticLockForm
    formfield_overrides = HTTPS_URLS
