"""The forecast's priors on the Django side: where the recorded votes come from, how the priors
are refreshed and stored, and what the engine is given for a draft.

- :func:`read_votes` reads a file of recorded votes with per-member ballots, one
  :class:`charter.VoteRecord` per vote, streaming, through the importer's reader: every
  layout with ballots that ``import_votes`` reads.
- :func:`database_votes` reads the recorded votes in the database the same way.
- :func:`prior_set_refresh` estimates the priors from both (a vote in both counts once) and
  stores them as a :class:`~votes.models.PriorSet` when they changed. The Celery task
  ``votes.tasks.refresh_priors`` runs it after recorded votes are saved, then refreshes the
  projections.
- :func:`engine_priors` gives the engine the priors for one draft's Council, topic and
  direction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Prefetch

import charter
from members.codes import SeatDirectory
from members.models import Member
from resolutions.models import Draft, Provision
from votes.models import Ballot, PriorSet, RecordedVote, VoteKind

if TYPE_CHECKING:
    from votes.importers import SourceBallot, SourceVote

log = logging.getLogger(__name__)

HISTORY_FILE = Path(settings.BASE_DIR) / "seed" / "history" / "sc_ballots_1994_2025.csv"
"""The recorded ballots shipped with the repository (see ``seed/SOURCES.md``)."""

VOTE_LETTERS = {
    "Y": charter.Vote.YES,
    "N": charter.Vote.NO,
    "A": charter.Vote.ABSTAIN,
    "X": charter.Vote.NOT_PARTICIPATING,
}
OUTCOMES = {
    "adopted": charter.Result.ADOPTED,
    "vetoed": charter.Result.VETOED,
    "not_adopted": charter.Result.FAILED,
    "failed": charter.Result.FAILED,
}


class VoteFileError(ValueError):
    """A file of recorded votes that cannot be read; the message names the file, the line and
    the problem."""


_RESOLUTION = re.compile(r"^(?:S/RES/)?(\d+)")


def vote_key(resolution: int | str | None, symbol: str | None, voted_on: dt.date) -> str:
    """One key per vote, the same from a file and from the database: ``S/RES/2371@2017-08-05``
    for a resolution, else ``S/2017/172@2017-02-28`` for a draft's symbol. A resolution may be
    given as its number or its symbol (``S/RES/511(1982)``)."""
    number = _RESOLUTION.match(str(resolution).replace(" ", "")) if resolution else None
    name = f"S/RES/{number.group(1)}" if number else (symbol or "").strip()
    return f"{name}@{voted_on.isoformat()}"


def _day(path: Path, line: int, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise VoteFileError(f"{path.name}, line {line}: {text!r} is not a date") from None


def read_votes(
    path: str | Path, permanent: Callable[[str], bool] | None = None
) -> Iterator[charter.VoteRecord]:
    """The recorded votes with ballots of a CSV file, one :class:`charter.VoteRecord` per vote,
    streamed. The file is read by the importer's reader (:func:`votes.importers.read_votes`),
    so every layout ``import_votes`` reads with ballots is read here too: the UN Digital
    Library's voting CSV, the shared ``sc_ballots`` file and ``seed/recorded_votes.csv``.

    - Members are keyed by their seat's code; the UN Digital Library's codes of the time
      (``SUN`` for the USSR) are mapped to their seat through the members in the database.
    - A member's permanence is the file's where it says it, else ``permanent(code)`` (default:
      the members marked permanent in the database).
    - The outcome is the file's where it says it (a UN Digital Library row with a resolution
      was adopted), else the engine reads it from the ballots. Decisions without ballots
      (adopted without a vote) are left out.

    Errors name the file, the line and the problem.
    """
    from votes import importers  # the importer reads the files; it imports this module's users

    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        try:
            layout, votes = importers.read_votes(handle)
        except importers.ImportError_ as error:
            raise VoteFileError(f"{path.name}: not a layout of recorded ballots: {error}") from None
        if layout == "outcomes":
            raise VoteFileError(
                f"{path.name}: not a layout of recorded ballots: the outcomes table has counts, "
                "not ballots"
            )
        seats = _SeatCodes(path, layout, permanent)
        seen: set[str] = set()
        for vote in votes:
            if not vote.ballots:
                continue
            voted_on = _day(path, vote.line, vote.voted_on_text)
            key = vote_key(vote.resolution_text, vote.draft_symbol, voted_on)
            if key in seen:
                raise VoteFileError(
                    f"{path.name}, line {vote.line}: the rows of {key} are not together"
                )
            seen.add(key)
            yield charter.VoteRecord(
                key=key,
                voted_on=voted_on,
                ballots=tuple(seats.ballot(b) for b in vote.ballots),
                topic=charter.topic_of(vote.subject),
                matter=_matter(path, vote),
                outcome=_outcome(path, vote),
            )


class _SeatCodes:
    """A file's member codes as the engine keys them, with their permanence."""

    def __init__(self, path: Path, layout: str, permanent: Callable[[str], bool] | None) -> None:
        self.path = path
        self.layout = layout
        self._permanent = permanent
        self._directory: SeatDirectory | None = None

    def ballot(self, ballot: SourceBallot) -> charter.BallotRecord:
        letter = ballot.letter.strip().upper() or ("X" if self.layout == "undl" else "")
        if letter not in VOTE_LETTERS:
            raise VoteFileError(
                f"{self.path.name}, line {ballot.line}: {ballot.letter!r} is not a vote "
                "(Y, N, A or X)"
            )
        code = ballot.code.strip().upper()
        if self.layout == "undl":
            if self._directory is None:
                self._directory = SeatDirectory()
            seat = self._directory.resolve(code, ballot.label)
            code = seat.code if seat else code
        is_permanent = ballot.permanent
        if is_permanent is None:
            if self._permanent is None:
                codes = set(Member.objects.filter(permanent=True).values_list("code", flat=True))
                self._permanent = codes.__contains__
            is_permanent = self._permanent(code)
        return charter.BallotRecord(code, is_permanent, VOTE_LETTERS[letter])


def _matter(path: Path, vote: SourceVote) -> charter.Matter:
    try:
        return charter.Matter(vote.matter or "substantive")
    except ValueError:
        raise VoteFileError(
            f"{path.name}, line {vote.line}: {vote.matter!r} is not a matter"
        ) from None


def _outcome(path: Path, vote: SourceVote) -> charter.Result | None:
    text = vote.recorded_outcome_text.strip()
    if not text:
        return None
    if text not in OUTCOMES:
        raise VoteFileError(
            f"{path.name}, line {vote.line}: {text!r} is not an outcome "
            "(adopted, vetoed, not_adopted)"
        )
    return OUTCOMES[text]


def draft_topic(draft: Draft | None, subject: str = "") -> str:
    """The topic key of a draft (its regime's name, else its title) or of a subject line."""
    if draft is not None and draft.regime_id:
        regime = draft.regime
        assert regime is not None  # its id is set
        return charter.topic_of(regime.name)
    if subject:
        return charter.topic_of(subject)
    return charter.topic_of(draft.title) if draft is not None else ""


def draft_direction(provisions: list[Provision]) -> charter.Direction | None:
    """Lifts when every provision lifts or eases, imposes when every one imposes or tightens;
    None when there are none or they are mixed."""
    actions = {provision.action for provision in provisions}
    if actions and actions <= {Provision.Action.LIFT, Provision.Action.EASE}:
        return charter.Direction.LIFTS
    if actions and actions <= {Provision.Action.IMPOSE, Provision.Action.TIGHTEN}:
        return charter.Direction.IMPOSES
    return None


def database_votes() -> Iterator[charter.VoteRecord]:
    """The recorded votes in the database with their ballots, as the engine reads them.
    Counts-only records (most decisions before 1994) tell nothing of who voted how and are
    left out."""
    votes = (
        RecordedVote.objects.filter(kind=VoteKind.BALLOTS, ballots__isnull=False)
        .distinct()
        .select_related("draft__regime")
        .prefetch_related(
            Prefetch("ballots", queryset=Ballot.objects.select_related("member")),
            "draft__provisions",
        )
        .order_by("voted_on", "id")
    )
    for vote in votes.iterator(chunk_size=500):
        draft = vote.draft
        outcome = vote.recorded_outcome or vote.outcome
        yield charter.VoteRecord(
            key=vote_key(
                vote.resolution_number,
                draft.symbol if draft else vote.draft_symbol,
                vote.voted_on,
            ),
            voted_on=vote.voted_on,
            ballots=tuple(
                charter.BallotRecord(b.member.code, b.member.permanent, charter.Vote(b.vote))
                for b in vote.ballots.all()
            ),
            topic=draft_topic(draft, vote.subject),
            direction=draft_direction(list(draft.provisions.all())) if draft else None,
            matter=charter.Matter(vote.matter),
            outcome=charter.Result(outcome) if outcome else None,
        )


def training_votes(
    files: tuple[Path, ...] = (HISTORY_FILE,),
) -> tuple[list[charter.VoteRecord], str]:
    """The votes the priors are estimated from, each once (by :func:`vote_key`): the files',
    then the database's. Returns them with a description of where they came from."""
    pool: dict[str, charter.VoteRecord] = {}
    parts = []
    for path in files:
        before = len(pool)
        for vote in read_votes(path):
            pool.setdefault(vote.key, vote)
        parts.append(f"{path.name} ({len(pool) - before:,} votes)")
    before = len(pool)
    total = 0
    for vote in database_votes():
        total += 1
        pool.setdefault(vote.key, vote)
    parts.append(f"database ({total:,} recorded votes, {len(pool) - before:,} not in the files)")
    return sorted(pool.values(), key=lambda v: (v.voted_on, v.key)), "; ".join(parts)


def _digest(data: object) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prior_set_refresh(*, files: tuple[Path, ...] = (HISTORY_FILE,)) -> PriorSet | None:
    """Estimate the priors from the recorded votes (the files and the database) and store them
    when they differ from the latest stored. Returns the new row, if any."""
    votes, sources = training_votes(files)
    priors = charter.estimate(votes)
    data = priors.to_dict()
    digest = _digest(data)
    with transaction.atomic():
        latest = PriorSet.objects.select_for_update().order_by("-computed_at", "-id").first()
        if latest is not None and latest.digest == digest:
            return None
        row = PriorSet.objects.create(
            model_version=charter.MODEL_VERSION,
            as_of=priors.as_of,
            window_start=priors.first,
            window_end=priors.last,
            n_votes=priors.n_votes,
            n_contested=priors.n_contested,
            sources=sources,
            digest=digest,
            data=data,
        )
    _load_stored.cache_clear()
    return row


@lru_cache(maxsize=4)
def _load_stored(prior_set_id: int) -> charter.Priors:
    row = PriorSet.objects.get(pk=prior_set_id)
    return charter.Priors.from_dict(row.data)


@lru_cache(maxsize=2)
def _estimated(file_stamp: tuple[int, int], votes_stamp: tuple[int, int | None]) -> charter.Priors:
    votes, _ = training_votes()
    return charter.estimate(votes)


def current_priors() -> charter.Priors:
    """The latest stored priors. Before any refresh has stored some, the same priors the
    refresh would store (the history file and the database's votes), estimated once per
    process for each state of the recorded votes (they are append-only: their number and
    largest id tell it)."""
    latest = PriorSet.objects.order_by("-computed_at", "-id").values_list("id", flat=True)[:1]
    for prior_set_id in latest:
        return _load_stored(prior_set_id)
    stat = HISTORY_FILE.stat()
    state = RecordedVote.objects.aggregate(n=Count("id"), last=Max("id"))
    return _estimated((stat.st_mtime_ns, stat.st_size), (state["n"], state["last"]))


def engine_priors(draft: Draft, rule: charter.Rule) -> charter.CouncilPriors:
    """What the engine is given for ``draft`` before the Council of ``rule``: each member's
    record on the draft's topic and direction, the chance of a consensus draft and the blocs."""
    return current_priors().for_council(
        rule, draft_topic(draft), draft_direction(list(draft.provisions.all()))
    )


REFRESH_PENDING_SECONDS = 300
_PENDING_KEY = "priors-refresh-pending"


def priors_refresh_enqueue() -> bool:
    """Send the priors refresh task once while one is waiting (many votes saved in one import
    send one task). A broker or cache that cannot be reached is logged, never raised: the
    periodic repair of projections and the next import refresh them. Returns whether sent."""
    from votes.tasks import refresh_priors

    try:
        if not cache.add(_PENDING_KEY, 1, timeout=REFRESH_PENDING_SECONDS):
            return False
    except Exception as error:  # the cache is down: send anyway, the task is idempotent
        log.warning("Priors refresh dedup unavailable (%s); sending anyway.", error)
    try:
        refresh_priors.apply_async(retry=False)
    except Exception as error:
        log.warning("Priors refresh not enqueued (%s).", error)
        priors_refresh_started()
        return False
    return True


def priors_refresh_started() -> None:
    """Clear the "refresh waiting" mark as the refresh starts."""
    try:
        cache.delete(_PENDING_KEY)
    except Exception as error:
        log.warning("Could not clear the priors refresh mark (%s).", error)


def recorded_vote_saved(
    sender: type, instance: RecordedVote, raw: bool = False, **kwargs: object
) -> None:
    """Signal receiver: a recorded vote was saved, so refresh the priors after the commit
    (fixtures loaded raw are left alone)."""
    if raw:
        return
    transaction.on_commit(priors_refresh_enqueue)
