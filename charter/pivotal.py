"""Who can move a draft, and the fewest changes that would adopt it.

:func:`pivotal` measures, for each member, how much the chance of adoption depends on its vote:
the exact probability of adoption if it votes yes against if it votes no, everyone else keeping
their probabilities. :func:`closest_path` answers the negotiator's question: starting from each
member's most likely vote, which is the smallest set of members that must change their vote for
the draft to be adopted, and can the elected members do it on their own?
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .outcome import classify
from .projection import (
    VoteProbabilities,
    complete_positions,
    member_probabilities,
    projection_from_ordered,
    resolve_table,
    vote_probabilities,
)
from .rule import JSONValue, Result, Rule, Stance, Vote
from .tally import PositionInput

SORT_DIGITS = 12
"""Swings are rounded to this many digits for sorting only, so that floating-point noise
between swings that are equal in exact arithmetic does not decide their order."""

FIRM_STANCES = frozenset({Stance.YES, Stance.NO, Stance.ABSTAIN, Stance.NOT_PARTICIPATING})
"""Stances that, held with confidence 1.0, cannot be moved by :func:`closest_path`."""


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
) -> tuple[MemberInfluence, ...]:
    """Each member's influence on adoption, sorted by swing (largest first), then by code.

    ``p_adopted_if_yes`` and ``p_adopted_if_no`` are exact probabilities of adoption with that
    member certain to vote yes, or certain to vote no, and every other member as projected;
    ``swing`` is their difference. For an elected member (or any member on a matter without a
    veto) the swing is the probability that the others cast exactly ``quota - 1`` yes votes
    without a veto. ``flips_most_likely_to`` is the outcome that becomes most likely when the
    member alone moves to a certain yes; if that changes nothing, to a certain no; if that
    changes nothing either, to a certain abstention. It is None when none of the three moves
    changes the most likely outcome. Members missing from ``positions`` are undecided with
    confidence 0.
    """
    probs = member_probabilities(rule, positions, table)
    ordered = list(probs.values())
    baseline = projection_from_ordered(rule, ordered, "").most_likely
    influences: list[MemberInfluence] = []
    for index, code in enumerate(rule.members):
        moved = {
            vote: projection_from_ordered(
                rule, _replaced(ordered, index, VoteProbabilities.certain(vote)), ""
            )
            for vote in (Vote.YES, Vote.NO, Vote.ABSTAIN)
        }
        flips: Result | None = None
        for vote in (Vote.YES, Vote.NO, Vote.ABSTAIN):
            if moved[vote].most_likely is not baseline:
                flips = moved[vote].most_likely
                break
        if_yes = moved[Vote.YES].p_adopted
        if_no = moved[Vote.NO].p_adopted
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


def _replaced(
    ordered: Sequence[VoteProbabilities], index: int, row: VoteProbabilities
) -> list[VoteProbabilities]:
    copy = list(ordered)
    copy[index] = row
    return copy


@dataclass(frozen=True)
class Change:
    """One member moving from its present position to a vote."""

    member: str
    permanent: bool
    from_stance: Stance
    to: Vote

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "member": self.member,
            "permanent": self.permanent,
            "from_stance": self.from_stance.value,
            "to": self.to.value,
        }


@dataclass(frozen=True)
class ClosestPath:
    """The smallest set of vote changes that would adopt a draft, or why there is none."""

    feasible: bool
    changes: tuple[Change, ...]
    reason: str | None
    elected_only_feasible: bool
    elected_only_reason: str | None

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "feasible": self.feasible,
            "changes": [change.to_dict() for change in self.changes],
            "reason": self.reason,
            "elected_only_feasible": self.elected_only_feasible,
            "elected_only_reason": self.elected_only_reason,
        }


def join_names(codes: Sequence[str]) -> str:
    """``["USA", "FRA", "GBR"]`` -> ``"USA, FRA and GBR"``."""
    if len(codes) <= 1:
        return "".join(codes)
    return f"{', '.join(codes[:-1])} and {codes[-1]}"


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
) -> ClosestPath:
    """The fewest position changes that would adopt the draft.

    "As things stand" each member casts its most likely vote (ties broken against adoption,
    see :meth:`VoteProbabilities.most_likely`). A member whose stance is yes, no, abstain or
    not participating with confidence 1.0 is firm and cannot be moved. On a substantive matter
    every permanent member voting no must change: to yes where its vote is also needed, else
    to abstain, the smaller ask. The remaining yes votes come from the fewest other members,
    those most likely to vote yes first (ties by code). No set of changes can be smaller: each
    change adds at most one yes vote, and every permanent no has to go.

    ``elected_only_feasible`` says whether the elected members alone, every permanent member
    keeping its vote, could adopt the draft. Members missing from ``positions`` are undecided
    with confidence 0.
    """
    rows = resolve_table(table)
    complete = complete_positions(rule, positions)
    probs = {code: vote_probabilities(position, rows) for code, position in complete.items()}
    current = {code: row.most_likely() for code, row in probs.items()}
    if classify(rule, current).result is Result.ADOPTED:
        return ClosestPath(True, (), None, True, None)

    firm = {
        code
        for code, position in complete.items()
        if position.confidence == 1.0 and position.stance in FIRM_STANCES
    }
    yes_now = sum(1 for vote in current.values() if vote is Vote.YES)
    blocking = [
        code
        for code in rule.members
        if rule.has_veto and code in rule.permanent and current[code] is Vote.NO
    ]
    movable = [
        code
        for code in rule.members
        if current[code] is not Vote.YES and code not in firm and code not in blocking
    ]

    elected_movable = [code for code in movable if code not in rule.permanent]
    if blocking:
        elected_only_feasible = False
        elected_only_reason: str | None = _permanent_opposition_reason(blocking)
    elif yes_now + len(elected_movable) >= rule.quota:
        elected_only_feasible, elected_only_reason = True, None
    else:
        elected_only_feasible = False
        elected_only_reason = _short_reason(
            "elected member", yes_now + len(elected_movable), rule.quota
        )

    firmly_blocking = [code for code in blocking if code in firm]
    if firmly_blocking:
        return ClosestPath(
            False, (), _firm_veto_reason(firmly_blocking), False, elected_only_reason
        )
    most_yes = yes_now + len(blocking) + len(movable)
    if most_yes < rule.quota:
        return ClosestPath(
            False, (), _short_reason("member", most_yes, rule.quota), False, elected_only_reason
        )

    def preference(code: str) -> tuple[float, str]:
        return (-probs[code].yes, code)

    needed = rule.quota - yes_now
    changes: list[Change] = []
    for rank, code in enumerate(sorted(blocking, key=preference)):
        # A permanent no has to change anyway; where its yes is also needed it saves asking
        # someone else, otherwise abstaining lifts the veto with the smaller concession.
        to = Vote.YES if rank < needed else Vote.ABSTAIN
        changes.append(Change(code, True, complete[code].stance, to))
    still_needed = max(0, needed - len(blocking))
    for code in sorted(movable, key=preference)[:still_needed]:
        changes.append(Change(code, code in rule.permanent, complete[code].stance, Vote.YES))
    return ClosestPath(True, tuple(changes), None, elected_only_feasible, elected_only_reason)
