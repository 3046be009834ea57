"""Writes that record positions and votes. Each runs in one transaction and either writes
everything or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

import charter
from members.models import Composition, Member
from resolutions.models import Draft
from votes.models import Ballot, Position, RecordedVote, Stance, Vote
from votes.projections import projection_refresh_on_commit


class PositionConflict(ValidationError):
    """The position an editor meant to replace is no longer the current one, or is newer than
    the one sent (its error code, ``stale_version`` or ``older_than_current``, makes the API
    answer 409)."""


def member_from_code(code: str, *, field: str = "member") -> Member:
    text = (code or "").strip().upper()
    try:
        return Member.objects.get(code=text)
    except Member.DoesNotExist:
        raise ValidationError(
            {field: ValidationError(f"Unknown member code {code!r}.", code="unknown_member")}
        ) from None


def _require_seated(member: Member, day: dt.date, *, field: str = "member") -> None:
    if not member.is_seated_on(day):
        raise ValidationError(
            {
                field: ValidationError(
                    f"{member} is not on the Security Council on {day}.", code="not_seated"
                )
            }
        )


def _confidence(value: object) -> Decimal:
    try:
        confidence = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"confidence": f"{value!r} is not a number."}) from None
    if not confidence.is_finite() or not Decimal(0) <= confidence <= Decimal(1):
        raise ValidationError({"confidence": f"Confidence must be between 0 and 1, not {value}."})
    return confidence.quantize(Decimal("0.001"))


@dataclass(frozen=True)
class PositionEntry:
    member: Member
    stance: str
    confidence: object
    as_of: dt.date
    source: str
    source_url: str = ""
    supersedes: int | None = None


def position_record(
    *,
    draft: Draft,
    member: Member,
    stance: str,
    confidence: object,
    as_of: dt.date,
    source: str,
    source_url: str = "",
    entered_by: AbstractBaseUser | None = None,
    supersedes: int | None = None,
) -> Position:
    """Record a member's position on a draft as a new row (positions are never edited).

    The member's current position is its latest by ``as_of`` (then by entry). ``supersedes``
    is the id of the position the editor saw as current and means "make this one current": it
    is refused if another editor has recorded a newer one since, or if ``as_of`` is older than
    the current position's. Without ``supersedes``, an older position is recorded as history
    and does not become current.
    """
    entry = PositionEntry(member, stance, confidence, as_of, source, source_url, supersedes)
    return positions_record(draft=draft, entries=[entry], entered_by=entered_by)[0]


@transaction.atomic
def positions_record(
    *, draft: Draft, entries: Iterable[PositionEntry], entered_by: AbstractBaseUser | None = None
) -> list[Position]:
    """Record several positions on one draft at once: all are written or none, and the
    projection is refreshed once after the commit."""
    # Lock the draft so concurrent editors of one draft are serialised and see each other.
    Draft.objects.select_for_update().filter(pk=draft.pk).exists()
    created = []
    for entry in entries:
        created.append(_position_create(draft, entry, entered_by))
    projection_refresh_on_commit(draft.pk)
    return created


def position_validate(draft: Draft, entry: PositionEntry) -> Decimal:
    """Check a position before it is written; returns the confidence as stored. Raises a
    ValidationError naming the field and the problem.

    Its ``as_of`` lies between the draft's first date and its Council day (the vote, or today
    while it is open; see ``DraftQuerySet.with_dates``), never in the future, and its member
    sits on the Council on that date: the position's own date, not the draft's."""
    if entry.stance not in Stance.values:
        raise ValidationError(
            {"stance": f"{entry.stance!r} is not a stance; use one of {', '.join(Stance.values)}."}
        )
    confidence = _confidence(entry.confidence)
    _check_as_of(draft, entry.as_of)
    _require_seated(entry.member, entry.as_of)
    if not (entry.source or "").strip():
        raise ValidationError({"source": "Say where this position comes from."})
    return confidence


def _check_as_of(draft: Draft, as_of: dt.date) -> None:
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": f"{as_of} is in the future."})
    dates = draft.dates
    if as_of < dates.first:
        raise ValidationError(
            {
                "as_of": f"{as_of} is before the draft's first date ({dates.first}): a position "
                "cannot be older than the draft."
            }
        )
    if as_of > dates.council:
        if draft.vote_on is not None:
            why = f"the vote on it ({draft.vote_on})"
        else:
            why = f"its last date ({dates.council}; it is {draft.get_status_display().lower()})"
        raise ValidationError({"as_of": f"{as_of} is after {why}."})


def _position_create(
    draft: Draft, entry: PositionEntry, entered_by: AbstractBaseUser | None
) -> Position:
    confidence = position_validate(draft, entry)
    if entry.supersedes is not None:
        _check_supersedes(draft, entry)
    position = Position(
        draft=draft,
        member=entry.member,
        stance=entry.stance,
        confidence=confidence,
        as_of=entry.as_of,
        source=entry.source.strip(),
        source_url=entry.source_url,
        entered_by=entered_by,
    )
    position.full_clean()
    position.save()
    return position


def _check_supersedes(draft: Draft, entry: PositionEntry) -> None:
    """A position sent with ``supersedes`` asks to become the member's current one. It is
    refused (409) when the position it names is no longer current, or when it is older than
    that position: the newest as-of date wins, so an older one could never be current."""
    current = Position.objects.filter(draft=draft, member=entry.member).latest_first().first()
    if current is None or current.pk != entry.supersedes:
        now = f"position {current.pk}" if current else "no position"
        raise PositionConflict(
            {
                "supersedes": ValidationError(
                    f"{entry.member}'s current position on this draft is {now}, not "
                    f"{entry.supersedes}: another editor changed it. Reload and try again.",
                    code="stale_version",
                )
            }
        )
    if entry.as_of < current.as_of:
        raise PositionConflict(
            {
                "as_of": ValidationError(
                    f"{entry.member}'s current position on this draft (position {current.pk}) "
                    f"is as of {current.as_of}; one as of {entry.as_of} is older and cannot "
                    "replace it. Send it without supersedes to record it as history.",
                    code="older_than_current",
                )
            }
        )


@transaction.atomic
def recorded_vote_create(
    *,
    voted_on: dt.date,
    ballots: Mapping[str, str],
    draft: Draft | None = None,
    resolution_number: int | None = None,
    matter: str = Draft.Matter.SUBSTANTIVE,
    meeting_record: str = "",
    subject: str = "",
    recorded_outcome: str = "",
    source: str = "",
    entered_by: AbstractBaseUser | None = None,
) -> RecordedVote:
    """Record a vote with one ballot for each member seated that day, no more and no fewer."""
    if draft is None and resolution_number is None:
        raise ValidationError({"draft": "Name the draft or the resolution that was voted on."})
    if draft is not None:
        _check_vote_fits_draft(draft, voted_on, resolution_number)
    try:
        composition = Composition.on(voted_on)
        rule = composition.rule(charter.Matter(matter))
    except ValidationError as error:
        raise ValidationError({"voted_on": error.messages}) from None
    seated = {m.code: m for m in composition.members}
    given = {code.strip().upper(): vote for code, vote in ballots.items()}
    errors = []
    for code, vote in given.items():
        if code not in seated:
            known = Member.objects.filter(code=code).first()
            who = known.name if known else f"Unknown member code {code!r}:"
            errors.append(
                ValidationError(
                    f"{who} is not on the Security Council on {voted_on}.",
                    code="not_seated" if known else "unknown_member",
                )
            )
        elif vote not in Vote.values:
            errors.append(f"{code}: {vote!r} is not a vote; use one of {', '.join(Vote.values)}.")
    missing = sorted(set(seated) - set(given))
    if missing:
        errors.append(
            f"Every member seated on {voted_on} needs a ballot; missing: {', '.join(missing)}."
        )
    if errors:
        raise ValidationError({"ballots": errors})
    outcome = charter.classify(rule, {code: charter.Vote(vote) for code, vote in given.items()})
    recorded = RecordedVote(
        outcome=outcome.result.value,
        vetoed_by=",".join(outcome.vetoed_by),
        draft=draft,
        resolution_number=resolution_number,
        voted_on=voted_on,
        matter=matter,
        meeting_record=meeting_record,
        subject=subject,
        recorded_outcome=recorded_outcome,
        source=source,
        entered_by=entered_by,
    )
    recorded.full_clean()
    recorded.save()
    if draft is not None:
        _draft_record_vote(draft, voted_on, outcome.result, resolution_number)
    Ballot.objects.bulk_create(
        Ballot(recorded_vote=recorded, member=seated[code], vote=vote)
        for code, vote in sorted(given.items())
    )
    return recorded


def _check_vote_fits_draft(draft: Draft, voted_on: dt.date, resolution_number: int | None) -> None:
    if draft.circulated_on and voted_on < draft.circulated_on:
        raise ValidationError(
            {
                "voted_on": f"The vote ({voted_on}) cannot come before the draft was circulated "
                f"({draft.circulated_on})."
            }
        )
    if draft.vote_on and draft.vote_on != voted_on:
        raise ValidationError(
            {"voted_on": f"{draft} is recorded as voted on {draft.vote_on}, not {voted_on}."}
        )
    if RecordedVote.objects.filter(draft=draft).exists():
        raise ValidationError({"draft": f"{draft} already has a recorded vote."})


def _draft_record_vote(
    draft: Draft, voted_on: dt.date, result: charter.Result, resolution_number: int | None
) -> None:
    """The draft's status and vote date follow its recorded vote."""
    draft.vote_on = voted_on
    draft.status = {
        charter.Result.ADOPTED: Draft.Status.ADOPTED,
        charter.Result.VETOED: Draft.Status.VETOED,
        charter.Result.FAILED: Draft.Status.FAILED,
    }[result]
    fields = ["vote_on", "status", "updated_at"]
    if result is charter.Result.ADOPTED and resolution_number:
        draft.resolution_number = resolution_number
        fields.append("resolution_number")
    draft.full_clean(exclude=["slug"])
    draft.save(update_fields=fields)


def recorded_vote_outcome(recorded: RecordedVote) -> charter.Outcome:
    """The engine's reading of a recorded vote, from its ballots and the rule of its day."""
    ballots = list(recorded.ballots.all())
    rule = charter.rule_for(
        recorded.voted_on,
        [(b.member.code, b.member.permanent) for b in ballots],
        charter.Matter(recorded.matter),
    )
    return charter.classify(rule, {b.member.code: charter.Vote(b.vote) for b in ballots})
