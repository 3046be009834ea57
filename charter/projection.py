"""The probability that a draft is adopted, vetoed or fails, computed exactly.

Each member's position (stance and confidence) becomes probabilities of voting yes, no or
abstaining (:func:`vote_probabilities`): the stance's row of a stance table mixed with the
member's prior. Given independent members, :func:`project_probabilities` computes the exact
distribution of the outcome by dynamic programming over the members, with state *(number of
yes votes so far, whether a permanent member has voted no)*: O(n^2) time for n members, no
sampling.

:func:`project` goes further when it is given priors (:class:`charter.blocs.CouncilPriors`):
members then follow their records, and members that vote together (a bloc, or the whole Council
on a consensus draft) are modelled as a mixture whose components are each computed by the same
dynamic programme (:mod:`charter.blocs`). Without priors every member's prior is the table's
undecided row and members vote independently, as in the engine's first model.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from .rule import EngineError, JSONValue, Result, Rule, Stance, Vote
from .tally import PositionInput

if TYPE_CHECKING:
    from .blocs import CouncilPriors

PROBABILITY_TOLERANCE = 1e-9
"""How far from 1 the three probabilities of a member may sum (floating-point rounding)."""

TIE_TOLERANCE = 1e-12
"""Probabilities closer than this are treated as tied when picking a most likely value."""

MODEL_VERSION = "unsc-engine/projection/2"
"""Part of every fingerprint: change it when the model changes so that cached results expire."""


@dataclass(frozen=True)
class VoteProbabilities:
    """The chances that one member votes yes, no, or abstains.

    ``abstain`` includes not participating: both leave the yes count unchanged and neither is a
    veto. The three must each be in [0, 1] and sum to 1 within ``PROBABILITY_TOLERANCE``.
    """

    yes: float
    no: float
    abstain: float

    def __post_init__(self) -> None:
        for name in ("yes", "no", "abstain"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or not 0.0 <= value <= 1.0
            ):
                raise EngineError(f"p_{name} must be a number from 0 to 1, got {value!r}")
            object.__setattr__(self, name, float(value))
        total = self.yes + self.no + self.abstain
        if abs(total - 1.0) > PROBABILITY_TOLERANCE:
            raise EngineError(
                f"yes, no and abstain must sum to 1, got {self.yes} + {self.no} + "
                f"{self.abstain} = {total}"
            )

    @classmethod
    def trusted(cls, yes: float, no: float, abstain: float) -> VoteProbabilities:
        """Probabilities the engine computed itself and already knows to be valid (non-negative
        floats summing to 1): built without checking them again, as they are built often."""
        row = object.__new__(cls)
        object.__setattr__(row, "yes", yes)
        object.__setattr__(row, "no", no)
        object.__setattr__(row, "abstain", abstain)
        return row

    @classmethod
    def certain(cls, vote: Vote) -> VoteProbabilities:
        """Probabilities of a member sure to cast ``vote`` (not participating counts as abstain)."""
        if vote is Vote.YES:
            return cls(1.0, 0.0, 0.0)
        if vote is Vote.NO:
            return cls(0.0, 1.0, 0.0)
        return cls(0.0, 0.0, 1.0)

    def most_likely(self) -> Vote:
        """The most likely vote.

        Ties are broken against adoption (no, then abstain, then yes): a member evenly split
        between yes and something else is not counted on as a yes.
        """
        best = max(self.yes, self.no, self.abstain)
        for vote, value in ((Vote.NO, self.no), (Vote.ABSTAIN, self.abstain)):
            if value >= best - TIE_TOLERANCE:
                return vote
        return Vote.YES

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {"yes": self.yes, "no": self.no, "abstain": self.abstain}


DEFAULT_STANCE_TABLE: Mapping[Stance, VoteProbabilities] = MappingProxyType(
    {
        Stance.YES: VoteProbabilities(1.0, 0.0, 0.0),
        # Leaning members mostly follow their lean; doubt shows as abstention far more often
        # than as a vote the other way, which is how Council members usually signal reserve.
        Stance.LEANING_YES: VoteProbabilities(0.75, 0.05, 0.20),
        # No information: abstention is the commonest way to stay out of a contested draft, a
        # negative vote the rarest.
        Stance.UNDECIDED: VoteProbabilities(0.35, 0.20, 0.45),
        Stance.LEANING_NO: VoteProbabilities(0.05, 0.55, 0.40),
        Stance.NO: VoteProbabilities(0.0, 1.0, 0.0),
        Stance.ABSTAIN: VoteProbabilities(0.0, 0.0, 1.0),
        Stance.NOT_PARTICIPATING: VoteProbabilities(0.0, 0.0, 1.0),
    }
)
"""The stance table used when none is given. A judgement, not a measurement: override it with
:func:`stance_table_from_mapping` (e.g. from a Django setting)."""


def stance_table_from_mapping(
    data: Mapping[str, Mapping[str, float]],
) -> dict[Stance, VoteProbabilities]:
    """Build a stance table from plain data, such as a settings value.

    ``data`` maps stance values (``"leaning_yes"``) to ``{"yes": .., "no": .., "abstain": ..}``.
    Stances left out keep their row of :data:`DEFAULT_STANCE_TABLE`. Raises ``EngineError``
    naming the stance and the problem: an unknown stance, a missing or unknown key, a value
    that is not a probability, or rows that do not sum to 1.
    """
    if not isinstance(data, Mapping):
        raise EngineError(
            f"a stance table must be a mapping of stance to probabilities, got {data!r}"
        )
    table = dict(DEFAULT_STANCE_TABLE)
    valid_stances = ", ".join(s.value for s in Stance)
    for key, row in data.items():
        try:
            stance = Stance(key)
        except ValueError:
            raise EngineError(
                f"stance table: {key!r} is not a stance; valid stances: {valid_stances}"
            ) from None
        if not isinstance(row, Mapping):
            raise EngineError(
                f"stance table, {stance.value}: expected a mapping with yes, no and abstain, "
                f"got {row!r}"
            )
        missing = [name for name in ("yes", "no", "abstain") if name not in row]
        unknown = sorted(str(name) for name in row if name not in ("yes", "no", "abstain"))
        if missing:
            raise EngineError(f"stance table, {stance.value}: missing {', '.join(missing)}")
        if unknown:
            raise EngineError(
                f"stance table, {stance.value}: unknown key(s) {', '.join(unknown)}; "
                "expected yes, no and abstain"
            )
        try:
            table[stance] = VoteProbabilities(row["yes"], row["no"], row["abstain"])
        except EngineError as error:
            raise EngineError(f"stance table, {stance.value}: {error}") from None
    return table


def resolve_table(
    table: Mapping[Stance, VoteProbabilities] | None,
) -> Mapping[Stance, VoteProbabilities]:
    """The table to use: the default when ``table`` is None, else ``table`` checked complete."""
    if table is None:
        return DEFAULT_STANCE_TABLE
    for stance in Stance:
        row = table.get(stance)
        if not isinstance(row, VoteProbabilities):
            raise EngineError(
                f"stance table has no probabilities for {stance.value}; "
                "build it with stance_table_from_mapping()"
            )
    return table


def vote_probabilities(
    position: PositionInput,
    table: Mapping[Stance, VoteProbabilities] | None = None,
    prior: VoteProbabilities | None = None,
) -> VoteProbabilities:
    """A member's chances of voting yes, no or abstaining, given its position.

    Confidence ``c`` is how sure we are the member will vote as its stance says: with
    probability ``c`` it follows ``table[stance]``, and with ``1 - c`` it falls back to its
    ``prior`` (its record; without one, ``table[UNDECIDED]``). The row of *undecided* is the
    prior itself. So ``c = 1`` on NO gives ``p_no = 1``, and ``c = 0`` on any stance gives the
    prior.
    """
    rows = resolve_table(table)
    if not isinstance(position, PositionInput):
        raise EngineError(f"expected a PositionInput, got {position!r}")
    fallback = rows[Stance.UNDECIDED] if prior is None else prior
    own = fallback if position.stance is Stance.UNDECIDED else rows[position.stance]
    c = position.confidence
    if c == 1.0:
        return own
    if c == 0.0:
        return fallback
    return VoteProbabilities(
        yes=c * own.yes + (1.0 - c) * fallback.yes,
        no=c * own.no + (1.0 - c) * fallback.no,
        abstain=c * own.abstain + (1.0 - c) * fallback.abstain,
    )


@dataclass(frozen=True)
class Projection:
    """The exact outcome distribution of a draft, given each member's vote probabilities."""

    p_adopted: float
    p_vetoed: float
    p_failed: float
    yes_distribution: tuple[float, ...]
    expected_yes: float
    most_likely: Result
    fingerprint: str

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "p_adopted": self.p_adopted,
            "p_vetoed": self.p_vetoed,
            "p_failed": self.p_failed,
            "yes_distribution": list(self.yes_distribution),
            "expected_yes": self.expected_yes,
            "most_likely": self.most_likely.value,
            "fingerprint": self.fingerprint,
        }


def most_likely_result(p_adopted: float, p_vetoed: float, p_failed: float) -> Result:
    """The most likely result; ties (within ``TIE_TOLERANCE``) go to failed, then vetoed.

    A draft is not called likely to pass on a coin toss.
    """
    best = max(p_adopted, p_vetoed, p_failed)
    for result, value in ((Result.FAILED, p_failed), (Result.VETOED, p_vetoed)):
        if value >= best - TIE_TOLERANCE:
            return result
    return Result.ADOPTED


def _canonical_fingerprint(payload: dict[str, JSONValue]) -> str:
    # sort_keys makes the digest independent of the order in which mappings were built.
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _ordered_probabilities(
    rule: Rule, probs: Mapping[str, VoteProbabilities]
) -> list[VoteProbabilities]:
    for code in probs:
        rule.require_member(code)
    ordered: list[VoteProbabilities] = []
    for code in rule.members:
        row = probs.get(code)
        if row is None:
            raise EngineError(f"no vote probabilities for {code}")
        if not isinstance(row, VoteProbabilities):
            raise EngineError(f"{code}: expected VoteProbabilities, got {row!r}")
        ordered.append(row)
    return ordered


def yes_tables(rule: Rule, ordered: list[VoteProbabilities]) -> tuple[list[float], list[float]]:
    """The dynamic programme behind every projection.

    ``ordered`` gives each member's probabilities in ``rule.members`` order. Returns two lists
    of length ``n + 1``: ``clear[k]`` is the probability of exactly ``k`` yes votes with no
    permanent member voting no, ``blocked[k]`` of exactly ``k`` yes votes with at least one
    permanent no. On a rule without a veto nobody can block, and ``blocked`` stays all zero.
    """
    n = len(rule.members)
    clear = [0.0] * (n + 1)
    blocked = [0.0] * (n + 1)
    clear[0] = 1.0
    veto = rule.has_veto
    permanent = rule.permanent
    for i, (code, p) in enumerate(zip(rule.members, ordered, strict=True)):
        new_clear = [0.0] * (n + 1)
        new_blocked = [0.0] * (n + 1)
        stay = p.no + p.abstain
        if veto and code in permanent:
            for k in range(i + 1):
                c = clear[k]
                b = blocked[k]
                new_clear[k + 1] += c * p.yes
                new_clear[k] += c * p.abstain
                # A permanent no moves the whole branch into "blocked" for good.
                new_blocked[k] += c * p.no + b * stay
                new_blocked[k + 1] += b * p.yes
        else:
            for k in range(i + 1):
                c = clear[k]
                b = blocked[k]
                new_clear[k + 1] += c * p.yes
                new_clear[k] += c * stay
                new_blocked[k + 1] += b * p.yes
                new_blocked[k] += b * stay
        clear = new_clear
        blocked = new_blocked
    return clear, blocked


def projection_from_ordered(
    rule: Rule, ordered: list[VoteProbabilities], fingerprint: str
) -> Projection:
    """Build a :class:`Projection` from probabilities already in ``rule.members`` order."""
    clear, blocked = yes_tables(rule, ordered)
    q = rule.quota
    p_adopted = math.fsum(clear[q:])
    p_vetoed = math.fsum(blocked[q:])
    p_failed = math.fsum(clear[:q]) + math.fsum(blocked[:q])
    return Projection(
        p_adopted=p_adopted,
        p_vetoed=p_vetoed,
        p_failed=p_failed,
        yes_distribution=tuple(c + b for c, b in zip(clear, blocked, strict=True)),
        expected_yes=math.fsum(p.yes for p in ordered),
        most_likely=most_likely_result(p_adopted, p_vetoed, p_failed),
        fingerprint=fingerprint,
    )


def project_probabilities(
    rule: Rule, probs: Mapping[str, VoteProbabilities], fingerprint: str = ""
) -> Projection:
    """Exact outcome distribution from each member's vote probabilities.

    ``probs`` must give probabilities for every member of the rule. Members vote independently
    (see the module docstring). When ``fingerprint`` is empty, one is computed from the rule
    and the probabilities.
    """
    ordered = _ordered_probabilities(rule, probs)
    if not fingerprint:
        fingerprint = _canonical_fingerprint(
            {
                "model": MODEL_VERSION,
                "rule": rule.to_dict(),
                "probabilities": {
                    code: row.to_dict() for code, row in zip(rule.members, ordered, strict=True)
                },
            }
        )
    return projection_from_ordered(rule, ordered, fingerprint)


UNKNOWN_POSITION = PositionInput(Stance.UNDECIDED, 0.0)
"""The position assumed for a member about which nothing has been recorded."""


def complete_positions(
    rule: Rule, positions: Mapping[str, PositionInput]
) -> dict[str, PositionInput]:
    """Every member's position in seating order; members left out are undecided, confidence 0."""
    for code, position in positions.items():
        rule.require_member(code)
        if not isinstance(position, PositionInput):
            raise EngineError(f"{code}: expected a PositionInput, got {position!r}")
    return {code: positions.get(code, UNKNOWN_POSITION) for code in rule.members}


def fingerprint_inputs(
    rule: Rule,
    complete: Mapping[str, PositionInput],
    table: Mapping[Stance, VoteProbabilities],
    priors: str = "",
    blocs: bool = True,
) -> str:
    """The digest of everything a projection is computed from: the model version, the rule,
    every member's position, the stance table, the priors' digest and whether blocs are on."""
    return _canonical_fingerprint(
        {
            "model": MODEL_VERSION,
            "rule": rule.to_dict(),
            "positions": {code: position.to_dict() for code, position in complete.items()},
            "table": {stance.value: table[stance].to_dict() for stance in Stance},
            "priors": priors,
            "blocs": blocs,
        }
    )


def member_probabilities(
    rule: Rule,
    positions: Mapping[str, PositionInput],
    table: Mapping[Stance, VoteProbabilities] | None = None,
) -> dict[str, VoteProbabilities]:
    """Every member's stated probabilities with the table's undecided row as prior, in seating
    order (missing members: undecided, 0)."""
    rows = resolve_table(table)
    complete = complete_positions(rule, positions)
    return {code: vote_probabilities(position, rows) for code, position in complete.items()}


def project(
    rule: Rule,
    positions: Mapping[str, PositionInput],
    table: Mapping[Stance, VoteProbabilities] | None = None,
    *,
    priors: CouncilPriors | None = None,
    blocs: bool = True,
) -> Projection:
    """Exact outcome distribution of a draft from the members' positions.

    Members missing from ``positions`` are taken as undecided with confidence 0: they follow
    their prior. ``priors`` (see :mod:`charter.blocs`) gives each member's record, the
    consensus class and the blocs; without it every member's prior is the undecided row of
    ``table`` and members vote independently, as in the engine's first model. ``table``
    defaults to :data:`DEFAULT_STANCE_TABLE`. ``blocs=False`` ignores the priors' blocs.
    """
    from .blocs import CouncilPriors, joint_model

    rows = resolve_table(table)
    complete = complete_positions(rule, positions)
    chosen = priors if priors is not None else CouncilPriors.fixed(rule, rows[Stance.UNDECIDED])
    model = joint_model(rule, positions, chosen, rows, blocs=blocs)
    fingerprint = fingerprint_inputs(
        rule, complete, rows, "" if priors is None else chosen.digest(), blocs
    )
    return model.projection(fingerprint)
