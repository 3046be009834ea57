"""The admin of positions, recorded votes and projections, and the editors' screens on a
draft: one row per seated member to enter positions, and the record of its vote. Both go
through ``votes.services`` (``positions_record``, ``recorded_vote_create``), the services the
API uses, so the same rules refuse the same things."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from core.editing import HistoryAdmin
from members.models import Composition, Member
from resolutions.admin import DraftAdmin, short
from resolutions.models import Draft
from votes.forms import PositionRowForm, RecordVoteForm, position_rows
from votes.models import Ballot, Position, PositionQuerySet, Projection, RecordedVote, VoteKind
from votes.services import (
    PositionEntry,
    position_record,
    position_validate,
    positions_record,
    recorded_vote_create,
    recorded_vote_outcome,
)


def _user(request: HttpRequest) -> User | None:
    """The signed-in user (the project keeps Django's ``User`` model), else None."""
    user = request.user
    return user if isinstance(user, User) else None


class AppendOnlyAdmin(HistoryAdmin):
    """Records are added, never edited or deleted: history is kept whole. Their pages are
    read-only ("View", not "Change"), for superusers too."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PositionForm(forms.ModelForm[Position]):
    source_url = forms.URLField(
        assume_scheme="https", required=False, max_length=500, label="Source URL"
    )

    class Meta:
        model = Position
        fields = ["draft", "member", "stance", "confidence", "as_of", "source", "source_url"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
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
    list_display = [
        "member",
        "stance",
        "confidence",
        "as_of",
        "short_source",
        "entered_by",
        "draft_title",
        "created_at",
    ]
    list_filter = ["stance", "member__permanent", "as_of", "entered_by", "draft"]
    search_fields = ["member__name", "member__code", "draft__symbol", "draft__title", "source"]
    list_select_related = ["draft", "member", "entered_by"]
    autocomplete_fields = ["member"]
    date_hierarchy = "as_of"

    @admin.display(description="Source", ordering="source")
    def short_source(self, obj: Position) -> str:
        return short(obj.source, 50)

    @admin.display(description="Draft", ordering="draft__symbol")
    def draft_title(self, obj: Position) -> str:
        return short(str(obj.draft), 40)

    def save_model(self, request: HttpRequest, obj: Position, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = position_record(
            draft=data["draft"],
            member=data["member"],
            stance=data["stance"],
            confidence=data["confidence"],
            as_of=data["as_of"],
            source=data["source"],
            source_url=data["source_url"],
            entered_by=_user(request),
        )
        obj.pk = saved.pk
        obj._state.adding = False


class BallotInline(admin.TabularInline[Ballot, RecordedVote]):
    model = Ballot
    extra = 0
    can_delete = False
    fields = ["member", "vote"]
    readonly_fields = ["member", "vote"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ballot]:
        queryset: QuerySet[Ballot] = super().get_queryset(request)
        return queryset.select_related("member")


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
        "entered_by",
    ]
    list_filter = ["kind", "outcome", "recorded_outcome", "matter", "voted_on"]
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecordedVote]:
        queryset: QuerySet[RecordedVote] = super().get_queryset(request)
        return queryset.select_related("draft", "entered_by").prefetch_related(
            "ballots__member", "vetoed_by"
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A vote needs one ballot per seated member at once: the draft's "Record the vote".
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
class ProjectionAdmin(admin.ModelAdmin[Projection]):
    """Projections are computed and kept as history: nobody adds, edits or deletes them here,
    superusers included."""

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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CurrentPositionInline(admin.TabularInline[Position, Draft]):
    """The current position of each member; history and new entries are in Positions."""

    model = Position
    verbose_name_plural = "current positions (enter them with “Enter positions” above)"
    extra = 0
    can_delete = False
    fields = ["member", "stance", "confidence", "as_of", "source", "entered_by", "created_at"]
    readonly_fields = [
        "member", "stance", "confidence", "as_of", "source", "entered_by", "created_at"
    ]  # fmt: skip
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Position]:
        queryset = cast(PositionQuerySet, super().get_queryset(request))
        return (
            queryset.current()
            .select_related("member", "entered_by")
            .order_by("-member__permanent", "member__name")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _composition(day: dt.date | None) -> Composition | None:
    """The Council of ``day``; None for no day, or one before the Council first met (the
    form then says why next to the date)."""
    if day is None:
        return None
    try:
        return Composition.on(day)
    except ValidationError:
        return None


def _message_dict(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


# The draft's page shows its current positions; they belong to this app, so the draft's admin
# (in resolutions) is extended here rather than made to import votes.
admin.site.unregister(Draft)


@admin.register(Draft)
class DraftWithPositionsAdmin(DraftAdmin):
    inlines = [*DraftAdmin.inlines, CurrentPositionInline]
    readonly_fields = [*DraftAdmin.readonly_fields, "editor_links"]

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:draft_id>/positions/",
                self.admin_site.admin_view(self.positions_view),
                name="resolutions_draft_positions",
            ),
            path(
                "<int:draft_id>/record-vote/",
                self.admin_site.admin_view(self.record_vote_view),
                name="resolutions_draft_record_vote",
            ),
        ]
        return [*own, *super().get_urls()]

    @admin.display(description="Positions and vote")
    def editor_links(self, obj: Draft) -> str:
        if not obj.pk:
            return "-"
        grid = reverse("admin:resolutions_draft_positions", args=[obj.pk])
        vote = reverse("admin:resolutions_draft_record_vote", args=[obj.pk])
        history = reverse("admin:votes_position_changelist") + f"?draft__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">Enter positions</a> · <a href="{}">Record the vote</a> · '
            '<a href="{}">Every position recorded</a>',
            grid,
            vote,
            history,
        )

    def _draft_for(self, request: HttpRequest, draft_id: int, permission: str) -> Draft:
        draft = get_object_or_404(Draft.objects.select_related("regime"), pk=draft_id)
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return draft

    def _render(
        self, request: HttpRequest, template: str, draft: Draft, **context: Any
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": draft,
                "draft": draft,
                "change_url": reverse("admin:resolutions_draft_change", args=[draft.pk]),
                **context,
            },
        )

    def positions_view(self, request: HttpRequest, draft_id: int) -> HttpResponse:
        """One row per member seated on the draft's Council day, pre-filled with its current
        position; saving records a new position for each row that changed, all in one
        transaction, or none."""
        draft = self._draft_for(request, draft_id, "votes.add_position")
        day = draft.council_date
        composition = Composition.on(day)
        initial = position_rows(draft, composition)
        formset_class = forms.formset_factory(PositionRowForm, extra=0)
        if request.method == "POST":
            formset = formset_class(request.POST, initial=initial, prefix="rows")
            if formset.is_valid() and self._save_rows(request, draft, composition, formset):
                return HttpResponseRedirect(
                    reverse("admin:resolutions_draft_change", args=[draft.pk])
                )
        else:
            formset = formset_class(initial=initial, prefix="rows")
        rows = [
            (composition.name_of(m), m, form)
            for m, form in zip(composition.members, formset.forms, strict=False)
        ]
        return self._render(
            request,
            "admin/votes/draft_positions.html",
            draft,
            title=f"Positions on {short(str(draft), 80)}",
            formset=formset,
            rows=rows,
            composition=composition,
            day=day,
        )

    def _save_rows(
        self,
        request: HttpRequest,
        draft: Draft,
        composition: Composition,
        formset: Any,
    ) -> bool:
        seated: dict[str, Member] = {m.code: m for m in composition.members}
        entries: list[PositionEntry] = []
        for form in formset.forms:
            if not form.has_changed():
                continue
            data = form.cleaned_data
            member = seated.get(data["member"])
            if member is None:
                form.add_error(
                    None, f"{data['member']} is not on the Council on {draft.council_date}."
                )
                continue
            entry = PositionEntry(
                member,
                data["stance"],
                data["confidence"],
                data["as_of"],
                data["source"],
                data["source_url"],
            )
            try:
                position_validate(draft, entry)
            except ValidationError as error:
                for field, texts in _message_dict(error).items():
                    for text in texts:
                        form.add_error(field if field in form.fields else None, text)
                continue
            entries.append(entry)
        if any(form.errors for form in formset.forms):
            return False
        if not entries:
            self.message_user(request, "No row changed: nothing was recorded.", messages.WARNING)
            return False
        try:
            saved = positions_record(draft=draft, entries=entries, entered_by=_user(request))
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
            return False
        names = ", ".join(composition.name_of(p.member) for p in saved)
        self.message_user(request, f"{len(saved)} position(s) recorded: {names}.", messages.SUCCESS)
        return True

    def record_vote_view(self, request: HttpRequest, draft_id: int) -> HttpResponse:
        """The ballots of the draft's vote, one per member seated that day; the engine reads
        the outcome, and the draft's status follows (``recorded_vote_create``)."""
        draft = self._draft_for(request, draft_id, "votes.add_recordedvote")
        day = RecordVoteForm.day_of(request, draft)
        composition = _composition(day)
        members = list(composition.members) if composition else []
        data = request.POST if request.method == "POST" else None
        form = RecordVoteForm(data, draft=draft, day=day, composition=composition)
        if data is not None and form.is_valid():
            try:
                with transaction.atomic():
                    recorded = recorded_vote_create(
                        draft=draft, entered_by=_user(request), **form.service_arguments()
                    )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                draft.refresh_from_db()
                number = (
                    f" as resolution {recorded.resolution_number}"
                    if recorded.resolution_number
                    else ""
                )
                self.message_user(
                    request,
                    f"Vote recorded: {recorded.get_outcome_display().lower()} "
                    f"{recorded.yes}-{recorded.no}-{recorded.abstain}{number}. The draft is now "
                    f"{draft.get_status_display().lower()}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:resolutions_draft_change", args=[draft.pk])
                )
        ballots = [
            (composition.name_of(m) if composition else m.name, m, form[f"ballot_{m.code}"])
            for m in members
        ]
        return self._render(
            request,
            "admin/votes/record_vote.html",
            draft,
            title=f"Record the vote on {short(str(draft), 80)}",
            form=form,
            ballots=ballots,
            composition=composition,
            day=day,
            already=RecordedVote.objects.filter(draft=draft).first(),
        )
