"""Writes to drafts: the one path of an edit, shared by the API's PATCH, the admin's bulk
actions and anything else that changes a draft, so the rules are checked once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import Member
from resolutions.models import Draft, Sponsorship

DRAFT_EDITABLE = ("status", "title", "circulated_on", "vote_on", "notes")
"""The fields of a draft an editor may change through ``draft_update``."""


@dataclass(frozen=True)
class SponsorEntry:
    member: Member
    penholder: bool = False


def sponsors_from_codes(entries: Sequence[Mapping[str, Any]]) -> list[SponsorEntry]:
    """Sponsors named by their codes (``[{"code": "USA", "penholder": true}]``); a
    ValidationError on ``sponsors`` naming any unknown or repeated code."""
    codes = [str(e["code"]).strip().upper() for e in entries]
    known = {m.code: m for m in Member.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            {
                "sponsors": ValidationError(
                    f"Unknown member code(s): {', '.join(unknown)}.", code="unknown_member"
                )
            }
        )
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise ValidationError({"sponsors": f"Named more than once: {', '.join(repeated)}."})
    return [
        SponsorEntry(known[code], bool(e.get("penholder", False)))
        for code, e in zip(codes, entries, strict=True)
    ]


@transaction.atomic
def draft_update(
    *,
    draft: Draft,
    changes: Mapping[str, Any],
    sponsors: Sequence[SponsorEntry] | None = None,
) -> Draft:
    """Change a draft's status, title, dates or notes, and replace its sponsors, in one
    transaction: the draft's row is locked, the model's rules are checked (the vote not before
    circulation, a resolution number only when adopted: the same checks as the admin's form),
    and a ValidationError names the field. The save marks its projection stale and enqueues a
    refresh (``votes.signals``)."""
    unknown = sorted(set(changes) - set(DRAFT_EDITABLE))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["slug"])
    locked.save()
    if sponsors is not None:
        _replace_sponsors(locked, sponsors)
    return locked


def _replace_sponsors(draft: Draft, sponsors: Sequence[SponsorEntry]) -> None:
    """Only what differs is written, one row at a time, so the audit trail says which sponsor
    joined, left or became the penholder."""
    wanted = {s.member.pk: s for s in sponsors}
    for current in draft.sponsorships.select_for_update():
        entry = wanted.pop(current.member_id, None)
        if entry is None:
            current.delete()
        elif current.penholder != entry.penholder:
            current.penholder = entry.penholder
            current.save(update_fields=["penholder", "updated_at"])
    for entry in wanted.values():
        Sponsorship.objects.create(draft=draft, member=entry.member, penholder=entry.penholder)
