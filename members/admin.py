"""The admin of the Council's members, their names over time and their terms. Every form and
inline row carries its version (``core.optimistic``); the history of each is under "History"."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from core.editing import LockedAdmin, LockedTabularInline
from members.models import Member, MemberName, Term, validate_terms


class TermInlineFormSet(forms.BaseInlineFormSet[Term, Member, forms.ModelForm[Term]]):
    """Checks the terms on the page together: new terms of a new member, terms that overlap
    each other, seats taken by several new terms at once."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        terms = [
            form.instance
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            validate_terms(self.instance, terms)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class TermInline(LockedTabularInline):
    model = Term
    formset = TermInlineFormSet
    extra = 0
    fields = ["start", "end", "source", "loaded_version"]


class MemberNameInline(LockedTabularInline):
    """The names a member held over time, with the code of the time (SUN for the USSR)."""

    model = MemberName
    extra = 0
    fields = ["name", "code", "start", "end", "source", "loaded_version"]


@admin.register(Member)
class MemberAdmin(LockedAdmin):
    list_display = ["name", "code", "permanent", "name_list", "term_list"]
    list_filter = ["permanent"]
    search_fields = ["name", "code", "names__name"]
    inlines = [MemberNameInline, TermInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        queryset: QuerySet[Member] = super().get_queryset(request)
        return queryset.prefetch_related("terms", "names")

    @admin.display(description="Names over time")
    def name_list(self, obj: Member) -> str:
        return "; ".join(n.name for n in sorted(obj.names.all(), key=lambda n: n.start))

    @admin.display(description="Terms")
    def term_list(self, obj: Member) -> str:
        return ", ".join(f"{t.start.year}–{t.end.year if t.end else ''}" for t in obj.terms.all())


@admin.register(Term)
class TermAdmin(LockedAdmin):
    list_display = ["member", "start", "end", "source"]
    list_filter = ["member__permanent", "start"]
    search_fields = ["member__name", "member__code", "source"]
    list_select_related = ["member"]
    date_hierarchy = "start"
    autocomplete_fields = ["member"]
