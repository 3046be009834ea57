"""The voting engine: pure Python, standard library only, no Django.

It classifies recorded votes under the Charter's rule (Article 27), tallies the positions on a
draft, projects the exact probability that it is adopted, vetoed or fails, finds the pivotal
members and the most probable changes that would adopt it or make it fail, estimates the
members' priors from the recorded votes (:mod:`charter.priors`), models blocs
(:mod:`charter.blocs`), back-tests the forecast (:mod:`charter.backtest`) and computes a priori
voting power. See ``docs/ENGINE.md`` and ``docs/FORECAST.md``. Everything here is exact (dynamic
programming and counting), never sampled.
"""

from .blocs import (
    Assumptions,
    Bloc,
    BlocAssumption,
    CouncilPriors,
    JointModel,
    MemberInput,
    joint_model,
)
from .outcome import Outcome, classify, classify_counts
from .paths import Path
from .pivotal import Change, ClosestPath, MemberInfluence, closest_path, pivotal
from .power import PowerIndex, power_indices
from .priors import (
    BallotRecord,
    BallotShares,
    Direction,
    PriorCounts,
    Priors,
    Smoothing,
    VoteRecord,
    estimate,
    topic_of,
)
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
    "Assumptions",
    "BallotRecord",
    "BallotShares",
    "Bloc",
    "BlocAssumption",
    "Change",
    "ClosestPath",
    "CouncilPriors",
    "Direction",
    "EngineError",
    "JointModel",
    "Matter",
    "MemberInfluence",
    "MemberInput",
    "Outcome",
    "Path",
    "PositionInput",
    "PowerIndex",
    "PriorCounts",
    "Priors",
    "Projection",
    "Result",
    "Rule",
    "Smoothing",
    "Stance",
    "Tally",
    "UnknownMember",
    "Vote",
    "VoteProbabilities",
    "VoteRecord",
    "analyse",
    "apply_overrides",
    "charter_size_and_quota",
    "classify",
    "classify_counts",
    "closest_path",
    "estimate",
    "joint_model",
    "pivotal",
    "power_indices",
    "project",
    "project_probabilities",
    "rule_for",
    "stance_table_from_mapping",
    "tally",
    "topic_of",
    "vote_probabilities",
]
