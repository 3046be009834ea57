"""The site's forms: the drafts search, and the editors' "Add position" form. The form checks
the shape of what was typed; the rules (is the member seated, is the date in range, is there a
source) are the service's, ``votes.services.position_record``, as for the API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone

from resolutions.models import Draft
from votes.models import Stance

SORT_CHOICES = [
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("vote", "Latest vote first"),
    ("adoption", "Likeliest to be adopted"),
    ("symbol", "Symbol"),
    ("title", "Title"),
]
PER_PAGE_CHOICES = [(25, "25"), (50, "50"), (100, "100")]


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
        label="Per page", required=False, choices=PER_PAGE_CHOICES, coerce=int, empty_value=25
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
        self.fields["regime"].choices = [("", "Any regime"), *regimes]  # type: ignore[attr-defined]
        self.fields["sector"].choices = [("", "Any sector"), *sectors]  # type: ignore[attr-defined]
        self.fields["sponsor"].choices = [("", "Anyone"), *members]  # type: ignore[attr-defined]


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
    as_of = forms.DateField(label="As of", widget=forms.DateInput(attrs={"type": "date"}))
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
        self.fields["member"].choices = list(members)  # type: ignore[attr-defined]
        self.fields["as_of"].initial = timezone.localdate()
