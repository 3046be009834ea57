"""Optimistic locking for admin edits: no lost updates when two editors work at once.

Every form the admin shows carries, in one signed hidden field, the version the editor loaded
(the row's ``updated_at``) and the values of the fields it shows. On save, the row is locked
(the admin's change view runs in a transaction); if someone saved it in between, the form is
refused with a message that says what they changed (field, old value → new value) and who,
when the model keeps a history, instead of silently overwriting their change.

Inline rows carry their own version, so a term edited on its own page while another editor
has the member's page open is caught on that row too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models

SALT = "core.optimistic.loaded_version"
NO_VALUE = "(empty)"


@dataclass(frozen=True)
class Change:
    """One field someone else changed after the editor loaded the form."""

    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field}: {self.old} → {self.new}"


def _raw(instance: models.Model, name: str) -> str | None:
    field = instance._meta.get_field(name)
    assert isinstance(field, models.Field)  # a concrete field: see _tracked_fields
    value = getattr(instance, field.attname)
    return None if value is None else str(value)


def _shown(model: type[models.Model], name: str, raw: str | None) -> str:
    """A stored value as a person reads it: a choice's label, a related row's name."""
    if raw in (None, ""):
        return NO_VALUE
    field = model._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.filter(pk=raw).first()
        return str(related) if related is not None else f"#{raw} (deleted)"
    assert isinstance(field, models.Field)  # a concrete field: see _tracked_fields
    choices = dict(field.flatchoices)
    if choices:
        return str(choices.get(raw, raw))
    return str(raw)


def last_changed_by(instance: models.Model, since: dt.datetime) -> str | None:
    """Who saved ``instance`` last after ``since``, when its model keeps a history."""
    history = getattr(type(instance), "history", None)
    if history is None or instance.pk is None:
        return None
    record = (
        history.filter(id=instance.pk, history_date__gt=since)
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    if record is None or record.history_user is None:
        return None
    return str(record.history_user.get_username())


class OptimisticLockForm(forms.ModelForm[Any]):
    """A model form that refuses to save over a change made after it was loaded."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = self.version_token()

    def _tracked_fields(self) -> list[str]:
        names = {f.name for f in self.instance._meta.concrete_fields}
        return [name for name in self.fields if name in names]

    def version_token(self) -> str:
        """The signed version and field values of the row as this form loaded it."""
        instance = self.instance
        return signing.dumps(
            {
                "at": instance.updated_at.isoformat(),
                "values": {name: _raw(instance, name) for name in self._tracked_fields()},
            },
            salt=SALT,
            compress=True,
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.instance.pk:
            self.check_version(data.get("loaded_version") or "")
        return data

    def check_version(self, token: str) -> None:
        model = type(self.instance)
        current = model._default_manager.select_for_update().get(pk=self.instance.pk)
        try:
            loaded = signing.loads(token, salt=SALT)
            loaded_at = dt.datetime.fromisoformat(loaded["at"])
            values: dict[str, str | None] = loaded["values"]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise ValidationError(
                f"This {model._meta.verbose_name} form has no valid version: reload the page "
                "and make your change again.",
                code="stale_version",
            ) from None
        if current.updated_at == loaded_at:
            return
        changes = [
            Change(
                str(model._meta.get_field(name).verbose_name),
                _shown(model, name, old),
                _shown(model, name, _raw(current, name)),
            )
            for name, old in values.items()
            if old != _raw(current, name)
        ]
        raise ValidationError(self.conflict_message(current, loaded_at, changes))

    def conflict_message(
        self, current: models.Model, loaded_at: dt.datetime, changes: list[Change]
    ) -> str:
        who = last_changed_by(current, loaded_at)
        name = current._meta.verbose_name
        by = f" by {who}" if who else " by someone else"
        what = "; ".join(str(c) for c in changes) if changes else "no field shown here"
        return (
            f"This {name} was changed{by} after you opened it ({what}). Your change was not "
            "saved: reload the page to see theirs, then make yours again."
        )
