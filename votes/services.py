"""Writes that record positions and votes. Each runs in one transaction and either writes
everything or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

import charter
from members.models import Composition, Member
from resolutions.models import Draft
from votes.models import Ballot, Outcome, Position, RecordedVote, Stance, Veto, Vote, VoteKind
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
    entered_by: User | None = None,
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
    *, draft: Draft, entries: Iterable[PositionEntry], entered_by: User | None = None
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


def _position_create(draft: Draft, entry: PositionEntry, entered_by: User | None) -> Position:
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


@dataclass(frozen=True)
class VoteCounts:
    """Counts a record gives without per-member ballots."""

    yes: int
    no: int
    abstain: int
    not_participating: int | None = None


@dataclass
class VoteRecord:
    """What a source says about one decision, with members named by their seats' codes. The
    importers and :func:`recorded_vote_create` both check it with :func:`vote_check`."""

    voted_on: dt.date
    kind: str = VoteKind.BALLOTS
    ballots: dict[str, str] | None = None
    counts: VoteCounts | None = None
    vetoed_by: tuple[str, ...] = ()
    draft: Draft | None = None
    draft_symbol: str = ""
    resolution_number: int | None = None
    sequence: int = 1
    matter: str = Draft.Matter.SUBSTANTIVE
    meeting_record: str = ""
    subject: str = ""
    recorded_outcome: str = ""
    note: str = ""
    source: str = ""
    source_url: str = ""
    misprint: str = ""
    """Why the record's counts are known to be misprinted; the recorded outcome is then kept."""


@dataclass(frozen=True)
class CheckedVote:
    """A record that passed :func:`vote_check`: the engine's outcome and the counts to store."""

    record: VoteRecord
    outcome: str
    counts: VoteCounts | None
    vetoed_by: tuple[str, ...]
    engine_outcome: str | None
    """The engine's reading of the counts or ballots (None without any)."""

    @property
    def disagrees(self) -> bool:
        """Whether the engine's reading differs from the outcome the source records."""
        return bool(
            self.record.recorded_outcome
            and self.engine_outcome
            and self.engine_outcome != self.record.recorded_outcome
        )


def vote_check(
    record: VoteRecord, seated: list[Member], seats_and_quota: tuple[int, int]
) -> CheckedVote:
    """Check a decision against the Council of its day (``seated``, complete) and classify it:
    one ballot per seated member, no more and no fewer, for a vote with ballots; counts that
    fit the seats and vetoes cast by permanent members seated that day for a counts-only one.
    Raises a ValidationError listing every problem."""
    seats, _ = seats_and_quota
    day = record.voted_on
    if len(seated) != seats:
        raise ValidationError(
            {
                "voted_on": f"The Council on {day} is known for {len(seated)} of {seats} "
                "seats: add the missing terms first."
            }
        )
    by_code = {m.code: m for m in seated}
    rule = charter.rule_for(
        day, [(m.code, m.permanent) for m in seated], charter.Matter(record.matter)
    )
    if record.kind == VoteKind.WITHOUT_VOTE:
        return CheckedVote(record, Outcome.ADOPTED, None, (), None)
    if record.kind == VoteKind.BALLOTS:
        given = record.ballots or {}
        errors: list[ValidationError | str] = []
        for code, vote in given.items():
            if code not in by_code:
                known = Member.objects.filter(code=code).first()
                who = known.name_on(day) if known else f"Unknown member code {code!r}:"
                errors.append(
                    ValidationError(
                        f"{who} is not on the Security Council on {day}.",
                        code="not_seated" if known else "unknown_member",
                    )
                )
            elif vote not in Vote.values:
                errors.append(
                    f"{code}: {vote!r} is not a vote; use one of {', '.join(Vote.values)}."
                )
        missing = sorted(set(by_code) - set(given))
        if missing:
            errors.append(
                f"Every member seated on {day} needs a ballot; missing: {', '.join(missing)}."
            )
        if errors:
            raise ValidationError({"ballots": errors})
        outcome = charter.classify(rule, {c: charter.Vote(v) for c, v in given.items()})
        counts = VoteCounts(outcome.yes, outcome.no, outcome.abstain, outcome.not_participating)
        if record.counts is not None:
            _check_totals(record.counts, counts)
        return CheckedVote(
            record, outcome.result.value, counts, outcome.vetoed_by, outcome.result.value
        )
    return _check_counts(record, rule, by_code, seats)


def _check_totals(given: VoteCounts, counted: VoteCounts) -> None:
    wanted = [given.yes, given.no, given.abstain]
    got = [counted.yes, counted.no, counted.abstain]
    if given.not_participating is not None:
        wanted.append(given.not_participating)
        got.append(counted.not_participating or 0)
    if wanted != got:
        raise ValidationError(
            {
                "ballots": f"The ballots count {'-'.join(map(str, got))} but the file's totals "
                f"say {'-'.join(map(str, wanted))} (yes-no-abstain"
                f"{'-not participating' if len(wanted) == 4 else ''})."
            }
        )


def _check_counts(
    record: VoteRecord, rule: charter.Rule, by_code: dict[str, Member], seats: int
) -> CheckedVote:
    day = record.voted_on
    for code in record.vetoed_by:
        member = by_code.get(code)
        if member is None or not member.permanent:
            raise ValidationError(
                {"vetoed_by": f"{code} is not a permanent member seated on {day}: no veto."}
            )
    vetoed_by = tuple(sorted(record.vetoed_by))
    if record.counts is None:
        # "Adopted unanimously" and the like: no numbers to count, the record decides.
        if record.recorded_outcome not in Outcome.values:
            raise ValidationError(
                {"outcome": "A decision without counts needs its recorded outcome."}
            )
        return CheckedVote(record, record.recorded_outcome, None, vetoed_by, None)
    counts = record.counts
    try:
        outcome = charter.classify_counts(
            yes=counts.yes,
            no=counts.no,
            abstain=counts.abstain,
            quota=rule.quota,
            matter=rule.matter,
            permanent_no=list(vetoed_by),
            seated=seats,
        )
    except charter.EngineError as error:
        raise ValidationError({"counts": str(error)}) from None
    stored = VoteCounts(counts.yes, counts.no, counts.abstain, outcome.not_participating)
    if record.misprint:
        return CheckedVote(record, record.recorded_outcome, stored, vetoed_by, outcome.result.value)
    return CheckedVote(
        record, outcome.result.value, stored, outcome.vetoed_by, outcome.result.value
    )


def recorded_vote_unsaved(checked: CheckedVote, entered_by: User | None = None) -> RecordedVote:
    """The row a checked decision is stored as (not yet saved)."""
    record, counts = checked.record, checked.counts
    symbol = record.draft_symbol or ((record.draft.symbol or "") if record.draft else "")
    return RecordedVote(
        kind=record.kind,
        outcome=checked.outcome,
        draft=record.draft,
        draft_symbol=symbol,
        resolution_number=record.resolution_number,
        voted_on=record.voted_on,
        sequence=record.sequence,
        matter=record.matter,
        meeting_record=record.meeting_record,
        subject=record.subject,
        yes=counts.yes if counts else None,
        no=counts.no if counts else None,
        abstain=counts.abstain if counts else None,
        not_participating=counts.not_participating if counts else None,
        recorded_outcome=record.recorded_outcome,
        note="\n".join(filter(None, [record.note, record.misprint])),
        source=record.source,
        source_url=record.source_url,
        entered_by=entered_by,
    )


@transaction.atomic
def recorded_vote_create(
    *,
    voted_on: dt.date,
    ballots: Mapping[str, str] | None = None,
    draft: Draft | None = None,
    resolution_number: int | None = None,
    matter: str = Draft.Matter.SUBSTANTIVE,
    meeting_record: str = "",
    subject: str = "",
    recorded_outcome: str = "",
    source: str = "",
    note: str = "",
    draft_symbol: str = "",
    source_url: str = "",
    kind: str = VoteKind.BALLOTS,
    counts: VoteCounts | None = None,
    vetoed_by: tuple[str, ...] = (),
    entered_by: User | None = None,
) -> RecordedVote:
    """Record a vote: with one ballot for each member seated that day, no more and no fewer;
    or, for a record without ballots, with its counts and vetoing members; or an adoption
    without a vote."""
    if draft is None and resolution_number is None and not draft_symbol:
        raise ValidationError({"draft": "Name the draft or the resolution that was voted on."})
    if draft is not None:
        _check_vote_fits_draft(draft, voted_on, resolution_number)
    try:
        composition = Composition.on(voted_on)
    except ValidationError as error:
        raise ValidationError({"voted_on": error.messages}) from None
    record = VoteRecord(
        voted_on=voted_on,
        kind=kind,
        ballots={c.strip().upper(): v for c, v in (ballots or {}).items()}
        if kind == VoteKind.BALLOTS
        else None,
        counts=counts,
        vetoed_by=tuple(c.strip().upper() for c in vetoed_by),
        draft=draft,
        draft_symbol=draft_symbol,
        resolution_number=resolution_number,
        matter=matter,
        meeting_record=meeting_record,
        subject=subject,
        recorded_outcome=recorded_outcome,
        note=note,
        source=source,
        source_url=source_url,
    )
    checked = vote_check(record, list(composition.members), (composition.seats, composition.quota))
    if resolution_number is not None and checked.outcome != Outcome.ADOPTED:
        raise ValidationError(
            {
                "resolution_number": f"The ballots give {checked.outcome}: only an adopted "
                "draft becomes a resolution, so leave the number out."
            }
        )
    recorded = recorded_vote_unsaved(checked, entered_by)
    recorded.full_clean()
    recorded.save()
    if draft is not None:
        _draft_record_vote(draft, voted_on, charter.Result(checked.outcome), resolution_number)
    seated = {m.code: m for m in composition.members}
    bulk_create_with_history(
        [
            Ballot(recorded_vote=recorded, member=seated[code], vote=vote)
            for code, vote in sorted((record.ballots or {}).items())
        ],
        Ballot,
        default_user=entered_by,
    )
    Veto.objects.bulk_create(
        Veto(recorded_vote=recorded, member=seated[code]) for code in checked.vetoed_by
    )
    return recorded


@transaction.atomic
def recorded_vote_attach_ballots(
    *, recorded: RecordedVote, checked: CheckedVote, members: Mapping[str, Member]
) -> RecordedVote:
    """Give a counts-only record the ballots a later source provides, when they agree with
    its counts, outcome and vetoes; the only change a recorded vote may undergo (the database
    allows no other). Raises a ValidationError saying what disagrees."""
    if recorded.kind != VoteKind.COUNTS_ONLY:
        raise ValidationError({"ballots": f"{recorded.label} already has its ballots."})
    counts = checked.counts
    assert counts is not None
    if recorded.counts_known:
        stored = VoteCounts(recorded.yes or 0, recorded.no or 0, recorded.abstain or 0)
        given = VoteCounts(counts.yes, counts.no, counts.abstain)
        if stored != given:
            raise ValidationError(
                {
                    "ballots": f"{recorded.label} is recorded as {stored.yes}-{stored.no}-"
                    f"{stored.abstain}; these ballots count {given.yes}-{given.no}-"
                    f"{given.abstain}."
                }
            )
    if checked.outcome != recorded.outcome:
        raise ValidationError(
            {
                "outcome": f"{recorded.label} is recorded as {recorded.outcome}; these ballots "
                f"give {checked.outcome}."
            }
        )
    vetoes = sorted(recorded.vetoes.values_list("member__code", flat=True))
    if vetoes != sorted(checked.vetoed_by):
        raise ValidationError(
            {
                "vetoed_by": f"{recorded.label} records vetoes by {', '.join(vetoes) or 'none'};"
                f" these ballots give {', '.join(checked.vetoed_by) or 'none'}."
            }
        )
    record = checked.record
    changes: dict[str, object] = {"kind": VoteKind.BALLOTS, "matter": record.matter}
    if not recorded.draft_symbol and record.draft_symbol:
        changes["draft_symbol"] = record.draft_symbol
    if not recorded.counts_known:
        # "Adopted unanimously" gave no numbers: the ballots give them.
        changes.update(
            yes=counts.yes,
            no=counts.no,
            abstain=counts.abstain,
            not_participating=counts.not_participating,
        )
    RecordedVote.objects.filter(pk=recorded.pk, kind=VoteKind.COUNTS_ONLY).update(**changes)
    reason = "ballots attached to a record of counts"
    bulk_create_with_history(
        [
            Ballot(recorded_vote_id=recorded.pk, member=members[code], vote=vote)
            for code, vote in sorted((record.ballots or {}).items())
        ],
        Ballot,
        default_change_reason=reason,
    )
    updated = RecordedVote.objects.get(pk=recorded.pk)
    # An UPDATE in SQL sends no signal: the audit trail gets its "changed" record here.
    RecordedVote.history.model.objects.create(
        **{f.attname: getattr(updated, f.attname) for f in RecordedVote._meta.concrete_fields},
        history_date=timezone.now(),
        history_type="~",
        history_change_reason=reason,
    )
    return updated


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
    """The engine's reading of a recorded vote, from its ballots (or its counts and vetoing
    members, for a record without ballots) under the rule of its day."""
    matter = charter.Matter(recorded.matter)
    if recorded.kind == VoteKind.BALLOTS:
        ballots = list(recorded.ballots.all())
        rule = charter.rule_for(
            recorded.voted_on, [(b.member.code, b.member.permanent) for b in ballots], matter
        )
        return charter.classify(rule, {b.member.code: charter.Vote(b.vote) for b in ballots})
    seats, quota = charter.charter_size_and_quota(recorded.voted_on)
    if not recorded.counts_known:
        raise ValidationError(f"{recorded.label} has no counts to classify.")
    return charter.classify_counts(
        yes=recorded.yes or 0,
        no=recorded.no or 0,
        abstain=recorded.abstain or 0,
        quota=quota,
        matter=matter,
        permanent_no=[m.code for m in recorded.vetoed_by.all()],
        seated=seats,
    )
