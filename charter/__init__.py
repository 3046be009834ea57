"""The voting engine: pure Python, standard library only, no Django.

It classifies recorded votes under the Charter's rule (Article 27), tallies the positions on a
draft, projects the exact probability that it is adopted, vetoed or fails, finds the pivotal
members and the fewest changes that would adopt it, and computes a priori voting power. See
``docs/ENGINE.md``. Everything here is exact (dynamic programming and counting), never sampled.
"""

from .outcome import Outcome, classify, classify_counts
from .pivotal import Change, ClosestPath, MemberInfluence, closest_path, pivotal
from .power import PowerIndex, power_indices
from .projection import (
    DEFAULT_STANCE_TABLE,
    MODEL_VERSION,
    Projection,
    VoteProbabilities,
    project,
    project_probabilities,
    stance_table_from_mapping,
    vote_probabilities,
)
from .rule import (
    EngineError,
    Matter,
    Result,
    Rule,
    Stance,
    UnknownMember,
    Vote,
    charter_size_and_quota,
    rule_for,
)
from .scenario import Analysis, analyse, apply_overrides
from .tally import PositionInput, Tally, tally

__all__ = [
    "DEFAULT_STANCE_TABLE",
    "MODEL_VERSION",
    "Analysis",
    "Change",
    "ClosestPath",
    "EngineError",
    "Matter",
    "MemberInfluence",
    "Outcome",
    "PositionInput",
    "PowerIndex",
    "Projection",
    "Result",
    "Rule",
    "Stance",
    "Tally",
    "UnknownMember",
    "Vote",
    "VoteProbabilities",
    "analyse",
    "apply_overrides",
    "charter_size_and_quota",
    "classify",
    "classify_counts",
    "closest_path",
    "pivotal",
    "power_indices",
    "project",
    "project_probabilities",
    "rule_for",
    "stance_table_from_mapping",
    "tally",
    "vote_probabilities",
]
