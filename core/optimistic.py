"""Optimistic locking for admin edits: no lost updates when two editors work at once.

The form carries the ``updated_at`` the editor loaded. On save, the row is locked (the admin's
change view runs in a transaction), and if someone saved it in between, the form is refused
with a message instead of silently overwriting their change.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class OptimisticLockForm(forms.ModelForm):
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk:
            current = (
                type(self.instance)
                .objects.select_for_update()
                .values_list("updated_at", flat=True)
                .get(pk=self.instance.pk)
            )
            if data.get("loaded_version") != current.isoformat():
                raise ValidationError(
                    f"This {self.instance._meta.verbose_name} was changed by someone else after "
                    "you opened it. Reload the page to see their change, then make yours again."
                )
        return data
