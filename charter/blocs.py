"""The members' joint vote on a draft: priors, stated positions and blocs, computed exactly.

A projection needs, for every member, the chance that it votes yes, no or abstains, and how
members' votes go together. This module holds that joint model and the exact computation of
its outcome distribution.

**The priors.** :class:`CouncilPriors` says what is expected of each member before anything is
said about the draft (usually estimated from the record by :mod:`charter.priors`):

* ``consensus``: the chance that the draft is a *consensus* draft, on which every member votes
  yes (most Council decisions are unanimous). ``None`` switches the consensus class off.
* ``records``: for each member, its vote on a *contested* draft (one on which at least one member
  does not vote yes), from its record on contested votes.
* ``blocs``: members that vote together. On a contested draft a bloc, with probability
  ``weight``, votes as one (its common vote follows ``common``), and otherwise its members vote
  independently. The independent part is chosen so that each member's overall chances stay its
  record: ``r = (record - weight * common) / (1 - weight)``; the weight is lowered, if it must
  be, until no ``r`` is negative.

A member's **prior** is then its marginal under this model, and a **stated position** at
confidence ``c`` mixes the stance's row with that prior:
``stated = c * row(stance) + (1 - c) * prior``, where the row of *undecided* is the prior itself.
So a member with no position, or an undecided one, follows its record.

**Positions as evidence.** When members are linked (by the consensus class or a bloc), what one
member says changes what is expected of the others. Each position is read as evidence with
likelihood ``stated / prior`` for each vote, and the model is updated by Bayes' rule: the chance
of the consensus class, the chance that each bloc votes as one, the bloc's common vote and each
member's own chances. A member linked to nobody ends up exactly at its stated probabilities.

**Exactness.** The updated model is a signed mixture: ``alpha`` times the profile in which every
member votes yes, plus ``beta`` times a mixture over the blocs (each together or apart) of
products of independent *units*, a unit being one member or a bloc voting as one. Each product
is computed by the dynamic programme of :mod:`charter.projection`, so the result is a sum of
exact dynamic programmes, never a sample: ``2 ** len(blocs)`` programmes for the contested class
and one point for the consensus class.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .projection import (
    PROBABILITY_TOLERANCE,
    Projection,
    VoteProbabilities,
    most_likely_result,
    resolve_table,
)
from .rule import EngineError, JSONValue, Rule, Stance, Vote
from .tally import PositionInput

VOTES = (Vote.YES, Vote.NO, Vote.ABSTAIN)
"""The three votes a projection distinguishes; not participating counts as abstaining."""


def _get(row: VoteProbabilities, vote: Vote) -> float:
    if vote is Vote.YES:
        return row.yes
    if vote is Vote.NO:
        return row.no
    return row.abstain


def _raw_row(yes: float, no: float, abstain: float) -> VoteProbabilities:
    """Probabilities from three values with rounding noise: clamped at 0 and renormalised."""
    yes, no, abstain = max(0.0, yes), max(0.0, no), max(0.0, abstain)
    total = yes + no + abstain
    if total <= 0.0:
        raise EngineError("no vote is possible for this member under the model")
    return VoteProbabilities.trusted(yes / total, no / total, abstain / total)


def _row(values: Mapping[Vote, float]) -> VoteProbabilities:
    """Probabilities from possibly slightly-off values (rounding): clamped and renormalised."""
    clamped = {vote: min(1.0, max(0.0, values.get(vote, 0.0))) for vote in VOTES}
    total = math.fsum(clamped.values())
    if total <= 0.0:
        raise EngineError("no vote is possible for this member under the model")
    return VoteProbabilities.trusted(
        clamped[Vote.YES] / total, clamped[Vote.NO] / total, clamped[Vote.ABSTAIN] / total
    )


@dataclass(frozen=True)
class Bloc:
    """Members that, on a contested draft, vote as one with probability ``weight``."""

    members: tuple[str, ...]
    weight: float
    common: VoteProbabilities

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", tuple(self.members))
        if len(self.members) < 2 or len(set(self.members)) != len(self.members):
            raise EngineError(f"a bloc needs two or more distinct members, got {self.members!r}")
        weight = self.weight
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not math.isfinite(weight)
            or not 0.0 <= weight < 1.0
        ):
            raise EngineError(
                f"bloc {', '.join(self.members)}: the weight must be at least 0 and below 1, "
                f"got {weight!r}"
            )
        object.__setattr__(self, "weight", float(weight))
        if not isinstance(self.common, VoteProbabilities):
            raise EngineError(f"bloc {', '.join(self.members)}: common must be VoteProbabilities")

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "members": list(self.members),
            "weight": self.weight,
            "common": self.common.to_dict(),
        }


@dataclass(frozen=True)
class CouncilPriors:
    """What is expected of each member of one Council on one draft before positions are known.

    ``records`` must give every member of the rule it is used with (extra codes are ignored).
    When ``consensus`` is not None or there are blocs, every record's yes, no and abstain must be
    above 0 (estimated records always are): a position is then read as evidence against the
    prior, which needs the prior to allow every vote.
    """

    records: Mapping[str, VoteProbabilities]
    consensus: float | None = None
    blocs: tuple[Bloc, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "records", dict(self.records))
        object.__setattr__(self, "blocs", tuple(self.blocs))
        for code, row in self.records.items():
            if not isinstance(row, VoteProbabilities):
                raise EngineError(f"{code}: expected VoteProbabilities, got {row!r}")
        consensus = self.consensus
        if consensus is not None:
            if (
                isinstance(consensus, bool)
                or not isinstance(consensus, int | float)
                or not math.isfinite(consensus)
                or not 0.0 < consensus < 1.0
            ):
                raise EngineError(
                    f"the chance of a consensus draft must be above 0 and below 1, "
                    f"got {consensus!r}"
                )
            object.__setattr__(self, "consensus", float(consensus))
        seen: set[str] = set()
        for bloc in self.blocs:
            if not isinstance(bloc, Bloc):
                raise EngineError(f"expected a Bloc, got {bloc!r}")
            twice = seen.intersection(bloc.members)
            if twice:
                raise EngineError(f"{', '.join(sorted(twice))} in more than one bloc")
            seen.update(bloc.members)
        linked = set(self.records) if consensus is not None else seen
        for code in sorted(linked):
            record = self.records.get(code)
            if record is not None and min(record.yes, record.no, record.abstain) <= 0.0:
                raise EngineError(
                    f"{code}: a record used with a consensus class or a bloc must give every "
                    f"vote a chance above 0, got {record.to_dict()}"
                )

    @classmethod
    def fixed(cls, rule: Rule, row: VoteProbabilities) -> CouncilPriors:
        """The same record for every member, no consensus class and no blocs: members vote
        independently, as the engine's first model did with its fixed *undecided* row."""
        return cls(dict.fromkeys(rule.members, row))

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form (records sorted by code)."""
        return {
            "consensus": self.consensus,
            "records": {code: self.records[code].to_dict() for code in sorted(self.records)},
            "blocs": [bloc.to_dict() for bloc in self.blocs],
            "source": self.source,
        }

    @cached_property
    def _digest(self) -> str:
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def digest(self) -> str:
        """A digest of everything the priors say (for fingerprints)."""
        return self._digest


@dataclass(frozen=True)
class MemberInput:
    """What went into one member's part of the projection.

    ``known`` says whether a position was recorded (else the member is undecided, confidence 0).
    ``prior`` is its chances on its record, ``stated`` the stated position mixed with the prior,
    and ``used`` its chances once every member's position is taken into account (its marginal
    under the joint model). ``bloc`` lists the members of its bloc, if any.
    """

    member: str
    permanent: bool
    known: bool
    stance: Stance
    confidence: float
    prior: VoteProbabilities
    stated: VoteProbabilities
    used: VoteProbabilities
    bloc: tuple[str, ...] | None

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "member": self.member,
            "permanent": self.permanent,
            "known": self.known,
            "stance": self.stance.value,
            "confidence": self.confidence,
            "prior": self.prior.to_dict(),
            "stated": self.stated.to_dict(),
            "used": self.used.to_dict(),
            "bloc": None if self.bloc is None else list(self.bloc),
        }


@dataclass(frozen=True)
class BlocAssumption:
    """A bloc as the projection used it: its weight and common vote before and after the
    positions were taken into account."""

    members: tuple[str, ...]
    weight: float
    common: VoteProbabilities
    weight_given_positions: float
    common_given_positions: VoteProbabilities | None

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "members": list(self.members),
            "weight": self.weight,
            "common": self.common.to_dict(),
            "weight_given_positions": self.weight_given_positions,
            "common_given_positions": (
                None
                if self.common_given_positions is None
                else self.common_given_positions.to_dict()
            ),
        }


@dataclass(frozen=True)
class Assumptions:
    """What the projection assumed beyond the positions: where the priors come from, the
    consensus class and the blocs, and whether blocs were switched on."""

    source: str
    blocs_enabled: bool
    consensus: float | None
    consensus_given_positions: float | None
    blocs: tuple[BlocAssumption, ...]

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "blocs_enabled": self.blocs_enabled,
            "consensus": self.consensus,
            "consensus_given_positions": self.consensus_given_positions,
            "blocs": [bloc.to_dict() for bloc in self.blocs],
        }


@dataclass(frozen=True)
class _BlocState:
    """A bloc after the evidence: the chance it votes as one, its common vote then, and each
    member's own chances when it does not."""

    members: tuple[str, ...]
    prior_weight: float
    prior_common: VoteProbabilities
    together: float
    common: VoteProbabilities | None
    apart: Mapping[str, VoteProbabilities]


_RawUnit = tuple[int, bool, float, float, float]
"""A unit for the dynamic programme: (members, holds a permanent member, yes, no, abstain)."""


def _apply(
    veto: bool, clear: list[float], blocked: list[float], unit: _RawUnit
) -> tuple[list[float], list[float]]:
    """The tables after one more unit."""
    members, permanent, yes, no, abstain = unit
    size = len(clear)
    new_clear = [0.0] * size
    new_blocked = [0.0] * size
    stay = no + abstain
    top = size - members
    if veto and permanent:
        for k in range(top):
            c = clear[k]
            b = blocked[k]
            if c:
                new_clear[k + members] += c * yes
                new_clear[k] += c * abstain
                new_blocked[k] += c * no
            if b:
                new_blocked[k] += b * stay
                new_blocked[k + members] += b * yes
    else:
        for k in range(top):
            c = clear[k]
            b = blocked[k]
            if c:
                new_clear[k + members] += c * yes
                new_clear[k] += c * stay
            if b:
                new_blocked[k + members] += b * yes
                new_blocked[k] += b * stay
    return new_clear, new_blocked


def unit_tables(
    size: int, veto: bool, units: Sequence[_RawUnit]
) -> tuple[list[float], list[float]]:
    """The dynamic programme over units of a Council of ``size`` members: ``clear[k]`` is the
    probability of exactly ``k`` yes votes with no permanent member voting no, ``blocked[k]``
    with at least one (always zero when ``veto`` is False). A unit of ``s`` members adds ``s``
    yes votes when it votes yes, and blocks when it votes no and holds a permanent member."""
    clear = [0.0] * (size + 1)
    blocked = [0.0] * (size + 1)
    clear[0] = 1.0
    for unit in units:
        clear, blocked = _apply(veto, clear, blocked, unit)
    return clear, blocked


def _combine(
    first: tuple[list[float], list[float]], second: tuple[list[float], list[float]]
) -> tuple[list[float], list[float]]:
    """The tables of two independent sets of units together (a convolution)."""
    first_clear, first_blocked = first
    second_clear, second_blocked = second
    size = len(first_clear)
    clear = [0.0] * size
    blocked = [0.0] * size
    for a in range(size):
        c = first_clear[a]
        b = first_blocked[a]
        if not (c or b):
            continue
        for k in range(size - a):
            sc = second_clear[k]
            sb = second_blocked[k]
            clear[a + k] += c * sc
            blocked[a + k] += c * sb + b * (sc + sb)
    return clear, blocked


def _outcome(quota: int, clear: list[float], blocked: list[float]) -> tuple[float, float, float]:
    clear = [max(0.0, x) for x in clear]
    blocked = [max(0.0, x) for x in blocked]
    p_adopted = math.fsum(clear[quota:])
    p_vetoed = math.fsum(blocked[quota:])
    p_failed = math.fsum(clear[:quota]) + math.fsum(blocked[:quota])
    total = p_adopted + p_vetoed + p_failed
    return p_adopted / total, p_vetoed / total, p_failed / total


def _capped_weight(bloc: Bloc, records: Mapping[str, VoteProbabilities]) -> float:
    """The bloc's weight, lowered if need be so that every member's independent part
    ``(record - weight * common) / (1 - weight)`` stays a probability."""
    weight = bloc.weight
    for code in bloc.members:
        record = records[code]
        for vote in VOTES:
            common = _get(bloc.common, vote)
            if common > 0.0:
                weight = min(weight, _get(record, vote) / common)
    return weight


@dataclass(frozen=True)
class JointModel:
    """The joint distribution of the members' votes given priors and positions.

    Build it with :func:`joint_model`. ``alpha`` weighs the profile in which every member votes
    yes, except those in ``forced``; ``beta`` the contested class: blocs (each together with
    its chance, else apart) and the other members on their own. ``forced`` holds members whose
    vote is set outright (what-ifs of :func:`charter.pivotal.pivotal`); their positions still
    count as evidence.
    """

    rule: Rule
    inputs: tuple[MemberInput, ...]
    assumptions: Assumptions
    alpha: float
    beta: float
    singles: Mapping[str, VoteProbabilities]
    blocs: tuple[_BlocState, ...]
    forced: Mapping[str, Vote] = field(default_factory=dict)

    # --- the distribution --------------------------------------------------------------------

    @cached_property
    def _marginals(self) -> dict[str, VoteProbabilities]:
        alpha, beta = self.alpha, self.beta
        result: dict[str, VoteProbabilities] = {}
        for bloc in self.blocs:
            t = bloc.together
            common = bloc.common or VoteProbabilities.trusted(0.0, 0.0, 0.0)
            for code in bloc.members:
                apart = bloc.apart[code]
                result[code] = _raw_row(
                    alpha + beta * ((1.0 - t) * apart.yes + t * common.yes),
                    beta * ((1.0 - t) * apart.no + t * common.no),
                    beta * ((1.0 - t) * apart.abstain + t * common.abstain),
                )
        for code, row in self.singles.items():
            result[code] = _raw_row(alpha + beta * row.yes, beta * row.no, beta * row.abstain)
        return result

    def member_probabilities(self, code: str) -> VoteProbabilities:
        """The member's chances under the model (its marginal)."""
        if code in self.forced:
            return VoteProbabilities.certain(self.forced[code])
        return self._marginals[code]

    @cached_property
    def _labelled_components(
        self,
    ) -> list[tuple[float, list[_RawUnit], list[tuple[str, ...]]]]:
        """Each component: its weight, its units and the members of each unit."""
        permanent = self.rule.permanent
        forced = self.forced

        def unit(members: Sequence[str], row: VoteProbabilities) -> _RawUnit:
            holds = any(code in permanent for code in members)
            return (len(members), holds, row.yes, row.no, row.abstain)

        fixed: list[tuple[tuple[str, ...], VoteProbabilities]] = [
            ((c,), VoteProbabilities.certain(v)) for c, v in forced.items()
        ]
        base: list[tuple[tuple[str, ...], VoteProbabilities]] = [
            ((code,), row) for code, row in self.singles.items() if code not in forced
        ]
        result = []
        for choice in itertools.product((True, False), repeat=len(self.blocs)):
            weight = 1.0
            parts = list(base)
            for together, bloc in zip(choice, self.blocs, strict=True):
                free = tuple(code for code in bloc.members if code not in forced)
                if together:
                    weight *= bloc.together
                    if free and bloc.common is not None:
                        parts.append((free, bloc.common))
                else:
                    weight *= 1.0 - bloc.together
                    parts.extend(((code,), bloc.apart[code]) for code in free)
            if weight > 0.0:
                parts += fixed
                result.append((weight, [unit(m, row) for m, row in parts], [m for m, _ in parts]))
        return result

    @property
    def _components(self) -> list[tuple[float, list[_RawUnit]]]:
        return [(weight, units) for weight, units, _ in self._labelled_components]

    def outcomes_with_vote(self, code: str) -> dict[Vote, tuple[float, float, float]]:
        """For each vote, ``(p_adopted, p_vetoed, p_failed)`` with ``code`` casting it for
        certain: the same as ``with_vote(code, vote).outcome()``, computed from the tables of
        the other units (prefix and suffix programmes) rather than once per vote."""
        self.rule.require_member(code)
        rule = self.rule
        n = len(rule.members)
        veto = rule.has_veto
        is_permanent = code in rule.permanent
        sums = {vote: ([0.0] * (n + 1), [0.0] * (n + 1)) for vote in VOTES}
        if self.beta != 0.0:
            for weight, units, members in self._labelled_components:
                index = next(j for j, unit_members in enumerate(members) if code in unit_members)
                before = unit_tables(n, veto, units[:index])
                after = unit_tables(n, veto, units[index + 1 :])
                clear, blocked = _combine(before, after)
                size, _, yes, no, abstain = units[index]
                if size > 1:
                    others = [m for m in members[index] if m != code]
                    holds = any(m in rule.permanent for m in others)
                    clear, blocked = _apply(
                        veto, clear, blocked, (size - 1, holds, yes, no, abstain)
                    )
                scale = self.beta * weight
                for vote in VOTES:
                    certain = VoteProbabilities.certain(vote)
                    moved = (1, is_permanent, certain.yes, certain.no, certain.abstain)
                    part_clear, part_blocked = _apply(veto, clear, blocked, moved)
                    total_clear, total_blocked = sums[vote]
                    for k in range(n + 1):
                        total_clear[k] += scale * part_clear[k]
                        total_blocked[k] += scale * part_blocked[k]
        result: dict[Vote, tuple[float, float, float]] = {}
        for vote in VOTES:
            clear, blocked = sums[vote]
            if self.alpha != 0.0:
                forced = {**self.forced, code: vote}
                yes = n - sum(1 for cast in forced.values() if cast is not Vote.YES)
                vetoing = veto and any(
                    cast is Vote.NO and member in rule.permanent for member, cast in forced.items()
                )
                (blocked if vetoing else clear)[yes] += self.alpha
            result[vote] = _outcome(rule.quota, clear, blocked)
        return result

    def tables(self) -> tuple[list[float], list[float]]:
        """``clear`` and ``blocked`` (see :func:`unit_tables`) of the whole model."""
        n = len(self.rule.members)
        veto = self.rule.has_veto
        clear = [0.0] * (n + 1)
        blocked = [0.0] * (n + 1)
        if self.beta != 0.0:
            for weight, units in self._components:
                part_clear, part_blocked = unit_tables(n, veto, units)
                scale = self.beta * weight
                for k in range(n + 1):
                    clear[k] += scale * part_clear[k]
                    blocked[k] += scale * part_blocked[k]
        if self.alpha != 0.0:
            yes = n - sum(1 for vote in self.forced.values() if vote is not Vote.YES)
            vetoing = veto and any(
                vote is Vote.NO and code in self.rule.permanent
                for code, vote in self.forced.items()
            )
            (blocked if vetoing else clear)[yes] += self.alpha
        # A signed mixture can leave rounding noise below zero.
        return [max(0.0, x) for x in clear], [max(0.0, x) for x in blocked]

    def outcome(self) -> tuple[float, float, float]:
        """``(p_adopted, p_vetoed, p_failed)``, exact."""
        clear, blocked = self.tables()
        return _outcome(self.rule.quota, clear, blocked)

    def projection(self, fingerprint: str = "") -> Projection:
        """The exact outcome distribution."""
        clear, blocked = self.tables()
        q = self.rule.quota
        p_adopted = math.fsum(clear[q:])
        p_vetoed = math.fsum(blocked[q:])
        p_failed = math.fsum(clear[:q]) + math.fsum(blocked[:q])
        total = p_adopted + p_vetoed + p_failed
        p_adopted, p_vetoed, p_failed = p_adopted / total, p_vetoed / total, p_failed / total
        distribution = tuple((c + b) / total for c, b in zip(clear, blocked, strict=True))
        expected = math.fsum(self.member_probabilities(code).yes for code in self.rule.members)
        return Projection(
            p_adopted=p_adopted,
            p_vetoed=p_vetoed,
            p_failed=p_failed,
            yes_distribution=distribution,
            expected_yes=expected,
            most_likely=most_likely_result(p_adopted, p_vetoed, p_failed),
            fingerprint=fingerprint,
        )

    def with_vote(self, code: str, vote: Vote) -> JointModel:
        """The same model with ``code`` casting ``vote`` for certain (what its position says
        still informs the others)."""
        self.rule.require_member(code)
        forced = dict(self.forced)
        forced[code] = vote
        return JointModel(
            self.rule,
            self.inputs,
            self.assumptions,
            self.alpha,
            self.beta,
            self.singles,
            self.blocs,
            forced,
        )

    # --- probabilities of sets of votes (for paths) -----------------------------------------

    def groups(self) -> list[tuple[str, ...]]:
        """Members in the groups over which the contested class factorises: each bloc and
        each member on its own, ordered by code."""
        result: list[tuple[str, ...]] = [bloc.members for bloc in self.blocs]
        in_bloc = {code for bloc in self.blocs for code in bloc.members}
        result.extend((code,) for code in self.rule.members if code not in in_bloc)
        return sorted(result, key=lambda members: min(members))

    def group_factor(self, members: Sequence[str], votes: Mapping[str, Vote]) -> float:
        """The contested class's chance that the members of one group named in ``votes`` cast
        those votes (1 when ``votes`` is empty)."""
        if not votes:
            return 1.0
        for bloc in self.blocs:
            if bloc.members == tuple(members):
                apart = math.prod(_get(bloc.apart[code], vote) for code, vote in votes.items())
                together = 0.0
                distinct = set(votes.values())
                if bloc.common is not None and len(distinct) == 1:
                    together = _get(bloc.common, distinct.pop())
                return bloc.together * together + (1.0 - bloc.together) * apart
        return math.prod(_get(self.singles[code], vote) for code, vote in votes.items())

    def probability_of(self, votes: Mapping[str, Vote]) -> float:
        """The chance that the members in ``votes`` cast those votes (the others free)."""
        for code in votes:
            self.rule.require_member(code)
        product = 1.0
        for members in self.groups():
            product *= self.group_factor(
                members, {code: votes[code] for code in members if code in votes}
            )
        all_yes = all(vote is Vote.YES for vote in votes.values())
        return max(0.0, min(1.0, self.beta * product + (self.alpha if all_yes else 0.0)))


UNKNOWN = PositionInput(Stance.UNDECIDED, 0.0)

_Raw = tuple[float, float, float]
"""Chances of (yes, no, abstain), for arithmetic inside the model."""


def _raw(row: VoteProbabilities) -> _Raw:
    return (row.yes, row.no, row.abstain)


def _probabilities(values: _Raw) -> VoteProbabilities:
    return _raw_row(*values)


def _stated(
    position: PositionInput, prior: _Raw, table: Mapping[Stance, VoteProbabilities]
) -> _Raw:
    """``c * row(stance) + (1 - c) * prior``, the row of undecided being the prior itself."""
    c = position.confidence
    if position.stance is Stance.UNDECIDED or c == 0.0:
        return prior
    own = _raw(table[position.stance])
    if c == 1.0:
        return own
    return (
        c * own[0] + (1.0 - c) * prior[0],
        c * own[1] + (1.0 - c) * prior[1],
        c * own[2] + (1.0 - c) * prior[2],
    )


def _likelihood(code: str, stated: _Raw, prior: _Raw) -> _Raw:
    """``stated / prior`` vote by vote: how much more likely the position makes each vote."""
    ratios = []
    for s, p in zip(stated, prior, strict=True):
        if p > 0.0:
            ratios.append(s / p)
        elif s > PROBABILITY_TOLERANCE:
            raise EngineError(f"{code}: the position allows a vote its prior rules out")
        else:
            ratios.append(0.0)
    return (ratios[0], ratios[1], ratios[2])


def _updated(row: _Raw, ratios: _Raw) -> tuple[float, _Raw | None]:
    """Bayes' rule: the evidence's mass under ``row`` and the row updated (None if 0)."""
    yes, no, abstain = row[0] * ratios[0], row[1] * ratios[1], row[2] * ratios[2]
    total = yes + no + abstain
    if total <= 0.0:
        return 0.0, None
    return total, (yes / total, no / total, abstain / total)


def joint_model(
    rule: Rule,
    positions: Mapping[str, PositionInput],
    priors: CouncilPriors,
    table: Mapping[Stance, VoteProbabilities] | None = None,
    *,
    blocs: bool = True,
) -> JointModel:
    """The joint model of the members' votes (see the module docstring).

    Members missing from ``positions`` are undecided with confidence 0: they follow their prior.
    ``table`` gives the rows of the stances other than undecided (default: the engine's
    default table). With ``blocs=False`` the priors' blocs are ignored: members of the
    contested class vote independently.
    """
    rows = resolve_table(table)
    for code, position in positions.items():
        rule.require_member(code)
        if not isinstance(position, PositionInput):
            raise EngineError(f"{code}: expected a PositionInput, got {position!r}")
    missing = [code for code in rule.members if code not in priors.records]
    if missing:
        raise EngineError(f"the priors have no record for {', '.join(missing)}")
    records = {code: _raw(priors.records[code]) for code in rule.members}
    seated = rule.member_set
    used_blocs = [
        bloc
        for bloc in (priors.blocs if blocs else ())
        if all(code in seated for code in bloc.members)
    ]
    in_bloc = {code: bloc for bloc in used_blocs for code in bloc.members}

    # The prior: each bloc's weight (capped) and independent parts, then the marginals.
    weights = {bloc.members: _capped_weight(bloc, priors.records) for bloc in used_blocs}
    apart_prior: dict[str, _Raw] = {}
    for bloc in used_blocs:
        w = weights[bloc.members]
        common = _raw(bloc.common)
        for code in bloc.members:
            record = records[code]
            apart_prior[code] = _raw(
                _raw_row(*((r - w * q) / (1.0 - w) for r, q in zip(record, common, strict=True)))
            )
    kappa = priors.consensus
    all_yes_contested = 1.0
    for bloc in used_blocs:
        w = weights[bloc.members]
        all_yes_contested *= w * bloc.common.yes + (1.0 - w) * math.prod(
            apart_prior[code][0] for code in bloc.members
        )
    for code in rule.members:
        if code not in in_bloc:
            all_yes_contested *= records[code][0]
    priors_by_member: dict[str, _Raw] = {}
    for code in rule.members:
        record = records[code]
        if kappa is None:
            priors_by_member[code] = record
            continue
        scale = (1.0 - kappa) / (1.0 - all_yes_contested)
        priors_by_member[code] = _raw(
            _raw_row(
                kappa + scale * (record[0] - all_yes_contested),
                scale * record[1],
                scale * record[2],
            )
        )

    # The positions: stated probabilities and, where members are linked, evidence ratios.
    complete = {code: positions.get(code, UNKNOWN) for code in rule.members}
    stated = {code: _stated(complete[code], priors_by_member[code], rows) for code in rule.members}
    linked = kappa is not None
    ratios = {
        code: _likelihood(code, stated[code], priors_by_member[code])
        for code in rule.members
        if linked or code in in_bloc
    }

    # Bayes' rule, bloc by bloc and member by member, within the contested class.
    singles: dict[str, VoteProbabilities] = {}
    evidence = 1.0
    for code in rule.members:
        if code in in_bloc:
            continue
        if not linked:
            singles[code] = _probabilities(stated[code])
            continue
        mass, row = _updated(records[code], ratios[code])
        evidence *= mass
        singles[code] = _probabilities(row if row is not None else stated[code])
    states: list[_BlocState] = []
    for bloc in used_blocs:
        w = weights[bloc.members]
        joint = (
            math.prod(ratios[code][0] for code in bloc.members),
            math.prod(ratios[code][1] for code in bloc.members),
            math.prod(ratios[code][2] for code in bloc.members),
        )
        together_mass, common_row = _updated(_raw(bloc.common), joint)
        apart_mass = 1.0
        apart: dict[str, VoteProbabilities] = {}
        for code in bloc.members:
            mass, row = _updated(apart_prior[code], ratios[code])
            apart_mass *= mass
            apart[code] = _probabilities(row if row is not None else stated[code])
        total = w * together_mass + (1.0 - w) * apart_mass
        if total <= 0.0:
            raise EngineError(
                f"the positions of {', '.join(bloc.members)} contradict each other and the bloc"
            )
        evidence *= total
        states.append(
            _BlocState(
                bloc.members,
                w,
                bloc.common,
                w * together_mass / total,
                None if common_row is None else _probabilities(common_row),
                apart,
            )
        )

    alpha, beta = 0.0, 1.0
    consensus_given: float | None = None
    if kappa is not None:
        all_yes_evidence = math.prod(ratios[code][0] for code in rule.members)
        consensus_mass = kappa * all_yes_evidence
        contested_mass = (
            (1.0 - kappa)
            * max(0.0, evidence - all_yes_contested * all_yes_evidence)
            / (1.0 - all_yes_contested)
        )
        norm = consensus_mass + contested_mass
        if norm <= 0.0:
            raise EngineError("the positions rule out every vote the priors allow")
        beta = (1.0 - kappa) * evidence / (1.0 - all_yes_contested) / norm
        alpha = 1.0 - beta
        consensus_given = consensus_mass / norm

    assumptions = Assumptions(
        source=priors.source,
        blocs_enabled=blocs,
        consensus=kappa,
        consensus_given_positions=consensus_given,
        blocs=tuple(
            BlocAssumption(
                state.members,
                state.prior_weight,
                state.prior_common,
                state.together,
                state.common,
            )
            for state in states
        ),
    )
    model = JointModel(rule, (), assumptions, alpha, beta, singles, tuple(states))
    inputs = tuple(
        MemberInput(
            member=code,
            permanent=code in rule.permanent,
            known=code in positions,
            stance=complete[code].stance,
            confidence=complete[code].confidence,
            prior=_probabilities(priors_by_member[code]),
            stated=_probabilities(stated[code]),
            used=model.member_probabilities(code),
            bloc=in_bloc[code].members if code in in_bloc else None,
        )
        for code in rule.members
    )
    return JointModel(rule, inputs, assumptions, alpha, beta, singles, model.blocs)
