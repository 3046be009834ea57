"""Two editors open the same record in the admin, on every change form the admin has; the
first saves a change, and the second's save is refused with a message naming what changed in
between (field, old → new) and who, instead of overwriting it. Inline rows count too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from members.models import Member, Term
from resolutions.models import (
    Draft,
    DraftVersion,
    Measure,
    Provision,
    Resolution,
    SanctionsRegime,
    Sector,
)
from tests.admin_forms import error_texts, form_data, staff_client

# model, how to pick a seeded row, the text field the first editor changes, and whether the
# model keeps a history (then the message names who changed it).
FORMS: list[tuple[type[models.Model], Callable[[], models.Model | None], str, bool]] = [
    (SanctionsRegime, lambda: SanctionsRegime.objects.first(), "committee", False),
    (Resolution, lambda: Resolution.objects.first(), "source", False),
    (Sector, lambda: Sector.objects.first(), "name", True),
    (Measure, lambda: Measure.objects.first(), "detail", False),
    (Member, lambda: Member.objects.get(code="DNK"), "name", True),
    (Term, lambda: Term.objects.filter(member__code="DNK").first(), "source", True),
    (Draft, lambda: Draft.objects.exclude(symbol=None).first(), "notes", True),
    (DraftVersion, lambda: DraftVersion.objects.first(), "source", False),
    (Provision, lambda: Provision.objects.first(), "note", False),
]


@pytest.fixture
def editors(seeded: None) -> tuple[Client, Client]:
    return staff_client("first", "admin"), staff_client("second", "admin")


def _url(obj: models.Model) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize(
    ("model", "pick", "field", "tracked"), FORMS, ids=[m.__name__ for m, *_ in FORMS]
)
def test_the_second_save_of_a_stale_form_is_refused_saying_what_changed(
    editors: tuple[Client, Client],
    model: type[models.Model],
    pick: Callable[[], models.Model | None],
    field: str,
    tracked: bool,
) -> None:
    first, second = editors
    obj = pick()
    assert obj is not None, "the seed has a row of each model"
    url = _url(obj)
    form_first = form_data(first.get(url).content.decode(), f"{model._meta.model_name}_form")
    form_second = form_data(second.get(url).content.decode(), f"{model._meta.model_name}_form")
    old = form_first[field]

    saved = first.post(url, {**form_first, field: "Changed by the first editor"})
    assert saved.status_code == 302, error_texts(saved.content.decode())
    refused = second.post(url, {**form_second, field: "Changed by the second editor"})

    assert refused.status_code == 200
    errors = " ".join(error_texts(refused.content.decode()))
    who = "first" if tracked else "someone else"
    assert f"was changed by {who} after you opened it" in errors, errors
    changed = model._meta.get_field(field)
    assert isinstance(changed, models.Field)  # a field of the model's own, not a relation
    label = str(changed.verbose_name)
    assert f"{label}: {old or '(empty)'} → Changed by the first editor" in errors, errors
    obj.refresh_from_db()
    assert getattr(obj, field) == "Changed by the first editor"


def test_a_term_changed_on_its_own_page_is_not_overwritten_from_the_members_page(
    editors: tuple[Client, Client],
) -> None:
    first, second = editors
    member = Member.objects.get(code="DNK")
    term = member.terms.order_by("start").first()
    assert term is not None
    member_page = form_data(second.get(_url(member)).content.decode(), "member_form")
    row = next(
        name.removesuffix("-id")
        for name, value in member_page.items()
        if name.startswith("terms-") and name.endswith("-id") and value == str(term.pk)
    )
    term_page = form_data(first.get(_url(term)).content.decode(), "term_form")

    assert first.post(_url(term), {**term_page, "source": "Corrected source"}).status_code == 302
    refused = second.post(_url(member), {**member_page, f"{row}-source": "Overwritten source"})

    assert refused.status_code == 200
    errors = " ".join(error_texts(refused.content.decode()))
    assert "This term was changed by first after you opened it" in errors, errors
    term.refresh_from_db()
    assert term.source == "Corrected source"


def test_an_unchanged_form_saved_once_goes_through(editors: tuple[Client, Client]) -> None:
    first, _ = editors
    sector = Sector.objects.first()
    assert sector is not None
    data: dict[str, Any] = form_data(first.get(_url(sector)).content.decode(), "sector_form")

    assert first.post(_url(sector), {**data, "name": "Seafood (renamed)"}).status_code == 302
    sector.refresh_from_db()
    assert sector.name == "Seafood (renamed)"
