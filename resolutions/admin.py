from django import forms
from django.contrib import admin
from django.db import models

from core.optimistic import OptimisticLockForm
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


@admin.register(SanctionsRegime)
class SanctionsRegimeAdmin(admin.ModelAdmin):
    list_display = ["resolution", "name", "committee", "established_on"]
    search_fields = ["name", "committee", "slug"]


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
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


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["resolution", "kind", "detail", "source"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "regime", "estimated_annual_export_usd"]
    list_filter = ["regime"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["sector", "resolution", "kind", "detail"]
    list_filter = ["kind", "sector__regime", "resolution"]
    search_fields = ["sector__name", "detail"]
    list_select_related = ["sector", "resolution"]


class SponsorshipInline(admin.TabularInline):
    model = Sponsorship
    extra = 0
    autocomplete_fields = ["member"]


# Django 6 assumes https for scheme-less URLs; say so now rather than rely on the old default.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class DraftVersionInline(admin.StackedInline):
    model = DraftVersion
    extra = 0
    formfield_overrides = HTTPS_URLS


class ProvisionInline(admin.TabularInline):
    model = Provision
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}
    }


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    form = OptimisticLockForm
    list_display = [
        "__str__",
        "status",
        "matter",
        "regime",
        "circulated_on",
        "vote_on",
        "sponsor_list",
    ]
    list_filter = ["status", "matter", "regime"]
    search_fields = ["symbol", "title", "versions__text", "notes"]
    readonly_fields = ["slug", "created_at", "updated_at"]
    date_hierarchy = "circulated_on"
    inlines = [SponsorshipInline, ProvisionInline, DraftVersionInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return (
            super()
            .get_queryset(request)
            .select_related("regime")
            .prefetch_related("sponsorships__member")
        )

    @admin.display(description="Sponsors")
    def sponsor_list(self, obj: Draft) -> str:
        return ", ".join(s.member.code for s in obj.sponsorships.all())


@admin.register(DraftVersion)
class DraftVersionAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["draft", "number", "dated", "source"]
    search_fields = ["draft__symbol", "draft__title", "text"]
    list_select_related = ["draft"]


@admin.register(Provision)
class ProvisionAdmin(admin.ModelAdmin):
    list_display = ["draft", "action", "sector", "note"]
    list_filter = ["action", "sector"]
    search_fields = ["draft__symbol", "draft__title", "sector__name", "note"]
    list_select_related = ["draft", "sector"]
