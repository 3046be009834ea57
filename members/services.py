"""Writes to the Council's membership."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import Member, Term


@transaction.atomic
def term_create(*, member: Member, start: dt.date, end: dt.date | None, source: str = "") -> Term:
    """Add a term, refusing overlaps with the member's other terms and any seat beyond the
    Charter's number. The members' rows are locked so two editors cannot both take the last
    seat."""
    list(Member.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    term = Term(member=member, start=start, end=end, source=source)
    term.full_clean()
    term.save()
    return term


TERM_EDITABLE = ("start", "end", "source")


@transaction.atomic
def term_update(*, term: Term, changes: dict[str, object]) -> Term:
    """Move a term's dates or change its source with the same checks as a new term (and the
    admin's form): no overlap with the member's other terms, no seat beyond the Charter's
    number, an end for an elected member and none for a permanent one. The members' rows are
    locked as in ``term_create``; the save marks the projections of the days it covered and
    covers stale (``votes.signals``)."""
    list(Member.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    locked = Term.objects.select_for_update().select_related("member").get(pk=term.pk)
    for name, value in changes.items():
        if name not in TERM_EDITABLE:
            raise ValidationError({name: "This field cannot be changed here."})
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked
