from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from config.optimistic import OptimisticLockForm
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
from votes.models import Position


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


class CurrentPositionInline(admin.TabularInline):
    """The current position of each member; history and new entries are in Positions."""

    model = Position
    verbose_name_plural = "current positions (add or see history under Votes › Positions)"
    extra = 0
    can_delete = False
    fields = ["member", "stance", "confidence", "as_of", "source", "entered_by", "created_at"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return (
            super()
            .get_queryset(request)
            .current()
            .select_related("member", "entered_by")
            .order_by("-member__permanent", "member__name")
        )

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


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
    readonly_fields = ["slug", "created_at", "updated_at", "add_position_link"]
    date_hierarchy = "circulated_on"
    inlines = [SponsorshipInline, ProvisionInline, DraftVersionInline, CurrentPositionInline]

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

    @admin.display(description="Positions")
    def add_position_link(self, obj: Draft) -> str:
        if not obj.pk:
            return "-"
        url = reverse("admin:votes_position_add") + f"?draft={obj.pk}"
        history = reverse("admin:votes_position_changelist") + f"?draft__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">Record a position</a> · <a href="{}">Full history</a>', url, history
        )


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
