"""The back-test: every recorded vote forecast from what was known before it, and scored.

:func:`run` walks the recorded votes day by day. Before the votes of a day are forecast, the
priors are re-estimated from the votes of earlier days only (:class:`charter.priors.PriorCounts`
gets a day's votes after they have been forecast), so that a vote's own ballots, and those of
any vote on the same day or later, never train its forecast. Each vote is then forecast three
ways:

* **the model**: the joint model of :mod:`charter.blocs` with the priors of the vote's Council
  and topic;
* **the naive base rate**: the share of earlier votes that were adopted,
  ``(adopted + 1) / (votes + 2)``, and for ballots the share of each vote among all earlier
  ballots (same smoothing);
* **today's fixed row**: the engine's first model, every member undecided with the default
  table's fixed row (yes 0.35, no 0.20, abstain 0.45), members independent.

With ``reveal=K``, K of the vote's ballots, drawn at random (seeded by ``seed`` and the vote's
key, so a vote gets the same draw whatever else is run), are given to the model and the fixed
row as positions at confidence :data:`REVEAL_CONFIDENCE`.

The scores are over the outcome "adopted": n, Brier score, log loss and a reliability table by
decile of the forecast; and, member by member, the log loss of the yes/abstain/no forecast of
the ballots not revealed (not participating counts as abstaining, as in the engine).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .blocs import CouncilPriors, joint_model
from .priors import DEFAULT_SMOOTHING, PriorCounts, Priors, Smoothing, VoteRecord
from .projection import DEFAULT_STANCE_TABLE, VoteProbabilities
from .rule import JSONValue, Stance, Vote
from .tally import PositionInput

REVEAL_CONFIDENCE = 0.9
DEFAULT_SEED = 20191230
EPSILON = 1e-12
"""Forecasts are kept within [EPSILON, 1 - EPSILON] for the log loss (a forecast of exactly 0
for what happened would cost an infinite loss)."""

DECILES = 10
ELECTED = "elected"

_STANCE_OF_VOTE = {
    Vote.YES: Stance.YES,
    Vote.NO: Stance.NO,
    Vote.ABSTAIN: Stance.ABSTAIN,
    Vote.NOT_PARTICIPATING: Stance.NOT_PARTICIPATING,
}


def _engine_vote(vote: Vote) -> Vote:
    return Vote.ABSTAIN if vote is Vote.NOT_PARTICIPATING else vote


def _chance(row: VoteProbabilities, vote: Vote) -> float:
    vote = _engine_vote(vote)
    if vote is Vote.YES:
        return row.yes
    if vote is Vote.NO:
        return row.no
    return row.abstain


@dataclass(frozen=True)
class BallotForecast:
    """One ballot not revealed: what was cast, and what each method gave it."""

    member: str
    permanent: bool
    vote: Vote
    model: VoteProbabilities
    base_rate: VoteProbabilities
    fixed_row: VoteProbabilities


@dataclass(frozen=True)
class Forecast:
    """One vote's forecasts. ``trained_on`` counts the votes in its training window and
    ``trained_until`` is the day of the last of them (None when there were none)."""

    key: str
    voted_on: date
    adopted: bool
    p_adopted: float
    p_base_rate: float
    p_fixed_row: float
    revealed: tuple[str, ...]
    trained_on: int
    trained_until: date | None
    ballots: tuple[BallotForecast, ...]


@dataclass(frozen=True)
class ReliabilityBin:
    """Forecasts in ``[low, high)`` (the last bin includes 1): how many, their mean, and the
    share of those votes that were adopted."""

    low: float
    high: float
    n: int
    mean_forecast: float | None
    observed: float | None

    @property
    def gap(self) -> float | None:
        if self.mean_forecast is None or self.observed is None:
            return None
        return abs(self.observed - self.mean_forecast)

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "low": self.low,
            "high": self.high,
            "n": self.n,
            "mean_forecast": self.mean_forecast,
            "observed": self.observed,
            "gap": self.gap,
        }


@dataclass(frozen=True)
class Scores:
    """n, Brier score, log loss and reliability of forecasts of "adopted"."""

    n: int
    brier: float
    log_loss: float
    reliability: tuple[ReliabilityBin, ...]

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "n": self.n,
            "brier": self.brier,
            "log_loss": self.log_loss,
            "reliability": [item.to_dict() for item in self.reliability],
        }


def score(forecasts: Sequence[float], outcomes: Sequence[bool]) -> Scores:
    """Brier score, log loss and reliability by decile of probability forecasts."""
    n = len(forecasts)
    if n == 0:
        empty = tuple(
            ReliabilityBin(i / DECILES, (i + 1) / DECILES, 0, None, None) for i in range(DECILES)
        )
        return Scores(0, math.nan, math.nan, empty)
    brier = math.fsum((p - y) ** 2 for p, y in zip(forecasts, outcomes, strict=True)) / n
    loss = (
        math.fsum(
            -math.log(min(1 - EPSILON, max(EPSILON, p if y else 1.0 - p)))
            for p, y in zip(forecasts, outcomes, strict=True)
        )
        / n
    )
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(DECILES)]
    for p, y in zip(forecasts, outcomes, strict=True):
        bins[min(DECILES - 1, int(p * DECILES))].append((p, y))
    reliability = tuple(
        ReliabilityBin(
            i / DECILES,
            (i + 1) / DECILES,
            len(items),
            math.fsum(p for p, _ in items) / len(items) if items else None,
            sum(1 for _, y in items if y) / len(items) if items else None,
        )
        for i, items in enumerate(bins)
    )
    return Scores(n, brier, loss, reliability)


@dataclass(frozen=True)
class MemberLoss:
    """Mean log loss of the yes/abstain/no forecast of one member's ballots (``"elected"``:
    every elected member's), for each method."""

    member: str
    n: int
    model: float
    base_rate: float
    fixed_row: float

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "n": self.n,
            "log_loss": self.model,
            "baseline_log_loss": self.base_rate,
            "fixed_row_log_loss": self.fixed_row,
        }


@dataclass(frozen=True)
class BacktestReport:
    """The scores of a back-test and the forecasts they come from."""

    reveal: int
    seed: int
    since: int | None
    blocs: bool
    smoothing: Smoothing
    model: Scores
    base_rate: Scores
    fixed_row: Scores
    members: tuple[MemberLoss, ...]
    forecasts: tuple[Forecast, ...]

    def to_dict(self) -> dict[str, JSONValue]:
        """One JSON object: ``n``, ``brier``, ``log_loss`` and ``reliability`` of the model,
        ``baseline_brier`` and ``baseline_log_loss`` of the naive base rate, the fixed row's,
        the per-member losses and the settings."""
        return {
            "n": self.model.n,
            "brier": self.model.brier,
            "log_loss": self.model.log_loss,
            "baseline_brier": self.base_rate.brier,
            "baseline_log_loss": self.base_rate.log_loss,
            "fixed_row_brier": self.fixed_row.brier,
            "fixed_row_log_loss": self.fixed_row.log_loss,
            "reliability": [item.to_dict() for item in self.model.reliability],
            "baseline_reliability": [item.to_dict() for item in self.base_rate.reliability],
            "per_member": {item.member: item.to_dict() for item in self.members},
            "reveal": self.reveal,
            "seed": self.seed,
            "since": self.since,
            "blocs": self.blocs,
            "smoothing": self.smoothing.to_dict(),
        }


def revealed_members(vote: VoteRecord, k: int, seed: int) -> tuple[str, ...]:
    """The ``k`` members whose ballots are revealed, drawn with a generator seeded by ``seed``
    and the vote's key, in seating order."""
    codes = [ballot.member for ballot in vote.ballots]
    if k <= 0:
        return ()
    chosen = set(random.Random(f"{seed}:{vote.key}").sample(codes, min(k, len(codes))))
    return tuple(code for code in codes if code in chosen)


class _BaseRate:
    """The naive base rate: shares among the votes counted so far (Laplace smoothing)."""

    def __init__(self) -> None:
        self.votes = 0
        self.adopted = 0
        self.ballots = {Vote.YES: 0, Vote.NO: 0, Vote.ABSTAIN: 0}

    def add(self, vote: VoteRecord) -> None:
        self.votes += 1
        self.adopted += vote.adopted
        for ballot in vote.ballots:
            self.ballots[_engine_vote(ballot.vote)] += 1

    def p_adopted(self) -> float:
        return (self.adopted + 1) / (self.votes + 2)

    def ballot(self) -> VoteProbabilities:
        total = sum(self.ballots.values()) + 3
        return VoteProbabilities(
            (self.ballots[Vote.YES] + 1) / total,
            (self.ballots[Vote.NO] + 1) / total,
            (self.ballots[Vote.ABSTAIN] + 1) / total,
        )


def _dedupe(votes: Iterable[VoteRecord], training: Iterable[VoteRecord]) -> list[VoteRecord]:
    pool: dict[str, VoteRecord] = {}
    for vote in votes:
        pool.setdefault(vote.key, vote)
    for vote in training:
        pool.setdefault(vote.key, vote)
    return sorted(pool.values(), key=lambda vote: (vote.voted_on, vote.key))


def run(
    votes: Iterable[VoteRecord],
    *,
    training: Iterable[VoteRecord] = (),
    reveal: int = 0,
    seed: int = DEFAULT_SEED,
    since: int | None = None,
    smoothing: Smoothing = DEFAULT_SMOOTHING,
    blocs: bool = True,
) -> BacktestReport:
    """Forecast every vote of ``votes`` (from the year ``since`` on, if given) from the votes
    of earlier days among ``votes`` and ``training`` (a vote in both, by key, counts once),
    and score the forecasts (see the module docstring)."""
    votes = list(votes)
    evaluated = {vote.key for vote in votes if since is None or vote.voted_on.year >= since}
    pool = _dedupe(votes, training)
    counts = PriorCounts(smoothing)
    base = _BaseRate()
    fixed_row = DEFAULT_STANCE_TABLE[Stance.UNDECIDED]
    forecasts: list[Forecast] = []
    trained_until: date | None = None
    index = 0
    while index < len(pool):
        day = pool[index].voted_on
        todays = []
        while index < len(pool) and pool[index].voted_on == day:
            todays.append(pool[index])
            index += 1
        to_forecast = [vote for vote in todays if vote.key in evaluated]
        if to_forecast:
            snapshot = counts.priors(as_of=day)
            for vote in to_forecast:
                forecasts.append(
                    _forecast(vote, snapshot, base, fixed_row, reveal, seed, blocs, trained_until)
                )
        for vote in todays:
            counts.add(vote)
            base.add(vote)
        trained_until = day
    outcomes = [forecast.adopted for forecast in forecasts]
    return BacktestReport(
        reveal=reveal,
        seed=seed,
        since=since,
        blocs=blocs,
        smoothing=smoothing,
        model=score([f.p_adopted for f in forecasts], outcomes),
        base_rate=score([f.p_base_rate for f in forecasts], outcomes),
        fixed_row=score([f.p_fixed_row for f in forecasts], outcomes),
        members=_member_losses(forecasts),
        forecasts=tuple(forecasts),
    )


def _forecast(
    vote: VoteRecord,
    priors: Priors,
    base: _BaseRate,
    fixed_row: VoteProbabilities,
    reveal: int,
    seed: int,
    blocs: bool,
    trained_until: date | None,
) -> Forecast:
    rule = vote.rule()
    shown = revealed_members(vote, reveal, seed)
    cast = {ballot.member: ballot.vote for ballot in vote.ballots}
    positions = {
        code: PositionInput(_STANCE_OF_VOTE[cast[code]], REVEAL_CONFIDENCE) for code in shown
    }
    model = joint_model(
        rule, positions, priors.for_council(rule, vote.topic, vote.direction), blocs=blocs
    )
    fixed = joint_model(rule, positions, CouncilPriors.fixed(rule, fixed_row))
    base_ballot = base.ballot()
    ballots = tuple(
        BallotForecast(
            ballot.member,
            ballot.permanent,
            ballot.vote,
            model.member_probabilities(ballot.member),
            base_ballot,
            fixed.member_probabilities(ballot.member),
        )
        for ballot in vote.ballots
        if ballot.member not in shown
    )
    return Forecast(
        key=vote.key,
        voted_on=vote.voted_on,
        adopted=vote.adopted,
        p_adopted=model.projection().p_adopted,
        p_base_rate=base.p_adopted(),
        p_fixed_row=fixed.projection().p_adopted,
        revealed=shown,
        trained_on=priors.n_votes,
        trained_until=trained_until,
        ballots=ballots,
    )


def _member_losses(forecasts: Sequence[Forecast]) -> tuple[MemberLoss, ...]:
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for forecast in forecasts:
        for ballot in forecast.ballots:
            keys = [ballot.member] if ballot.permanent else [ELECTED]
            for key in keys:
                row = sums[key]
                row[0] += 1
                row[1] += -math.log(max(EPSILON, _chance(ballot.model, ballot.vote)))
                row[2] += -math.log(max(EPSILON, _chance(ballot.base_rate, ballot.vote)))
                row[3] += -math.log(max(EPSILON, _chance(ballot.fixed_row, ballot.vote)))
    ordered = sorted(sums, key=lambda key: (key == ELECTED, key))
    return tuple(
        MemberLoss(key, int(sums[key][0]), *(value / sums[key][0] for value in sums[key][1:]))
        for key in ordered
    )


def reliability_svg(report: BacktestReport, *, size: int = 360) -> str:
    """The reliability diagram of a back-test as an SVG document: for each decile of the
    forecast, the share adopted against the mean forecast, a dot whose area grows with the
    number of votes (the model in blue, the naive base rate in grey), and the diagonal of
    perfect calibration."""
    margin = 44
    plot = size - 2 * margin

    def x(p: float) -> float:
        return margin + p * plot

    def y(p: float) -> float:
        return size - margin - p * plot

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" font-family="sans-serif" font-size="11">',
        f'<rect x="{margin}" y="{margin}" width="{plot}" height="{plot}" fill="none" '
        'stroke="#999"/>',
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#bbb" '
        'stroke-dasharray="4 3"/>',
    ]
    for tick in range(0, 11, 2):
        p = tick / 10
        parts.append(
            f'<text x="{x(p):.1f}" y="{size - margin + 14}" text-anchor="middle">{p:.1f}</text>'
        )
        parts.append(f'<text x="{margin - 6}" y="{y(p) + 4:.1f}" text-anchor="end">{p:.1f}</text>')
    parts.append(
        f'<text x="{size / 2}" y="{size - 8}" text-anchor="middle">forecast p(adopted)</text>'
    )
    parts.append(
        f'<text x="12" y="{size / 2}" text-anchor="middle" '
        f'transform="rotate(-90 12 {size / 2})">share adopted</text>'
    )
    parts.append(
        f'<text x="{margin}" y="{margin - 24}">{report.model.n} votes, {report.reveal} ballots '
        f"revealed: Brier {report.model.brier:.4f} (base rate {report.base_rate.brier:.4f})</text>"
    )
    for scores, colour in ((report.base_rate, "#999"), (report.model, "#1f5fa8")):
        points = [b for b in scores.reliability if b.n and b.mean_forecast is not None]
        path = " ".join(f"{x(b.mean_forecast or 0):.1f},{y(b.observed or 0):.1f}" for b in points)
        if len(points) > 1:
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}"/>')
        for b in points:
            radius = 2 + 1.2 * math.sqrt(b.n) ** 0.8
            parts.append(
                f'<circle cx="{x(b.mean_forecast or 0):.1f}" cy="{y(b.observed or 0):.1f}" '
                f'r="{radius:.1f}" fill="{colour}" fill-opacity="0.55">'
                f"<title>{b.low:.1f}-{b.high:.1f}: {b.n} votes, mean {b.mean_forecast:.3f}, "
                f"adopted {b.observed:.3f}</title></circle>"
            )
    parts.append(
        f'<text x="{margin + 8}" y="{margin + 16}" fill="#1f5fa8">● model</text>'
        f'<text x="{margin + 8}" y="{margin + 30}" fill="#777">● naive base rate</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
