"""Where a draft stands today: how many members hold each stance and what a vote now would give.

A tally counts stances; it does not guess. Its ``outcome_if_held_now`` counts only firm
positions (yes, no, abstain): a member leaning one way or undecided is counted as not
participating, because nothing it has said commits its vote. Probabilities are the business
of :mod:`charter.projection`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .outcome import Outcome, classify
from .rule import EngineError, JSONValue, Rule, Stance, Vote


@dataclass(frozen=True)
class PositionInput:
    """A member's stance on a draft and how sure we are that it will vote that way.

    ``confidence`` is in [0, 1]: 1 means the member will vote as its stance says, 0 means we
    know nothing beyond "undecided" (see :func:`charter.projection.vote_probabilities`).
    """

    stance: Stance
    confidence: float

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "stance", Stance(self.stance))
        except ValueError:
            valid = ", ".join(s.value for s in Stance)
            raise EngineError(f"{self.stance!r} is not a stance; valid stances: {valid}") from None
        confidence = self.confidence
        if (
            isinstance(confidence, bool)
            or not isinstance(confidence, int | float)
            or not math.isfinite(confidence)
            or not 0.0 <= confidence <= 1.0
        ):
            raise EngineError(f"confidence must be a number from 0 to 1, got {confidence!r}")
        object.__setattr__(self, "confidence", float(confidence))

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {"stance": self.stance.value, "confidence": self.confidence}


_FIRM_VOTE: dict[Stance, Vote] = {
    Stance.YES: Vote.YES,
    Stance.NO: Vote.NO,
    Stance.ABSTAIN: Vote.ABSTAIN,
}


def firm_vote(stance: Stance) -> Vote:
    """The ballot a stance commits to: yes, no or abstain; anything else is not participating."""
    return _FIRM_VOTE.get(stance, Vote.NOT_PARTICIPATING)


def stance_of(code: str, position: PositionInput | Stance) -> Stance:
    """The stance of ``code``'s position, given as a :class:`PositionInput` or a bare stance."""
    if isinstance(position, PositionInput):
        return position.stance
    try:
        return Stance(position)
    except ValueError:
        valid = ", ".join(s.value for s in Stance)
        raise EngineError(f"{code}: {position!r} is not a stance; valid stances: {valid}") from None


@dataclass(frozen=True)
class Tally:
    """Counts of stances on a draft and the outcome if it were put to the vote now."""

    quota: int
    seated: int
    counts: dict[Stance, int]
    permanent_opposed: tuple[str, ...]
    outcome_if_held_now: Outcome
    votes_needed: int

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form; ``counts`` is keyed by stance value, every stance present."""
        return {
            "quota": self.quota,
            "seated": self.seated,
            "counts": {stance.value: self.counts[stance] for stance in Stance},
            "permanent_opposed": list(self.permanent_opposed),
            "outcome_if_held_now": self.outcome_if_held_now.to_dict(),
            "votes_needed": self.votes_needed,
        }


def tally(rule: Rule, positions: Mapping[str, PositionInput | Stance]) -> Tally:
    """Count the stances of the members seated under ``rule``.

    Members without a position count as undecided. ``permanent_opposed`` lists, in seating
    order, the permanent members whose stance is no or leaning no. A code not seated under the
    rule raises :class:`~charter.rule.UnknownMember`.
    """
    for code in positions:
        rule.require_member(code)
    stances = {code: stance_of(code, position) for code, position in positions.items()}
    counts = dict.fromkeys(Stance, 0)
    for code in rule.members:
        counts[stances.get(code, Stance.UNDECIDED)] += 1
    permanent_opposed = tuple(
        code
        for code in rule.members
        if code in rule.permanent and stances.get(code) in (Stance.NO, Stance.LEANING_NO)
    )
    ballots = {code: firm_vote(stance) for code, stance in stances.items()}
    outcome = classify(rule, ballots)
    return Tally(
        quota=rule.quota,
        seated=len(rule.members),
        counts=counts,
        permanent_opposed=permanent_opposed,
        outcome_if_held_now=outcome,
        votes_needed=max(0, rule.quota - outcome.yes),
    )
