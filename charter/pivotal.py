"""Who can move a draft, and the most plausible changes that would adopt it or make it fail.

:func:`pivotal` measures, for each member, how much the chance of adoption depends on its vote:
the exact probability of adoption if it votes yes against if it votes no, everyone else as
projected. :func:`closest_path` answers the negotiator's question: starting from each member's
most likely vote, which is the most probable set of vote changes that would adopt the draft
(or make it fail), how likely is it on the members' records, and can the elected members do it
on their own? (The search itself is in :mod:`charter.paths`.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .blocs import CouncilPriors, JointModel, joint_model
from .paths import ADOPTED, NOT_ADOPTED, TARGETS, Change, Path, describe, join_names, search
from .projection import (
    VoteProbabilities,
    complete_positions,
    most_likely_result,
    resolve_table,
)
from .rule import EngineError, JSONValue, Result, Rule, Stance, Vote
from .tally import PositionInput

SORT_DIGITS = 12
"""Swings are rounded to this many digits for sorting only, so that floating-point noise
between swings that are equal in exact arithmetic does not decide their order."""

FIRM_TOLERANCE = 1e-12
"""A member whose chance of voting no is within this of 1 is firmly set on its no."""

FIRM_STANCES = frozenset({Stance.YES, Stance.NO, Stance.ABSTAIN, Stance.NOT_PARTICIPATING})
"""Stances that, held with confidence 1.0, leave no chance of another vote."""

__all__ = [
    "FIRM_STANCES",
    "Change",
    "ClosestPath",
    "MemberInfluence",
    "Path",
    "closest_path",
    "closest_path_of",
    "join_names",
    "model_for",
    "pivotal",
    "pivotal_of",
]


def model_for(
    rule: Rule,
    positions: Mapping[str, PositionInput],
    table: Mapping[Stance, VoteProbabilities] | None = None,
    *,
    priors: CouncilPriors | None = None,
    blocs: bool = True,
) -> JointModel:
    """The joint model for ``positions``: with ``priors``, or else the table's undecided row as
    every member's prior and independent members (the engine's first model)."""
    rows = resolve_table(table)
    chosen = priors if priors is not None else CouncilPriors.fixed(rule, rows[Stance.UNDECIDED])
    return joint_model(rule, positions, chosen, rows, blocs=blocs)


@dataclass(frozen=True)
class MemberInfluence:
    """How much one member's vote matters to the adoption of a draft."""

    member: str
    permanent: bool
    p_adopted_if_yes: float
    p_adopted_if_no: float
    swing: float
    flips_most_likely_to: Result | None

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "member": self.member,
            "permanent": self.permanent,
            "p_adopted_if_yes": self.p_adopted_if_yes,
            "p_adopted_if_no": self.p_adopted_if_no,
            "swing": self.swing,
            "flips_most_likely_to": (
                None if self.flips_most_likely_to is None else self.flips_most_likely_to.value
            ),
        }


def pivotal(
    rule: Rule,
    positions: Mapping[str, PositionInput],
    table: Mapping[Stance, VoteProbabilities] | None = None,
    *,
    priors: CouncilPriors | None = None,
    blocs: bool = True,
) -> tuple[MemberInfluence, ...]:
    """Each member's influence on adoption, sorted by swing (largest first), then by code.

    ``p_adopted_if_yes`` and ``p_adopted_if_no`` are exact probabilities of adoption with that
    member certain to vote yes, or certain to vote no, and every other member as projected;
    ``swing`` is their difference. The member's vote is set, not observed: what its position
    says still informs its bloc, but its forced vote does not pull its bloc along. For an
    independent elected member (or any on a matter without a veto) the swing is the probability
    that the others cast exactly ``quota - 1`` yes votes without a veto.
    ``flips_most_likely_to`` is the outcome that becomes most likely when the member alone moves
    to a certain yes; if that changes nothing, to a certain no; if that changes nothing either,
    to a certain abstention. It is None when none of the three moves changes the most likely
    outcome. Members missing from ``positions`` are undecided with confidence 0.
    """
    return pivotal_of(model_for(rule, positions, table, priors=priors, blocs=blocs))


def pivotal_of(model: JointModel) -> tuple[MemberInfluence, ...]:
    """:func:`pivotal` on a joint model already built."""
    rule = model.rule
    baseline = most_likely_result(*model.outcome())
    influences: list[MemberInfluence] = []
    for code in rule.members:
        moved = model.outcomes_with_vote(code)
        flips: Result | None = None
        for vote in (Vote.YES, Vote.NO, Vote.ABSTAIN):
            result = most_likely_result(*moved[vote])
            if result is not baseline:
                flips = result
                break
        if_yes = moved[Vote.YES][0]
        if_no = moved[Vote.NO][0]
        influences.append(
            MemberInfluence(
                member=code,
                permanent=code in rule.permanent,
                p_adopted_if_yes=if_yes,
                p_adopted_if_no=if_no,
                swing=if_yes - if_no,
                flips_most_likely_to=flips,
            )
        )
    influences.sort(key=lambda item: (-round(item.swing, SORT_DIGITS), item.member))
    return tuple(influences)


@dataclass(frozen=True)
class ClosestPath:
    """The most probable set of vote changes that would reach ``target`` (``"adopted"`` or
    ``"not_adopted"``), or why there is none.

    ``probability`` is the chance that the members named cast the votes named (0 when there is
    no path). ``alternatives`` are less probable paths with fewer changes: for each smaller
    number of changes, the most probable path with that many (fewest first).
    ``elected_only_feasible`` says whether the elected members alone, every permanent member
    keeping its vote as things stand, could reach the target.
    """

    feasible: bool
    changes: tuple[Change, ...]
    reason: str | None
    elected_only_feasible: bool
    elected_only_reason: str | None
    probability: float = 0.0
    target: str = ADOPTED
    alternatives: tuple[Path, ...] = ()

    @property
    def n_changes(self) -> int:
        return len(self.changes)

    @property
    def summary(self) -> str:
        if not self.feasible:
            return self.reason or "no path"
        return describe(self.changes, self.probability)

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "target": self.target,
            "feasible": self.feasible,
            "changes": [change.to_dict() for change in self.changes],
            "probability": self.probability,
            "n_changes": self.n_changes,
            "summary": self.summary,
            "reason": self.reason,
            "elected_only_feasible": self.elected_only_feasible,
            "elected_only_reason": self.elected_only_reason,
            "alternatives": [path.to_dict() for path in self.alternatives],
        }


def _permanent_opposition_reason(codes: Sequence[str]) -> str:
    if len(codes) == 1:
        return (
            f"{codes[0]} opposes as a permanent member: while it stays opposed, "
            "no change by elected members can adopt the draft"
        )
    return (
        f"{join_names(codes)} oppose as permanent members: while any of them stays opposed, "
        "no change by elected members can adopt the draft"
    )


def _firm_veto_reason(codes: Sequence[str]) -> str:
    if len(codes) == 1:
        subject = f"{codes[0]} votes no as a permanent member with confidence 1.0"
        verb = "its negative vote is a veto"
    else:
        subject = f"{join_names(codes)} vote no as permanent members with confidence 1.0"
        verb = "each of their negative votes is a veto"
    return (
        f"{subject}: on a substantive matter {verb}, "
        "so no change by the other members can adopt the draft"
    )


def _short_reason(who: str, most: int, quota: int) -> str:
    return (
        f"Even if every {who} not firmly set voted yes, the draft would have {most} yes "
        f"vote{'s' if most != 1 else ''}; it needs {quota}"
    )


def closest_path(
    rule: Rule,
    positions: Mapping[str, PositionInput],
    table: Mapping[Stance, VoteProbabilities] | None = None,
    *,
    priors: CouncilPriors | None = None,
    blocs: bool = True,
    target: str = ADOPTED,
) -> ClosestPath:
    """The most probable set of position changes that would adopt the draft (or, with
    ``target="not_adopted"``, make it fail).

    "As things stand" each member casts its most likely vote (ties broken against adoption,
    see :meth:`VoteProbabilities.most_likely`). A path changes some members' votes; its
    probability is the chance that they cast those votes, under the same joint model as the
    projection. The path chosen is the most probable one after which the draft reaches the
    target, the others keeping their votes as things stand; ties go to fewer changes. A member
    with no chance of another vote (a firm position: yes, no, abstain or not participating
    at confidence 1.0) is never moved. Members missing from ``positions`` are undecided with
    confidence 0.
    """
    model = model_for(rule, positions, table, priors=priors, blocs=blocs)
    stances = {code: p.stance for code, p in complete_positions(rule, positions).items()}
    return closest_path_of(model, stances, target)


def closest_path_of(
    model: JointModel, stances: Mapping[str, Stance], target: str = ADOPTED
) -> ClosestPath:
    """:func:`closest_path` on a joint model already built; ``stances`` gives each member's
    stance (for the changes' ``from_stance``)."""
    if target not in TARGETS:
        raise EngineError(f"{target!r} is not a target; valid targets: {', '.join(TARGETS)}")
    rule = model.rule
    used = {code: model.member_probabilities(code) for code in rule.members}
    current = {code: row.most_likely() for code, row in used.items()}
    front = search(model, stances, target=target)
    elected_front = search(model, stances, target=target, movable=rule.elected)

    elected_reason: str | None
    if target == NOT_ADOPTED:
        elected_reason = (
            None
            if elected_front
            else "No change by elected members that has a chance on their records makes the "
            "draft fail"
        )
        if not front:
            return ClosestPath(
                False,
                (),
                "No change that has a chance on the members' records makes the draft fail",
                False,
                elected_reason,
                target=target,
            )
        best = front[-1]
        return ClosestPath(
            True,
            best.changes,
            None,
            bool(elected_front),
            elected_reason,
            best.probability,
            target,
            tuple(front[:-1]),
        )

    blocking = [
        code
        for code in rule.members
        if rule.has_veto and code in rule.permanent and current[code] is Vote.NO
    ]
    yes_now = sum(1 for vote in current.values() if vote is Vote.YES)
    if elected_front:
        elected_reason = None
    elif blocking:
        elected_reason = _permanent_opposition_reason(blocking)
    else:
        can_move = [
            code for code in rule.elected if current[code] is not Vote.YES and used[code].yes > 0
        ]
        most = yes_now + len(can_move)
        elected_reason = (
            _short_reason("elected member", most, rule.quota)
            if most < rule.quota
            else "No change by elected members that has a chance on their records adopts the draft"
        )
    if not front:
        firmly = [code for code in blocking if used[code].no >= 1.0 - FIRM_TOLERANCE]
        most = sum(1 for code in rule.members if used[code].yes > 0)
        if firmly:
            reason = _firm_veto_reason(firmly)
        elif most < rule.quota:
            reason = _short_reason("member", most, rule.quota)
        else:
            reason = "No change that has a chance on the members' records adopts the draft"
        return ClosestPath(False, (), reason, False, elected_reason, target=target)
    best = front[-1]
    return ClosestPath(
        True,
        best.changes,
        None,
        bool(elected_front),
        elected_reason,
        best.probability,
        target,
        tuple(front[:-1]),
    )
