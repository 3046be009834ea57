"""What-if analysis of a draft: override positions and run every measure at once.

:func:`apply_overrides` lets a user ask "what if these members voted like this?" without
writing anything: it returns a new mapping of positions. :func:`analyse` bundles the tally,
the projection, the pivotal members, the most probable paths to adoption and to failure, and
the inputs and assumptions behind them, for one set of positions: what the draft's projection
and the ``project_draft`` management command show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .blocs import Assumptions, CouncilPriors, MemberInput
from .paths import ADOPTED, NOT_ADOPTED
from .pivotal import ClosestPath, MemberInfluence, closest_path_of, model_for, pivotal_of
from .projection import (
    Projection,
    VoteProbabilities,
    complete_positions,
    fingerprint_inputs,
    resolve_table,
)
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
    """Everything the engine says about one draft for one set of positions.

    ``inputs`` shows, member by member, the stance and confidence used and the probabilities
    they gave; ``assumptions`` the priors' source, the consensus class and the blocs.
    ``closest_path`` is the most probable path to adoption, ``path_to_failure`` the most
    probable path to the draft's not being adopted.
    """

    tally: Tally
    projection: Projection
    pivotal: tuple[MemberInfluence, ...]
    closest_path: ClosestPath
    path_to_failure: ClosestPath
    inputs: tuple[MemberInput, ...]
    assumptions: Assumptions

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "tally": self.tally.to_dict(),
            "projection": self.projection.to_dict(),
            "pivotal": [influence.to_dict() for influence in self.pivotal],
            "closest_path": self.closest_path.to_dict(),
            "path_to_failure": self.path_to_failure.to_dict(),
            "inputs": [member.to_dict() for member in self.inputs],
            "assumptions": self.assumptions.to_dict(),
        }


def analyse(
    rule: Rule,
    positions: Mapping[str, PositionInput],
    table: Mapping[Stance, VoteProbabilities] | None = None,
    *,
    priors: CouncilPriors | None = None,
    blocs: bool = True,
) -> Analysis:
    """Tally, projection, pivotal members, the paths to adoption and to failure, and what went
    into them, for one set of positions.

    Members missing from ``positions`` are undecided (with confidence 0 where probabilities
    are needed). ``table`` defaults to the engine's default stance table; ``priors`` and
    ``blocs`` are as for :func:`~charter.projection.project`.
    """
    rows = resolve_table(table)
    complete = complete_positions(rule, positions)
    model = model_for(rule, positions, rows, priors=priors, blocs=blocs)
    fingerprint = fingerprint_inputs(
        rule, complete, rows, "" if priors is None else priors.digest(), blocs
    )
    stances = {code: position.stance for code, position in complete.items()}
    return Analysis(
        tally=tally(rule, positions),
        projection=model.projection(fingerprint),
        pivotal=pivotal_of(model),
        closest_path=closest_path_of(model, stances, ADOPTED),
        path_to_failure=closest_path_of(model, stances, NOT_ADOPTED),
        inputs=model.inputs,
        assumptions=model.assumptions,
    )
