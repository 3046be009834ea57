"""Writes to the Council's membership."""

from __future__ import annotations

import datetime as dt

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
