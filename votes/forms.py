"""The site's and the admin's forms: the drafts search, the editors' "Add position" form, the
admin's positions grid and its record of a vote. The form checks
the shape of what was typed; the rules (is the member seated, is the date in range, is there a
source) are the service's, ``votes.services.position_record``, as for the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from members.models import Composition
from resolutions.models import Draft
from votes.models import Position, Stance, Vote

SORT_CHOICES = [
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("vote", "Latest vote first"),
    ("adoption", "Likeliest to be adopted"),
    ("symbol", "Symbol"),
    ("title", "Title"),
]
PER_PAGE_CHOICES = [(25, "25"), (50, "50"), (100, "100")]


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name``, a ChoiceField whose choices are set per request."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class DraftSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), ("open", "Open (not yet voted)"), *Draft.Status.choices],
    )
    regime = forms.ChoiceField(required=False)
    sector = forms.ChoiceField(required=False)
    sponsor = forms.ChoiceField(label="Sponsor or penholder", required=False)
    year = forms.IntegerField(required=False, min_value=1946, max_value=2100)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)
    per_page = forms.TypedChoiceField(
        label="Per page",
        required=False,
        choices=PER_PAGE_CHOICES,
        coerce=int,
        # An empty choice coerces to the default page size.
        empty_value=25,  # type: ignore[arg-type]  # stub gap: Django takes any value, the stubs str or None
    )

    def __init__(
        self,
        *args: Any,
        regimes: Iterable[tuple[str, str]],
        sectors: Iterable[tuple[str, str]],
        members: Iterable[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "regime").choices = [("", "Any regime"), *regimes]
        choice_field(self, "sector").choices = [("", "Any sector"), *sectors]
        choice_field(self, "sponsor").choices = [("", "Anyone"), *members]


class PositionForm(forms.Form):
    member = forms.ChoiceField()
    stance = forms.ChoiceField(choices=Stance.choices)
    confidence = forms.DecimalField(
        min_value=0,
        max_value=1,
        max_digits=4,
        decimal_places=3,
        initial="0.8",
        help_text="How sure we are that the member votes as its stance says, from 0 to 1.",
    )
    as_of = forms.DateField(
        label="As of", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    source = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Who reported it: a statement, a news report.",
    )
    source_url = forms.URLField(
        label="Source address", required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args: Any, members: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "member").choices = list(members)
        self.fields["as_of"].initial = timezone.localdate()


class PositionRowForm(forms.Form):
    """One row of the draft's positions grid: a seated member and its current position. A row
    that changed becomes a new position; the service checks it (dates, seat, source)."""

    member = forms.CharField(widget=forms.HiddenInput)
    stance = forms.ChoiceField(choices=[("", "—"), *Stance.choices], required=False)
    confidence = forms.DecimalField(
        min_value=0,
        max_value=1,
        max_digits=4,
        decimal_places=3,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    as_of = forms.DateField(
        required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    source = forms.CharField(
        max_length=5000, required=False, widget=forms.TextInput(attrs={"size": 40})
    )
    source_url = forms.URLField(
        max_length=500, required=False, assume_scheme="https", widget=forms.URLInput()
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.has_changed():
            for name, what in (
                ("stance", "a stance"),
                ("confidence", "a confidence"),
                ("as_of", "the date"),
            ):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, f"Give {what} for a new position.")
        return data


def position_rows(draft: Draft, composition: Composition) -> list[dict[str, Any]]:
    """The grid's initial rows: each seated member (permanent members first) with its current
    position on the draft, or an empty row dated today (or the Council day, if earlier)."""
    current = {p.member_id: p for p in Position.objects.filter(draft=draft).current()}
    default_day = min(timezone.localdate(), composition.day)
    rows = []
    for member in composition.members:
        position = current.get(member.pk)
        if position is None:
            rows.append(
                {
                    "member": member.code,
                    "stance": "",
                    "confidence": Decimal("0.800"),
                    "as_of": default_day,
                    "source": "",
                    "source_url": "",
                }
            )
        else:
            rows.append(
                {
                    "member": member.code,
                    "stance": position.stance,
                    "confidence": position.confidence,
                    "as_of": position.as_of,
                    "source": position.source,
                    "source_url": position.source_url,
                }
            )
    return rows


BALLOT_FROM_STANCE = {
    Stance.YES: Vote.YES,
    Stance.NO: Vote.NO,
    Stance.ABSTAIN: Vote.ABSTAIN,
    Stance.NOT_PARTICIPATING: Vote.NOT_PARTICIPATING,
}
"""A firm stance pre-fills the ballot; a leaning or undecided one leaves it to the editor."""


class RecordVoteForm(forms.Form):
    """The vote on a draft: one ballot per member seated that day (a field each), the meeting
    and, when adopted, the resolution's number. ``recorded_vote_create`` checks it all."""

    voted_on = forms.DateField(
        label="Date of the vote",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="Change it and press “Show that day's Council” to get its members.",
    )
    meeting_record = forms.CharField(max_length=60, required=False, help_text="e.g. S/PV.8697")
    resolution_number = forms.IntegerField(
        min_value=1, required=False, help_text="If adopted: the number of the resolution."
    )
    source = forms.CharField(max_length=300, required=False)
    source_url = forms.URLField(max_length=500, required=False, assume_scheme="https")

    def __init__(
        self,
        *args: Any,
        draft: Draft,
        day: dt.date | None,
        composition: Composition | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft
        self.composition = composition
        self.fields["voted_on"].initial = day
        stances = {p.member_id: p.stance for p in Position.objects.filter(draft=draft).current()}
        for member in composition.members if composition else ():
            field = forms.ChoiceField(
                label=member.code, choices=[("", "—"), *Vote.choices], required=False
            )
            stance = stances.get(member.pk)
            field.initial = BALLOT_FROM_STANCE.get(Stance(stance), "") if stance else ""
            self.fields[f"ballot_{member.code}"] = field

    @staticmethod
    def day_of(request: HttpRequest, draft: Draft) -> dt.date | None:
        """The day whose Council the form shows: the posted date, the ``on`` parameter, the
        draft's vote date, else its Council day."""
        text = request.POST.get("voted_on") or request.GET.get("on")
        if text:
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                return None
        return draft.vote_on or draft.council_date

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.composition is None:
            return data
        if data.get("voted_on") and data["voted_on"] != self.composition.day:
            self.add_error(
                "voted_on",
                "The ballots below are for another day's Council: press “Show that day's "
                "Council” first.",
            )
        for member in self.composition.members:
            name = f"ballot_{member.code}"
            if not data.get(name):
                self.add_error(
                    name,
                    f"Choose {self.composition.name_of(member)}'s vote: every member seated "
                    "that day needs exactly one ballot.",
                )
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "voted_on": data["voted_on"],
            "ballots": {
                name.removeprefix("ballot_"): value
                for name, value in data.items()
                if name.startswith("ballot_")
            },
            "matter": self.draft.matter,
            "resolution_number": data["resolution_number"],
            "meeting_record": data["meeting_record"],
            "source": data["source"],
            "source_url": data["source_url"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's refusals, each next to its field (the ballots' above them)."""
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for field, texts in messages.items():
            for text in texts:
                self.add_error(field if field in self.fields else None, text)
