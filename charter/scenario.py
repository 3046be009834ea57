"""What-if analysis of a draft: override positions and run every measure at once.

:func:`apply_overrides` lets a user ask "what if these members voted like this?" without
writing anything: it returns a new mapping of positions. :func:`analyse` bundles the tally,
the projection, the pivotal members and the closest path for one set of positions, which is
what the draft page and the ``analyse`` management command show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .pivotal import ClosestPath, MemberInfluence, closest_path, pivotal
from .projection import Projection, VoteProbabilities, project, resolve_table
from .rule import EngineError, JSONValue, Rule, Stance
from .tally import PositionInput, Tally, tally


def apply_overrides(
    rule: Rule, positions: Mapping[str, PositionInput], overrides: Mapping[str, str]
) -> dict[str, PositionInput]:
    """Positions with some members' stances replaced, each held with confidence 1.0.

    ``overrides`` maps an ISO3 code to a stance value; the vote values ``"yes"``, ``"no"``,
    ``"abstain"`` and ``"not_participating"`` are stances too. A code not seated under the rule
    raises :class:`~charter.rule.UnknownMember`; a value that is not a stance raises
    ``EngineError`` naming the code and listing the valid stances. ``positions`` is not
    changed: a new dict is returned.
    """
    for code in positions:
        rule.require_member(code)
    result = dict(positions)
    for code, value in overrides.items():
        rule.require_member(code, f"{code} is not on the Council under this rule")
        try:
            stance = Stance(value)
        except ValueError:
            valid = ", ".join(s.value for s in Stance)
            raise EngineError(
                f"{code}: {value!r} is not a stance; valid stances: {valid}"
            ) from None
        result[code] = PositionInput(stance, 1.0)
    return result


@dataclass(frozen=True)
class Analysis:
    """Everything the engine says about one draft for one set of positions."""

    tally: Tally
    projection: Projection
    pivotal: tuple[MemberInfluence, ...]
    closest_path: ClosestPath

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "tally": self.tally.to_dict(),
            "projection": self.projection.to_dict(),
            "pivotal": [influence.to_dict() for influence in self.pivotal],
            "closest_path": self.closest_path.to_dict(),
        }


def analyse(
    rule: Rule,
    positions: Mapping[str, PositionInput],
    table: Mapping[Stance, VoteProbabilities] | None = None,
) -> Analysis:
    """Tally, projection, pivotal members and closest path for one set of positions.

    Members missing from ``positions`` are undecided (with confidence 0 where probabilities
    are needed). ``table`` defaults to the engine's default stance table.
    """
    rows = resolve_table(table)
    return Analysis(
        tally=tally(rule, positions),
        projection=project(rule, positions, rows),
        pivotal=pivotal(rule, positions, rows),
        closest_path=closest_path(rule, positions, rows),
    )
