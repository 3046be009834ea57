"""Import and export of the Council's recorded decisions.

Readers turn a file into :class:`SourceVote` items (one per decision, with the file's line
numbers), streaming it: the UN Digital Library's official voting CSV, ``sc_ballots`` (per-member
ballots of recorded votes) and ``recorded_votes.csv`` for ``import_votes``; the Dag
Hammarskjöld Library's outcomes table for ``import_outcomes``. :class:`VoteImporter` maps their
codes to seats (:class:`members.codes.SeatDirectory`), checks each decision against the
Council of its day with :func:`votes.services.vote_check` (the rule of ``recorded_vote_create``)
and writes in bulk, in batches, so that memory stays flat however long the file. Writers give
back the ``undl`` and ``ballots`` layouts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from members.codes import SeatDirectory
from members.models import CouncilCalendar, Member, council_seats
from resolutions.models import Draft
from votes.forecast import priors_refresh_enqueue
from votes.models import Ballot, Outcome, RecordedVote, Veto, Vote, VoteKind
from votes.services import (
    CheckedVote,
    VoteCounts,
    VoteRecord,
    _draft_record_vote,
    recorded_vote_attach_ballots,
    recorded_vote_unsaved,
    vote_check,
)

HISTORY_DIR = Path(settings.BASE_DIR) / "seed" / "history"
MISPRINTS_JSON = HISTORY_DIR / "outcome_misprints.json"

LETTERS = {
    "Y": Vote.YES,
    "N": Vote.NO,
    "A": Vote.ABSTAIN,
    "X": Vote.NOT_PARTICIPATING,
    "": Vote.NOT_PARTICIPATING,
}
"""The UN's ballot letters. X (or nothing) is a seated member that did not vote: not an
abstention."""
LETTER_OF = {
    Vote.YES: "Y",
    Vote.NO: "N",
    Vote.ABSTAIN: "A",
    Vote.NOT_PARTICIPATING: "X",
}
RECORDED_OUTCOMES = {
    "adopted": Outcome.ADOPTED,
    "vetoed": Outcome.VETOED,
    "not_adopted": Outcome.FAILED,
    "failed": Outcome.FAILED,
}
FILE_OUTCOME = {Outcome.ADOPTED: "adopted", Outcome.VETOED: "vetoed", Outcome.FAILED: "not_adopted"}
WITHOUT_A_VOTE = {"without vote", "without a vote", "adopted by consensus"}
UNDL_SOURCE = "UN Digital Library, Security Council voting data"
RESOLUTION_SYMBOL = re.compile(r"^S/RES/(\d+)\s*\((\d{4})\)$")

UNDL_COLUMNS = [
    "undl_id",
    "ms_code",
    "ms_name",
    "permanent_member",
    "ms_vote",
    "date",
    "resolution",
    "draft",
    "meeting",
    "description",
    "agenda",
    "subjects",
    "vote_note",
    "total_yes",
    "total_no",
    "total_abstentions",
    "total_non_voting",
    "total_ms",
    "modality",
    "undl_link",
]
BALLOTS_COLUMNS = [
    "draft_symbol",
    "resolution",
    "voted_on",
    "meeting_record",
    "outcome",
    "agenda",
    "iso3",
    "member",
    "permanent",
    "vote",
    "source",
    "note",
]
RECORDED_VOTES_COLUMNS = [
    "draft_symbol",
    "resolution",
    "voted_on",
    "matter",
    "subject",
    "iso3",
    "vote",
]
OUTCOMES_COLUMNS = [
    "meeting_record",
    "date",
    "document",
    "outcome",
    "resolution",
    "draft_symbol",
    "yes",
    "no",
    "abstain",
    "vote_text",
    "vetoed_by",
]


class ImportError_(ValueError):
    """A file the importer cannot read at all (its layout, its encoding)."""


@dataclass
class SourceBallot:
    line: int
    code: str
    label: str
    letter: str
    permanent: bool | None = None
    """What the file says of the seat's permanence, where it says it."""


@dataclass
class SourceVote:
    """One decision as a file gives it, members named as the file names them."""

    line: int
    voted_on_text: str
    kind: str = VoteKind.BALLOTS
    ballots: list[SourceBallot] = field(default_factory=list)
    counts: VoteCounts | None = None
    vetoed_by: list[str] = field(default_factory=list)
    draft_symbol: str = ""
    resolution_text: str = ""
    sequence: int = 1
    matter: str = Draft.Matter.SUBSTANTIVE
    meeting_record: str = ""
    press_release: str = ""
    subject: str = ""
    recorded_outcome_text: str = ""
    note: str = ""
    source: str = ""
    source_url: str = ""
    key: tuple[str, ...] = ()
    misprint: str = ""


# Readers ----------------------------------------------------------------------------------


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _notes(rows: Iterable[dict[str, str]], column: str) -> str:
    return "; ".join(dict.fromkeys(_clean(r.get(column)) for r in rows if _clean(r.get(column))))


def _grouped(
    rows: Iterator[tuple[int, dict[str, str]]], key: Callable[[dict[str, str]], tuple[str, ...]]
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    """Consecutive rows with the same key: a vote's rows follow one another in these files."""
    group: list[tuple[int, dict[str, str]]] = []
    current: tuple[str, ...] | None = None
    for line, row in rows:
        this = key(row)
        if group and this != current:
            yield group
            group = []
        current = this
        group.append((line, row))
    if group:
        yield group


def detect_layout(header: list[str]) -> str:
    """``undl``, ``ballots``, ``recorded_votes`` or ``outcomes``, from the columns."""
    columns = {c.strip() for c in header}
    for name, required in (
        ("undl", [*UNDL_COLUMNS[:7], "modality"]),
        ("ballots", [*BALLOTS_COLUMNS[:7], "vote"]),
        ("outcomes", OUTCOMES_COLUMNS),
        ("recorded_votes", RECORDED_VOTES_COLUMNS),
    ):
        if set(required) <= columns:
            return name
    raise ImportError_(
        "The header matches no known layout (UN Digital Library voting CSV, sc_ballots, "
        f"recorded_votes or the outcomes table): {', '.join(header)}"
    )


def _numbered(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str]]]:
    line = reader.line_num
    for row in reader:
        yield line + 1, row
        line = reader.line_num


def read_votes(handle: IO[str]) -> tuple[str, Iterator[SourceVote]]:
    """The layout of a votes file and its decisions, read as they come."""
    reader = csv.DictReader(handle)
    layout = detect_layout(list(reader.fieldnames or []))
    rows = _numbered(reader)
    readers = {
        "undl": _read_undl,
        "ballots": _read_ballots,
        "recorded_votes": _read_recorded_votes,
        "outcomes": _read_outcomes,
    }
    return layout, readers[layout](rows)


def _ballots_of(
    group: list[tuple[int, dict[str, str]]],
    code: str,
    label: str,
    vote: str,
    permanent: str | None = None,
) -> list[SourceBallot]:
    def flag(row: dict[str, str]) -> bool | None:
        text = _clean(row.get(permanent)).lower() if permanent else ""
        return {"true": True, "false": False}.get(text)

    return [
        SourceBallot(
            line, _clean(row.get(code)), _clean(row.get(label)), _clean(row.get(vote)), flag(row)
        )
        for line, row in group
    ]


def _read_undl(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[SourceVote]:
    def key(row: dict[str, str]) -> tuple[str, ...]:
        return tuple(
            _clean(row.get(c)) for c in ("undl_id", "resolution", "draft", "date", "meeting")
        )

    for group in _grouped(rows, key):
        line, first = group[0]
        without = _clean(first.get("modality")).lower() == "without vote"
        totals = [
            _clean(first.get(c))
            for c in ("total_yes", "total_no", "total_abstentions", "total_non_voting")
        ]
        counts = (
            VoteCounts(*(int(t) for t in totals))
            if all(t.isdigit() for t in totals) and not without
            else None
        )
        resolution = _clean(first.get("resolution"))
        yield SourceVote(
            line=line,
            voted_on_text=_clean(first.get("date")),
            kind=VoteKind.WITHOUT_VOTE if without else VoteKind.BALLOTS,
            ballots=[]
            if without
            else _ballots_of(group, "ms_code", "ms_name", "ms_vote", "permanent_member"),
            counts=counts,
            draft_symbol=_clean(first.get("draft")),
            resolution_text=resolution,
            meeting_record=_clean(first.get("meeting")),
            subject=_clean(first.get("description")) or _clean(first.get("agenda")),
            recorded_outcome_text="adopted" if resolution else "",
            note=_notes((r for _, r in group), "vote_note"),
            source=UNDL_SOURCE,
            source_url=_clean(first.get("undl_link")),
            key=key(first),
        )


def _procedural(note: str) -> bool:
    return "procedural vote" in note.lower()


def _read_ballots(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[SourceVote]:
    def key(row: dict[str, str]) -> tuple[str, ...]:
        return tuple(
            _clean(row.get(c)) for c in ("draft_symbol", "resolution", "voted_on", "meeting_record")
        )

    for group in _grouped(rows, key):
        line, first = group[0]
        note = _notes((r for _, r in group), "note")
        yield SourceVote(
            line=line,
            voted_on_text=_clean(first.get("voted_on")),
            ballots=_ballots_of(group, "iso3", "member", "vote", "permanent"),
            draft_symbol=_clean(first.get("draft_symbol")),
            resolution_text=_clean(first.get("resolution")),
            matter=Draft.Matter.PROCEDURAL if _procedural(note) else Draft.Matter.SUBSTANTIVE,
            meeting_record=_clean(first.get("meeting_record")),
            subject=_clean(first.get("agenda")),
            recorded_outcome_text=_clean(first.get("outcome")),
            note=note,
            source=_clean(first.get("source")),
            key=key(first),
        )


def _read_recorded_votes(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[SourceVote]:
    def key(row: dict[str, str]) -> tuple[str, ...]:
        return tuple(_clean(row.get(c)) for c in ("draft_symbol", "resolution", "voted_on"))

    for group in _grouped(rows, key):
        line, first = group[0]
        yield SourceVote(
            line=line,
            voted_on_text=_clean(first.get("voted_on")),
            ballots=_ballots_of(group, "iso3", "iso3", "vote"),
            draft_symbol=_clean(first.get("draft_symbol")),
            resolution_text=_clean(first.get("resolution")),
            matter=_clean(first.get("matter")) or Draft.Matter.SUBSTANTIVE,
            subject=_clean(first.get("subject")),
            source=_notes((r for _, r in group), "source"),
            key=key(first),
        )


def load_misprints(path: Path = MISPRINTS_JSON) -> dict[tuple[str, str, str], str]:
    """Rows of the outcomes table whose printed counts are known to be wrong, with why."""
    if not path.exists():
        return {}
    listed = json.loads(path.read_text(encoding="utf-8"))
    return {(e["meeting_record"], e["date"], e["document"]): e["reason"] for e in listed}


def _read_outcomes(
    rows: Iterator[tuple[int, dict[str, str]]],
    misprints: dict[tuple[str, str, str], str] | None = None,
) -> Iterator[SourceVote]:
    misprints = load_misprints() if misprints is None else misprints
    # Decisions with neither a resolution nor a draft symbol are told apart by their order
    # at their meeting (three vetoes at S/PV.57, known by the state each would have admitted).
    unnamed: dict[tuple[str, str], int] = {}
    for line, row in rows:
        key = (
            _clean(row.get("meeting_record")),
            _clean(row.get("date")),
            _clean(row.get("document")),
        )
        sequence = 1
        if not _clean(row.get("resolution")) and not _clean(row.get("draft_symbol")):
            sequence = unnamed[key[:2]] = unnamed.get(key[:2], 0) + 1
        document = key[2]
        named = document in (_clean(row.get("draft_symbol")), key[0]) or document.startswith(
            "S/RES/"
        )
        numbers = [_clean(row.get(c)) for c in ("yes", "no", "abstain")]
        counts = (
            VoteCounts(*(int(n) for n in numbers)) if all(n.isdigit() for n in numbers) else None
        )
        text = _clean(row.get("vote_text")).lower()
        kind = (
            VoteKind.WITHOUT_VOTE
            if counts is None and text in WITHOUT_A_VOTE
            else VoteKind.COUNTS_ONLY
        )
        press = _clean(row.get("press_release"))
        yield SourceVote(
            line=line,
            voted_on_text=key[1],
            kind=kind,
            counts=counts,
            vetoed_by=[n.strip() for n in _clean(row.get("vetoed_by")).split(";") if n.strip()],
            draft_symbol=_clean(row.get("draft_symbol")),
            resolution_text=_clean(row.get("resolution")),
            sequence=sequence,
            meeting_record=key[0],
            press_release=press,
            subject=_clean(row.get("topic")),
            recorded_outcome_text=_clean(row.get("outcome")),
            note="; ".join(
                filter(None, ["" if named else f"document: {document}", _clean(row.get("note"))])
            ),
            source=_clean(row.get("source")) + (f"; press release {press}" if press else ""),
            key=key,
            misprint=misprints.get(key, ""),
        )


# Import -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    layout: str = ""
    read: int = 0
    created: int = 0
    ballots_added: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    disagreements: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def invalid(self) -> int:
        return len(self.problems)

    def summary(self) -> str:
        verb = (
            "would add"
            if self.dry_run
            else ("added" if self.written else "wrote nothing; would add")
        )
        text = (
            f"{self.read} decisions read ({self.layout}): {verb} {self.created}, "
            f"ballots attached to {self.ballots_added} counts-only records, "
            f"{self.unchanged} already recorded, {self.invalid} invalid"
        )
        if self.disagreements:
            text += (
                f", {len(self.disagreements)} where the file's outcome differs from the engine's"
            )
        return text + "."


class InvalidRow(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(m for messages in error.message_dict.values() for m in messages)
    return " ".join(error.messages)


@dataclass
class _Pending:
    source: SourceVote
    checked: CheckedVote
    members: dict[str, Member]


class VoteImporter:
    """Checks and writes decisions in batches inside one transaction: all or nothing unless
    ``skip_invalid``; nothing at all with ``dry_run``."""

    BATCH = 400

    def __init__(self, *, skip_invalid: bool = False, dry_run: bool = False) -> None:
        self.skip_invalid = skip_invalid
        self.dry_run = dry_run
        self.calendar = CouncilCalendar()
        self.directory = SeatDirectory()
        self.report = ImportReport(dry_run=dry_run)

    def run(self, layout: str, votes: Iterable[SourceVote]) -> ImportReport:
        self.report.layout = layout
        with transaction.atomic():
            iterator = iter(votes)
            while batch := list(islice(iterator, self.BATCH)):
                self._batch(batch)
            keep = not self.dry_run and (self.skip_invalid or not self.report.problems)
            if not keep:
                transaction.set_rollback(True)
            elif self.report.created or self.report.ballots_added:
                # New ballots change what the members' records say: re-estimate the priors
                # (and through them the projections) once the import has committed.
                transaction.on_commit(priors_refresh_enqueue)
            self.report.written = keep
        return self.report

    # One batch: map and check each vote, find those already recorded in one query, write.

    def _batch(self, batch: list[SourceVote]) -> None:
        self.report.read += len(batch)
        pending: list[_Pending] = []
        for source in batch:
            try:
                pending.append(self._check(source))
            except InvalidRow as problem:
                self.report.problems.append(RowProblem(problem.line, problem.message))
        existing = self._existing([p.checked.record for p in pending])
        drafts = self._drafts({p.checked.record.draft_symbol for p in pending})
        seen: dict[tuple[Any, ...], int] = {}
        new: list[_Pending] = []
        for item in pending:
            record = item.checked.record
            key = _match_key(record)
            if key in seen:
                self.report.problems.append(
                    RowProblem(item.source.line, f"a duplicate of the vote at line {seen[key]}.")
                )
                continue
            seen[key] = item.source.line
            match = _find(existing, record)
            if match is None:
                draft = drafts.get(record.draft_symbol)
                if draft is not None and draft.vote_on and draft.vote_on != record.voted_on:
                    draft = None  # another vote on a draft of that symbol: keep the symbol only
                record.draft = draft
                new.append(item)
            else:
                self._compare(item, match)
            if item.checked.disagrees:
                known = " (a known misprint of the counts: the recorded outcome is kept)"
                self.report.disagreements.append(
                    RowProblem(
                        item.source.line,
                        f"the file says {record.recorded_outcome}, the engine reads "
                        f"{item.checked.engine_outcome} on its counts"
                        + (known if record.misprint else ""),
                    )
                )
        self._write(new)

    def _check(self, source: SourceVote) -> _Pending:
        line = source.line
        try:
            day = dt.date.fromisoformat(source.voted_on_text)
        except ValueError:
            raise InvalidRow(
                line, f"{source.voted_on_text!r} is not a date (YYYY-MM-DD)."
            ) from None
        try:
            seats = council_seats(day)
        except ValidationError as error:
            raise InvalidRow(line, _messages(error)) from None
        seated = self.calendar.seated(day)
        by_code = {m.code: m for m in seated}
        ballots: dict[str, str] | None = None
        if source.kind == VoteKind.BALLOTS:
            ballots = {}
            for ballot in source.ballots:
                member = self.directory.resolve(ballot.code, ballot.label)
                who = f"{ballot.code or ballot.label}"
                if member is None:
                    raise InvalidRow(ballot.line, f"unknown member {who!r}.")
                if member.code not in by_code:
                    raise InvalidRow(
                        ballot.line,
                        f"{member.name_on(day)} ({who}) is not on the Security Council on {day}.",
                    )
                if member.code in ballots:
                    raise InvalidRow(ballot.line, f"a second ballot for {member.name_on(day)}.")
                letter = ballot.letter.upper()
                if letter not in LETTERS:
                    raise InvalidRow(
                        ballot.line, f"{ballot.letter!r} is not a vote (Y, N, A or X)."
                    )
                ballots[member.code] = LETTERS[letter].value
        vetoed_by = []
        for label in source.vetoed_by:
            member = self.directory.resolve(label, label)
            if member is None:
                raise InvalidRow(line, f"unknown vetoing member {label!r}.")
            vetoed_by.append(member.code)
        recorded_outcome = ""
        if source.recorded_outcome_text:
            if source.recorded_outcome_text not in RECORDED_OUTCOMES:
                raise InvalidRow(line, f"{source.recorded_outcome_text!r} is not an outcome.")
            recorded_outcome = RECORDED_OUTCOMES[source.recorded_outcome_text].value
        resolution = _resolution_number(source.resolution_text, line)
        if source.kind == VoteKind.WITHOUT_VOTE and (
            vetoed_by or recorded_outcome not in ("", Outcome.ADOPTED)
        ):
            raise InvalidRow(line, "a decision without a vote is an adoption: no veto, no failure.")
        if not (resolution or source.draft_symbol or source.meeting_record):
            raise InvalidRow(line, "name the draft, the resolution or the meeting record.")
        if source.matter not in Draft.Matter.values:
            raise InvalidRow(line, f"{source.matter!r} is not a matter (substantive, procedural).")
        record = VoteRecord(
            voted_on=day,
            kind=source.kind,
            ballots=ballots,
            counts=source.counts,
            vetoed_by=tuple(vetoed_by),
            draft_symbol=source.draft_symbol,
            resolution_number=resolution,
            sequence=source.sequence,
            matter=source.matter,
            meeting_record=source.meeting_record,
            subject=source.subject,
            recorded_outcome=recorded_outcome,
            note=source.note,
            source=source.source,
            source_url=source.source_url,
            misprint=source.misprint,
        )
        try:
            checked = vote_check(record, seated, seats)
            recorded_vote_unsaved(checked).clean_fields(exclude=["draft", "entered_by"])
        except ValidationError as error:
            raise InvalidRow(line, _messages(error)) from None
        return _Pending(source, checked, by_code)

    def _existing(self, records: list[VoteRecord]) -> list[RecordedVote]:
        resolutions = [r.resolution_number for r in records if r.resolution_number]
        symbols = [r.draft_symbol for r in records if not r.resolution_number and r.draft_symbol]
        days = [r.voted_on for r in records if not r.resolution_number and not r.draft_symbol]
        wanted = Q(resolution_number__in=resolutions)
        if symbols:
            wanted |= Q(draft_symbol__in=symbols) | Q(draft__symbol__in=symbols)
        if days:
            wanted |= Q(voted_on__in=days, draft_symbol="", resolution_number__isnull=True)
        return list(
            RecordedVote.objects.filter(wanted)
            .select_related("draft")
            .prefetch_related("ballots__member", "vetoes__member")
        )

    def _drafts(self, symbols: set[str]) -> dict[str, Draft]:
        symbols.discard("")
        found = Draft.objects.filter(symbol__in=symbols).select_related("recorded_vote")
        return {d.symbol or "": d for d in found if not hasattr(d, "recorded_vote")}

    def _compare(self, item: _Pending, stored: RecordedVote) -> None:
        """A decision already recorded: the same adds nothing; more ballots are attached to a
        counts-only record; anything else that differs is reported."""
        record, checked, line = item.checked.record, item.checked, item.source.line
        if record.kind == VoteKind.BALLOTS and stored.kind == VoteKind.COUNTS_ONLY:
            try:
                if not self.dry_run:
                    recorded_vote_attach_ballots(
                        recorded=stored, checked=checked, members=item.members
                    )
                self.report.ballots_added += 1
            except ValidationError as error:
                self.report.problems.append(RowProblem(line, _messages(error)))
            return
        differences = _differences(checked, stored)
        if differences:
            self.report.problems.append(
                RowProblem(
                    line,
                    f"{stored.label} of {stored.voted_on} is already recorded "
                    f"differently: {'; '.join(differences)}.",
                )
            )
        else:
            self.report.unchanged += 1

    def _write(self, new: list[_Pending]) -> None:
        if not new:
            return
        rows = [recorded_vote_unsaved(p.checked) for p in new]
        # In bulk, and each row with its "created" record in the audit trail all the same.
        reason = f"imported ({self.report.layout})"
        bulk_create_with_history(rows, RecordedVote, default_change_reason=reason)
        ballots = []
        vetoes = []
        for row, item in zip(rows, new, strict=True):
            for code, vote in sorted((item.checked.record.ballots or {}).items()):
                ballots.append(
                    Ballot(recorded_vote_id=row.pk, member=item.members[code], vote=vote)
                )
            for code in item.checked.vetoed_by:
                vetoes.append(Veto(recorded_vote_id=row.pk, member=item.members[code]))
            if row.draft is not None:
                _draft_record_vote(
                    row.draft, row.voted_on, _result(row.outcome), row.resolution_number
                )
        bulk_create_with_history(ballots, Ballot, batch_size=2000, default_change_reason=reason)
        Veto.objects.bulk_create(vetoes)
        self.report.created += len(rows)


def _result(outcome: str) -> Any:
    import charter

    return charter.Result(outcome)


def _resolution_number(text: str, line: int) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    match = RESOLUTION_SYMBOL.match(text.replace(" ", "").replace("(", " (", 1)) or re.match(
        r"^S/RES/(\d+)", text
    )
    if match:
        return int(match.group(1))
    raise InvalidRow(line, f"{text!r} is not a resolution number or symbol (S/RES/n (yyyy)).")


def _match_key(record: VoteRecord) -> tuple[Any, ...]:
    if record.resolution_number:
        return ("resolution", record.resolution_number)
    if record.draft_symbol:
        return (
            "draft",
            record.draft_symbol,
            record.voted_on,
            record.meeting_record,
            record.sequence,
        )
    return ("meeting", record.meeting_record, record.voted_on, record.sequence)


def _find(existing: list[RecordedVote], record: VoteRecord) -> RecordedVote | None:
    if record.resolution_number:
        return next((v for v in existing if v.resolution_number == record.resolution_number), None)
    if record.draft_symbol:
        same = [
            v
            for v in existing
            if v.voted_on == record.voted_on
            and not v.resolution_number
            and record.draft_symbol
            in (v.draft_symbol, v.draft.symbol if v.draft is not None else None)
        ]
        if len(same) > 1:
            meeting = [v for v in same if v.meeting_record == record.meeting_record] or same
            same = [v for v in meeting if v.sequence == record.sequence] or meeting
        return same[0] if same else None
    return next(
        (
            v
            for v in existing
            if v.voted_on == record.voted_on
            and v.meeting_record == record.meeting_record
            and not v.draft_symbol
            and v.resolution_number is None
            and v.sequence == record.sequence
        ),
        None,
    )


def _differences(checked: CheckedVote, stored: RecordedVote) -> list[str]:
    record = checked.record
    found = []
    if VoteKind.WITHOUT_VOTE in (record.kind, stored.kind) and record.kind != stored.kind:
        found.append(
            f"recorded as {stored.get_kind_display().lower()}, "
            f"here {VoteKind(record.kind).label.lower()}"
        )
    if record.kind == VoteKind.BALLOTS and stored.kind == VoteKind.BALLOTS:
        mine = dict(record.ballots or {})
        theirs = {b.member.code: b.vote for b in stored.ballots.all()}
        changed = sorted(c for c in set(mine) | set(theirs) if mine.get(c) != theirs.get(c))
        if changed:
            found.append(
                "ballots of "
                + ", ".join(
                    f"{c} ({theirs.get(c, '-')} recorded, {mine.get(c, '-')} here)" for c in changed
                )
            )
    elif checked.counts is not None and stored.counts_known:
        mine_counts = (checked.counts.yes, checked.counts.no, checked.counts.abstain)
        theirs_counts = (stored.yes, stored.no, stored.abstain)
        if mine_counts != theirs_counts:
            found.append(
                f"counts {'-'.join(map(str, theirs_counts))} recorded, "
                f"{'-'.join(map(str, mine_counts))} here"
            )
    if checked.outcome != stored.outcome:
        found.append(f"outcome {stored.outcome} recorded, {checked.outcome} here")
    vetoes = sorted(v.member.code for v in stored.vetoes.all())
    if record.kind != VoteKind.WITHOUT_VOTE and vetoes != sorted(checked.vetoed_by):
        given = ", ".join(checked.vetoed_by) or "none"
        found.append(f"vetoes by {', '.join(vetoes) or 'none'} recorded, {given} here")
    return found


def import_file(
    path: Path | str,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    expect: Iterable[str] | None = None,
    progress: Callable[[Iterator[SourceVote], int], Iterator[SourceVote]] | None = None,
) -> ImportReport:
    """Import a votes or outcomes file (its layout detected from the header)."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        try:
            layout, votes = read_votes(handle)
        except UnicodeDecodeError as error:
            raise ImportError_(f"{path.name} is not UTF-8 text: {error}") from None
        if expect is not None and layout not in expect:
            raise ImportError_(f"{path.name} is a {layout} file; expected {' or '.join(expect)}.")
        if progress is not None:
            votes = progress(votes, _line_count(path))
        importer = VoteImporter(skip_invalid=skip_invalid, dry_run=dry_run)
        return importer.run(layout, votes)


def _line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1


# Export -----------------------------------------------------------------------------------


def _exported_votes(kinds: list[str]) -> Iterator[RecordedVote]:
    votes = (
        RecordedVote.objects.filter(kind__in=kinds)
        .select_related("draft")
        .prefetch_related("ballots__member__names")
        .order_by("voted_on", "id")
    )
    yield from votes.iterator(chunk_size=500)


def _ballots_sorted(vote: RecordedVote) -> list[Ballot]:
    # Permanent members first, then the others, by the names of the day (as the UN lists them).
    return sorted(
        vote.ballots.all(), key=lambda b: (not b.member.permanent, b.member.name_on(vote.voted_on))
    )


def _file_outcome(vote: RecordedVote) -> str:
    return FILE_OUTCOME[Outcome(vote.recorded_outcome or vote.outcome)]


def export_ballots(out: IO[str]) -> int:
    """Write the votes with ballots in the ``sc_ballots`` layout; returns the votes written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BALLOTS_COLUMNS)
    written = 0
    for vote in _exported_votes([VoteKind.BALLOTS]):
        note = vote.note
        if vote.matter == Draft.Matter.PROCEDURAL and not _procedural(note):
            note = "; ".join(filter(None, ["procedural vote", note]))
        for ballot in _ballots_sorted(vote):
            writer.writerow(
                [
                    vote.draft_symbol,
                    vote.resolution_number or "",
                    vote.voted_on.isoformat(),
                    vote.meeting_record,
                    _file_outcome(vote),
                    vote.subject,
                    ballot.member.code,
                    ballot.member.name_on(vote.voted_on),
                    "true" if ballot.member.permanent else "false",
                    LETTER_OF[Vote(ballot.vote)],
                    vote.source,
                    note,
                ]
            )
        written += 1
    return written


def export_undl(out: IO[str]) -> int:
    """Write the votes with ballots and the adoptions without a vote in the UN Digital
    Library's layout; returns the decisions written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(UNDL_COLUMNS)
    calendar = CouncilCalendar()
    written = 0
    for vote in _exported_votes([VoteKind.BALLOTS, VoteKind.WITHOUT_VOTE]):
        day = vote.voted_on
        if vote.kind == VoteKind.BALLOTS:
            cast = [(b.member, LETTER_OF[Vote(b.vote)]) for b in _ballots_sorted(vote)]
            totals = [vote.yes, vote.no, vote.abstain, vote.not_participating]
            modality = "Vote"
        else:
            cast = [(m, "X") for m in calendar.seated(day)]
            totals = [0, 0, 0, len(cast)]
            modality = "Without Vote"
        undl_id = vote.source_url.rstrip("/").rsplit("/", 1)[-1] if vote.source_url else ""
        resolution = f"S/RES/{vote.resolution_number}({day.year})" if vote.resolution_number else ""
        for member, letter in cast:
            writer.writerow(
                [
                    undl_id,
                    member.code_on(day),
                    member.name_on(day).upper(),
                    "True" if member.permanent else "False",
                    letter,
                    day.isoformat(),
                    resolution,
                    vote.draft_symbol,
                    vote.meeting_record,
                    vote.subject,
                    "",
                    "",
                    vote.note,
                    *totals,
                    len(cast),
                    modality,
                    vote.source_url,
                ]
            )
        written += 1
    return written


def export_to_text(fmt: str) -> str:
    out = io.StringIO()
    {"undl": export_undl, "ballots": export_ballots}[fmt](out)
    return out.getvalue()
