from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from resolutions.admin import DraftAdmin
from resolutions.models import Draft
from votes.models import Ballot, Position, Projection, RecordedVote, VoteKind
from votes.services import PositionEntry, position_record, position_validate, recorded_vote_outcome


class AppendOnlyAdmin(admin.ModelAdmin):
    """Records are added, never edited or deleted: history is kept whole."""

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class PositionForm(forms.ModelForm):
    source_url = forms.URLField(
        assume_scheme="https", required=False, max_length=500, label="Source URL"
    )

    class Meta:
        model = Position
        fields = ["draft", "member", "stance", "confidence", "as_of", "source", "source_url"]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if self.errors:
            return data
        entry = PositionEntry(
            data["member"], data["stance"], data["confidence"], data["as_of"], data["source"]
        )
        try:
            position_validate(data["draft"], entry)
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
        return data


@admin.register(Position)
class PositionAdmin(AppendOnlyAdmin):
    form = PositionForm
    list_display = ["draft", "member", "stance", "confidence", "as_of", "entered_by", "created_at"]
    list_filter = ["stance", "member__permanent", "draft"]
    search_fields = ["member__name", "member__code", "draft__symbol", "draft__title", "source"]
    list_select_related = ["draft", "member", "entered_by"]
    autocomplete_fields = ["member"]
    date_hierarchy = "as_of"

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        data = form.cleaned_data
        saved = position_record(
            draft=data["draft"],
            member=data["member"],
            stance=data["stance"],
            confidence=data["confidence"],
            as_of=data["as_of"],
            source=data["source"],
            source_url=data["source_url"],
            entered_by=request.user,
        )
        obj.pk = saved.pk
        obj._state.adding = False


class BallotInline(admin.TabularInline):
    model = Ballot
    extra = 0
    can_delete = False
    fields = ["member", "vote"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("member")


@admin.register(RecordedVote)
class RecordedVoteAdmin(AppendOnlyAdmin):
    list_display = [
        "label",
        "voted_on",
        "matter",
        "meeting_record",
        "kind",
        "recorded_outcome",
        "engine_outcome",
    ]
    list_filter = ["kind", "outcome", "recorded_outcome", "matter"]
    search_fields = [
        "draft__symbol",
        "draft_symbol",
        "resolution_number",
        "meeting_record",
        "subject",
        "note",
    ]
    date_hierarchy = "voted_on"
    inlines = [BallotInline]
    readonly_fields = ["engine_outcome"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return (
            super()
            .get_queryset(request)
            .select_related("draft")
            .prefetch_related("ballots__member", "vetoed_by")
        )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        # A vote needs one ballot per seated member at once: recorded through the API/services.
        return False

    @admin.display(description="Engine's reading")
    def engine_outcome(self, obj: RecordedVote) -> str:
        if obj.kind == VoteKind.WITHOUT_VOTE:
            return "adopted without a vote"
        if obj.kind == VoteKind.COUNTS_ONLY and not obj.counts_known:
            return f"{obj.outcome}, as recorded (no counts)"
        outcome = recorded_vote_outcome(obj)
        text = f"{outcome.result} {outcome.yes}-{outcome.no}-{outcome.abstain}"
        if outcome.vetoed_by:
            text += " (vetoed by " + ", ".join(outcome.vetoed_by) + ")"
        return text


@admin.register(Projection)
class ProjectionAdmin(admin.ModelAdmin):
    list_display = [
        "draft",
        "computed_at",
        "checked_at",
        "p_adopted",
        "p_vetoed",
        "p_failed",
        "most_likely",
    ]
    list_filter = ["most_likely"]
    search_fields = ["draft__symbol", "draft__title"]
    list_select_related = ["draft"]
    readonly_fields = [f.name for f in Projection._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is None


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


# The draft's page shows its current positions; they belong to this app, so the draft's admin
# (in resolutions) is extended here rather than made to import votes.
admin.site.unregister(Draft)


@admin.register(Draft)
class DraftWithPositionsAdmin(DraftAdmin):
    inlines = [*DraftAdmin.inlines, CurrentPositionInline]
    readonly_fields = [*DraftAdmin.readonly_fields, "add_position_link"]

    @admin.display(description="Positions")
    def add_position_link(self, obj: Draft) -> str:
        if not obj.pk:
            return "-"
        url = reverse("admin:votes_position_add") + f"?draft={obj.pk}"
        history = reverse("admin:votes_position_changelist") + f"?draft__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">Record a position</a> · <a href="{}">Full history</a>', url, history
        )
