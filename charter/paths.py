"""The most plausible ways to move a draft: the most probable set of vote changes that would
adopt it (or make it fail), not merely the fewest.

"As things stand" each member casts its most likely vote (ties broken against adoption). A
*path* changes some members' votes; its probability is the chance, under the joint model of
:mod:`charter.blocs`, that those members cast those votes. The path to adoption is the most
probable path after which the draft is adopted, everyone else keeping the vote they cast as
things stand; ties go to fewer changes. Beside it the engine keeps, for each smaller number of
changes, the most probable path with that many, when it is less probable: the trade-off between
asking few members and asking what they are likely to do.

The search is exact. The contested class of the model factorises over groups (each bloc, and
each member on its own), so a dynamic programme over the groups, with state (yes votes, whether
a permanent member votes no, whether any change is to a vote other than yes, number of changes),
keeps the most probable partial path for each state. The consensus class adds its weight to
paths whose changes are all to yes. A Hypothesis test checks the result against enumeration of
every combination of changes.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from .blocs import VOTES, JointModel
from .rule import JSONValue, Rule, Stance, Vote

ADOPTED = "adopted"
NOT_ADOPTED = "not_adopted"
TARGETS = (ADOPTED, NOT_ADOPTED)

RELATIVE_TIE = 1e-12
"""Probabilities within this relative distance count as equal when comparing paths."""


@dataclass(frozen=True)
class Change:
    """One member moving from the vote it would cast as things stand to another."""

    member: str
    permanent: bool
    from_stance: Stance
    to: Vote
    from_vote: Vote

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "member": self.member,
            "permanent": self.permanent,
            "from_stance": self.from_stance.value,
            "from_vote": self.from_vote.value,
            "to": self.to.value,
        }


_VERBS = {
    Vote.YES: ("votes yes", "vote yes"),
    Vote.NO: ("votes no", "vote no"),
    Vote.ABSTAIN: ("abstains", "abstain"),
    Vote.NOT_PARTICIPATING: ("does not take part", "do not take part"),
}


def join_names(codes: Sequence[str]) -> str:
    """``["USA", "FRA", "GBR"]`` -> ``"USA, FRA and GBR"``."""
    if len(codes) <= 1:
        return "".join(codes)
    return f"{', '.join(codes[:-1])} and {codes[-1]}"


def percent(probability: float) -> str:
    """A probability for people: ``4.0%``, ``0.012%``, or ``3.1e-07`` when tiny."""
    if probability >= 0.001:
        return f"{probability:.1%}"
    if probability >= 1e-6:
        return f"{probability:.4%}".rstrip("0")
    return f"{probability:.1e}"


def describe(changes: Sequence[Change], probability: float) -> str:
    """``"FRA and GBR abstain: 4.0% on their records"``."""
    if not changes:
        return "no change is needed"
    parts = []
    for vote in (Vote.YES, Vote.ABSTAIN, Vote.NO, Vote.NOT_PARTICIPATING):
        codes = [change.member for change in changes if change.to is vote]
        if codes:
            singular, plural = _VERBS[vote]
            parts.append(f"{join_names(codes)} {singular if len(codes) == 1 else plural}")
    whose = "its" if len(changes) == 1 else "their"
    return f"{', '.join(parts)}: {percent(probability)} on {whose} records"


@dataclass(frozen=True)
class Path:
    """A set of vote changes and the chance that the members make them."""

    changes: tuple[Change, ...]
    probability: float

    @property
    def n_changes(self) -> int:
        return len(self.changes)

    @property
    def summary(self) -> str:
        return describe(self.changes, self.probability)

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "changes": [change.to_dict() for change in self.changes],
            "probability": self.probability,
            "n_changes": self.n_changes,
            "summary": self.summary,
        }


_Link = tuple[tuple["Change", ...], "_Link | None"]
"""A partial path as a linked list: the changes of one group and the path before it."""


def _unlink(link: _Link | None) -> list[Change]:
    changes: list[Change] = []
    while link is not None:
        group, link = link
        changes.extend(group)
    return changes


def _undominated(
    states: dict[tuple[int, bool, bool, int], tuple[float, _Link | None]],
) -> dict[tuple[int, bool, bool, int], tuple[float, _Link | None]]:
    """Drop partial paths that another with the same (yes, permanent no, change not to yes)
    beats with no more changes: whatever follows, they end less probable with more changes,
    so they are never on the front."""
    by_kind: dict[tuple[int, bool, bool], list[tuple[int, float, _Link | None]]] = {}
    for (yes, blocked, not_yes, count), (value, link) in states.items():
        by_kind.setdefault((yes, blocked, not_yes), []).append((count, value, link))
    kept: dict[tuple[int, bool, bool, int], tuple[float, _Link | None]] = {}
    for (yes, blocked, not_yes), items in by_kind.items():
        best = -1.0
        for count, value, link in sorted(items, key=lambda item: item[0]):
            if _better(value, best):
                kept[(yes, blocked, not_yes, count)] = (value, link)
                best = value
    return kept


def _better(a: float, b: float) -> bool:
    return a > b * (1.0 + RELATIVE_TIE) + 1e-300


def _accepts(rule: Rule, target: str, yes: int, blocked: bool) -> bool:
    adopted = yes >= rule.quota and not blocked
    return adopted if target == ADOPTED else not adopted


def search(
    model: JointModel,
    stance_of: Mapping[str, Stance],
    *,
    target: str = ADOPTED,
    movable: Collection[str] | None = None,
) -> list[Path]:
    """The Pareto front of paths to ``target``: for each number of changes, from the fewest
    up, the most probable path with that many, kept only when more probable than every path
    with fewer changes. The last is the most probable path. Empty when no path has a chance.

    ``movable`` limits the members that may change (default: all).
    """
    rule = model.rule
    current = {code: model.member_probabilities(code).most_likely() for code in rule.members}
    allowed = set(rule.members if movable is None else movable)
    veto = rule.has_veto
    cap = rule.quota  # yes votes beyond the quota change nothing: count them as the quota
    # (yes, a permanent no, a change not to yes, changes) -> (probability, partial path)
    states: dict[tuple[int, bool, bool, int], tuple[float, _Link | None]] = {
        (0, False, False, 0): (1.0, None)
    }
    for members in model.groups():
        options: list[tuple[int, bool, bool, int, float, tuple[Change, ...]]] = []
        # Changes are tried before keeping the vote, so that among equally probable paths the
        # one that moves members of earlier groups (by code) is kept.
        choices = [
            ([vote for vote in VOTES if vote is not current[code]] if code in allowed else [])
            + [current[code]]
            for code in members
        ]
        for votes in itertools.product(*choices):
            changed = {
                code: vote
                for code, vote in zip(members, votes, strict=True)
                if vote is not current[code]
            }
            factor = model.group_factor(members, changed)
            if factor <= 0.0:
                continue
            yes = sum(1 for vote in votes if vote is Vote.YES)
            blocks = veto and any(
                vote is Vote.NO and code in rule.permanent
                for code, vote in zip(members, votes, strict=True)
            )
            not_yes = any(vote is not Vote.YES for vote in changed.values())
            changes = tuple(
                Change(code, code in rule.permanent, stance_of[code], vote, current[code])
                for code, vote in changed.items()
            )
            options.append((yes, blocks, not_yes, len(changes), factor, changes))
        next_states: dict[tuple[int, bool, bool, int], tuple[float, _Link | None]] = {}
        for (yes, blocked, not_yes, count), (value, link) in states.items():
            for add_yes, blocks, option_not_yes, added, factor, changes in options:
                key = (
                    min(cap, yes + add_yes),
                    blocked or blocks,
                    not_yes or option_not_yes,
                    count + added,
                )
                product = value * factor
                held = next_states.get(key)
                if held is None or _better(product, held[0]):
                    next_states[key] = (product, (changes, link) if changes else link)
        states = _undominated(next_states)

    order = {code: i for i, code in enumerate(rule.members)}
    best_by_count: dict[int, Path] = {}
    for (yes, blocked, not_yes, count), (value, link) in states.items():
        if not _accepts(rule, target, yes, blocked):
            continue
        probability = model.beta * value + (0.0 if not_yes else model.alpha)
        probability = max(0.0, min(1.0, probability))
        if probability <= 0.0:
            continue
        kept = best_by_count.get(count)
        if kept is None or _better(probability, kept.probability):
            changes = tuple(sorted(_unlink(link), key=lambda change: order[change.member]))
            best_by_count[count] = Path(changes, probability)
    front: list[Path] = []
    for count in sorted(best_by_count):
        path = best_by_count[count]
        if not front or _better(path.probability, front[-1].probability):
            front.append(path)
    return front
