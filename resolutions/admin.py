"""The admin of regimes, resolutions, sectors, measures and drafts. Every change form and inline
row carries its version (``core.optimistic``); drafts have bulk actions (set the status, mark
"in blue", schedule a vote) that go through ``resolutions.services.draft_update``, the path
the API's PATCH takes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.text import Truncator

from core.editing import LockedAdmin, LockedStackedInline, LockedTabularInline
from resolutions.models import (
    Draft,
    DraftVersion,
    Measure,
    Provision,
    Resolution,
    SanctionsRegime,
    Sector,
    Sponsorship,
)
from resolutions.services import draft_update

SHORT_TITLE = 60
"""Characters of a title shown in a list, so the columns after it stay on screen."""


def short(text: str, length: int = SHORT_TITLE) -> str:
    return Truncator(text).chars(length)


@admin.register(SanctionsRegime)
class SanctionsRegimeAdmin(LockedAdmin):
    list_display = ["resolution", "name", "committee", "established_on"]
    search_fields = ["name", "committee", "slug"]


@admin.register(Resolution)
class ResolutionAdmin(LockedAdmin):
    list_display = [
        "number",
        "adopted_on",
        "regime",
        "meeting_record",
        "press_release",
        "vote_text",
    ]
    list_filter = ["regime"]
    list_select_related = ["regime"]
    search_fields = ["number", "meeting_record", "press_release"]
    date_hierarchy = "adopted_on"


class MeasureInline(LockedTabularInline):
    model = Measure
    extra = 0
    fields = ["resolution", "kind", "detail", "source", "loaded_version"]


@admin.register(Sector)
class SectorAdmin(LockedAdmin):
    list_display = ["name", "slug", "regime", "estimated_annual_export_usd"]
    list_filter = ["regime"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(LockedAdmin):
    list_display = ["sector", "resolution", "kind", "short_detail"]
    list_filter = ["kind", "sector__regime", "resolution"]
    search_fields = ["sector__name", "detail"]
    list_select_related = ["sector", "resolution"]

    @admin.display(description="Detail", ordering="detail")
    def short_detail(self, obj: Measure) -> str:
        return short(obj.detail)


class SponsorshipInline(LockedTabularInline):
    model = Sponsorship
    extra = 0
    autocomplete_fields = ["member"]
    fields = ["member", "penholder", "loaded_version"]


class DraftVersionInline(LockedStackedInline):
    model = DraftVersion
    extra = 0


class ProvisionInline(LockedTabularInline):
    model = Provision
    extra = 0
    fields = ["sector", "action", "note", "loaded_version"]
    formfield_overrides = {
        **LockedTabularInline.formfield_overrides,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
    }


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Draft.Status.choices, label="New status")


class ScheduleForm(forms.Form):
    vote_on = forms.DateField(
        label="Date of the vote", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


def _apply(
    admin_view: admin.ModelAdmin[Draft],
    request: HttpRequest,
    drafts: QuerySet[Draft],
    changes: Mapping[str, Any],
    done: str,
) -> None:
    """Apply ``changes`` to each draft through the service; a refusal names the draft and the
    reason, and leaves that draft as it was (the others are changed)."""
    changed = 0
    for draft in drafts:
        try:
            draft_update(draft=draft, changes=changes)
        except ValidationError as error:
            reasons = "; ".join(
                f"{field}: {' '.join(texts)}" if field != "__all__" else " ".join(texts)
                for field, texts in error.message_dict.items()
            )
            admin_view.message_user(
                request, f"{draft} was not changed: {reasons}", level=messages.ERROR
            )
        else:
            changed += 1
    if changed:
        admin_view.message_user(request, f"{changed} draft(s) {done}.", level=messages.SUCCESS)


def _intermediate(
    admin_view: admin.ModelAdmin[Draft],
    request: HttpRequest,
    drafts: QuerySet[Draft],
    form: forms.Form,
    action: str,
    title: str,
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/resolutions/draft/bulk_action.html",
        {
            **admin_view.admin_site.each_context(request),
            "title": title,
            "form": form,
            "drafts": drafts,
            "action": action,
            "opts": admin_view.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.register(Draft)
class DraftAdmin(LockedAdmin):
    list_display = [
        "short_title",
        "status",
        "matter",
        "regime",
        "circulated_on",
        "vote_on",
        "sponsor_list",
    ]
    list_display_links = ["short_title"]
    list_filter = ["status", "matter", "regime", "vote_on"]
    search_fields = ["symbol", "title", "versions__text", "notes"]
    readonly_fields = ["slug", "created_at", "updated_at"]
    date_hierarchy = "circulated_on"
    inlines = [SponsorshipInline, ProvisionInline, DraftVersionInline]
    actions = ["set_status", "mark_in_blue", "schedule_vote"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Draft]:
        queryset: QuerySet[Draft] = super().get_queryset(request)
        return queryset.select_related("regime").prefetch_related("sponsorships__member")

    @admin.display(description="Draft", ordering="symbol")
    def short_title(self, obj: Draft) -> str:
        return format_html('<span title="{}">{}</span>', str(obj), short(str(obj)))

    @admin.display(description="Sponsors")
    def sponsor_list(self, obj: Draft) -> str:
        return ", ".join(s.member.code for s in obj.sponsorships.all())

    @admin.action(description="Set the status of the selected drafts…", permissions=["change"])
    def set_status(self, request: HttpRequest, queryset: QuerySet[Draft]) -> HttpResponse | None:
        form = StatusForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            status = form.cleaned_data["status"]
            label = Draft.Status(status).label.lower()
            _apply(self, request, queryset, {"status": status}, f"set to {label}")
            return None
        return _intermediate(self, request, queryset, form, "set_status", "Set the status")

    @admin.action(description='Mark the selected drafts "in blue"', permissions=["change"])
    def mark_in_blue(self, request: HttpRequest, queryset: QuerySet[Draft]) -> None:
        _apply(self, request, queryset, {"status": Draft.Status.IN_BLUE}, "marked in blue")

    @admin.action(description="Schedule a vote on the selected drafts…", permissions=["change"])
    def schedule_vote(self, request: HttpRequest, queryset: QuerySet[Draft]) -> HttpResponse | None:
        form = ScheduleForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            day: dt.date = form.cleaned_data["vote_on"]
            _apply(self, request, queryset, {"vote_on": day}, f"scheduled for {day.isoformat()}")
            return None
        return _intermediate(self, request, queryset, form, "schedule_vote", "Schedule a vote")


@admin.register(DraftVersion)
class DraftVersionAdmin(LockedAdmin):
    list_display = ["draft_title", "number", "dated", "source"]
    list_filter = ["dated"]
    search_fields = ["draft__symbol", "draft__title", "text"]
    list_select_related = ["draft"]

    @admin.display(description="Draft", ordering="draft__symbol")
    def draft_title(self, obj: DraftVersion) -> str:
        return short(str(obj.draft))


@admin.register(Provision)
class ProvisionAdmin(LockedAdmin):
    list_display = ["draft_title", "action", "sector", "note"]
    list_filter = ["action", "sector"]
    search_fields = ["draft__symbol", "draft__title", "sector__name", "note"]
    list_select_related = ["draft", "sector"]

    @admin.display(description="Draft", ordering="draft__symbol")
    def draft_title(self, obj: Provision) -> str:
        return short(str(obj.draft))
