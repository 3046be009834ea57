"""The joint model (consensus class, blocs, positions as evidence) against brute force.

The reference below builds the model the long way: it writes down the prior probability of
every vote profile (3**n of them) straight from the definitions in ``charter/blocs.py``, takes
each member's prior as the marginal of that table, turns the positions into likelihoods, applies
Bayes' rule profile by profile and classifies every profile with ``classify``. The engine must
give the same figures by its sum of dynamic programmes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charter import (
    DEFAULT_STANCE_TABLE,
    Bloc,
    CouncilPriors,
    EngineError,
    PositionInput,
    Result,
    Rule,
    Stance,
    Vote,
    VoteProbabilities,
    analyse,
    classify,
    joint_model,
    project,
)
from tests.charter.test_projection import dprk_2019_positions
from tests.charter.test_rule import ELECTED_2019, FAST, PERMANENT_2019, council_2019, rules

VOTES = (Vote.YES, Vote.NO, Vote.ABSTAIN)
TOLERANCE = 1e-9

Profile = tuple[Vote, ...]


def chance(row: VoteProbabilities, vote: Vote) -> float:
    return {Vote.YES: row.yes, Vote.NO: row.no, Vote.ABSTAIN: row.abstain}[vote]


def capped(bloc: Bloc, records: Mapping[str, VoteProbabilities]) -> float:
    weight = bloc.weight
    for code in bloc.members:
        for vote in VOTES:
            if chance(bloc.common, vote) > 0:
                weight = min(weight, chance(records[code], vote) / chance(bloc.common, vote))
    return weight


def prior_table(rule: Rule, priors: CouncilPriors, blocs: bool) -> dict[Profile, float]:
    """P(profile) before any position, from the definitions."""
    records = priors.records
    used = [b for b in priors.blocs if blocs and all(c in rule.members for c in b.members)]
    in_bloc = {code for bloc in used for code in bloc.members}
    mixture: dict[Profile, float] = {}
    for profile in itertools.product(VOTES, repeat=len(rule.members)):
        votes = dict(zip(rule.members, profile, strict=True))
        p = math.prod(chance(records[c], votes[c]) for c in rule.members if c not in in_bloc)
        for bloc in used:
            w = capped(bloc, records)
            apart = 1.0
            for code in bloc.members:
                r = (chance(records[code], votes[code]) - w * chance(bloc.common, votes[code])) / (
                    1 - w
                )
                apart *= max(0.0, r)
            cast = {votes[code] for code in bloc.members}
            together = chance(bloc.common, cast.pop()) if len(cast) == 1 else 0.0
            p *= w * together + (1 - w) * apart
        mixture[profile] = p
    if priors.consensus is None:
        return mixture
    all_yes = tuple(Vote.YES for _ in rule.members)
    kappa = priors.consensus
    rest = 1 - mixture[all_yes]
    table = {
        profile: (1 - kappa) * p / rest if profile != all_yes else 0.0
        for profile, p in mixture.items()
    }
    table[all_yes] += kappa
    return table


def posterior_table(
    rule: Rule, positions: Mapping[str, PositionInput], priors: CouncilPriors, blocs: bool = True
) -> tuple[dict[Profile, float], dict[str, VoteProbabilities]]:
    """P(profile | positions) and each member's prior, the long way."""
    table = prior_table(rule, priors, blocs)
    marginal = {}
    for i, code in enumerate(rule.members):
        sums = dict.fromkeys(VOTES, 0.0)
        for profile, p in table.items():
            sums[profile[i]] += p
        marginal[code] = VoteProbabilities.trusted(
            sums[Vote.YES], sums[Vote.NO], sums[Vote.ABSTAIN]
        )
    likelihood = {}
    for code in rule.members:
        position = positions.get(code, PositionInput(Stance.UNDECIDED, 0.0))
        prior = marginal[code]
        own = (
            prior if position.stance is Stance.UNDECIDED else DEFAULT_STANCE_TABLE[position.stance]
        )
        c = position.confidence
        likelihood[code] = {
            vote: (c * chance(own, vote) + (1 - c) * chance(prior, vote)) / chance(prior, vote)
            if chance(prior, vote) > 0
            else 0.0
            for vote in VOTES
        }
    weighted = {
        profile: p * math.prod(likelihood[c][v] for c, v in zip(rule.members, profile, strict=True))
        for profile, p in table.items()
    }
    total = math.fsum(weighted.values())
    return {profile: p / total for profile, p in weighted.items()}, marginal


def outcomes(rule: Rule, table: Mapping[Profile, float]) -> dict[Result, float]:
    by_result = dict.fromkeys(Result, 0.0)
    for profile, p in table.items():
        by_result[classify(rule, dict(zip(rule.members, profile, strict=True))).result] += p
    return by_result


@st.composite
def positive_rows(draw: st.DrawFn) -> VoteProbabilities:
    values = [draw(st.floats(0.02, 1.0)) for _ in range(3)]
    total = sum(values)
    return VoteProbabilities(
        values[0] / total, values[1] / total, 1 - (values[0] + values[1]) / total
    )


@st.composite
def councils_with_priors(
    draw: st.DrawFn, max_members: int = 6
) -> tuple[Rule, CouncilPriors, dict[str, PositionInput]]:
    """A small Council, priors with (or without) a consensus class and up to two blocs, and
    positions for some members (firm ones included)."""
    rule = draw(rules(min_members=2, max_members=max_members))
    records = {code: draw(positive_rows(), label=f"record {code}") for code in rule.members}
    consensus = draw(st.one_of(st.none(), st.floats(0.05, 0.95)), label="consensus")
    codes = list(rule.members)
    blocs: list[Bloc] = []
    for _ in range(draw(st.integers(0, 2), label="blocs")):
        free = [code for code in codes if all(code not in b.members for b in blocs)]
        if len(free) < 2:
            break
        size = draw(st.integers(2, min(3, len(free))))
        members = tuple(draw(st.permutations(free))[:size])
        blocs.append(Bloc(members, draw(st.floats(0.0, 0.95)), draw(positive_rows())))
    priors = CouncilPriors(records, consensus, tuple(blocs))
    positions = {}
    for code in rule.members:
        if draw(st.booleans(), label=f"{code} has a position"):
            stance = draw(st.sampled_from(Stance), label=f"{code} stance")
            confidence = draw(st.sampled_from([0.0, 0.5, 0.9, 1.0]), label=f"{code} confidence")
            positions[code] = PositionInput(stance, confidence)
    return rule, priors, positions


@FAST
@given(case=councils_with_priors(), blocs=st.booleans())
def test_the_mixture_equals_brute_force_enumeration(
    case: tuple[Rule, CouncilPriors, dict[str, PositionInput]], blocs: bool
) -> None:
    rule, priors, positions = case
    try:
        table, marginal = posterior_table(rule, positions, priors, blocs)
    except ZeroDivisionError:  # firm positions the model cannot reconcile
        with pytest.raises(EngineError):
            project(rule, positions, priors=priors, blocs=blocs)
        return
    expected = outcomes(rule, table)
    model = joint_model(rule, positions, priors, blocs=blocs)
    projection = model.projection()
    assert projection.p_adopted == pytest.approx(expected[Result.ADOPTED], abs=TOLERANCE)
    assert projection.p_vetoed == pytest.approx(expected[Result.VETOED], abs=TOLERANCE)
    assert projection.p_failed == pytest.approx(expected[Result.FAILED], abs=TOLERANCE)
    for k, p in enumerate(projection.yes_distribution):
        assert p == pytest.approx(
            math.fsum(q for prof, q in table.items() if prof.count(Vote.YES) == k), abs=TOLERANCE
        )
    for i, member in enumerate(model.inputs):
        prior = marginal[member.member]
        assert member.prior.yes == pytest.approx(prior.yes, abs=TOLERANCE)
        assert member.prior.no == pytest.approx(prior.no, abs=TOLERANCE)
        used_yes = math.fsum(p for prof, p in table.items() if prof[i] is Vote.YES)
        used_no = math.fsum(p for prof, p in table.items() if prof[i] is Vote.NO)
        assert member.used.yes == pytest.approx(used_yes, abs=TOLERANCE)
        assert member.used.no == pytest.approx(used_no, abs=TOLERANCE)


@FAST
@given(case=councils_with_priors(max_members=5))
def test_a_set_vote_is_the_brute_force_with_that_member_replaced(
    case: tuple[Rule, CouncilPriors, dict[str, PositionInput]],
) -> None:
    """``with_vote`` (used by pivotal) sets one member's ballot in every profile: the others
    keep their posterior joint distribution."""
    rule, priors, positions = case
    try:
        table, _ = posterior_table(rule, positions, priors)
    except ZeroDivisionError:
        return
    model = joint_model(rule, positions, priors)
    code = rule.members[0]
    for vote in VOTES:
        moved: dict[Profile, float] = {}
        for profile, p in table.items():
            changed = (vote, *profile[1:])
            moved[changed] = moved.get(changed, 0.0) + p
        expected = outcomes(rule, moved)
        assert model.with_vote(code, vote).projection().p_adopted == pytest.approx(
            expected[Result.ADOPTED], abs=TOLERANCE
        )


@FAST
@given(case=councils_with_priors(max_members=5))
def test_the_chance_of_a_set_of_votes_equals_brute_force(
    case: tuple[Rule, CouncilPriors, dict[str, PositionInput]],
) -> None:
    rule, priors, positions = case
    try:
        table, _ = posterior_table(rule, positions, priors)
    except ZeroDivisionError:
        return
    model = joint_model(rule, positions, priors)
    for size in (1, 2):
        for members in itertools.combinations(range(len(rule.members)), size):
            for votes in itertools.product(VOTES, repeat=size):
                wanted = dict(zip(members, votes, strict=True))
                expected = math.fsum(
                    p for prof, p in table.items() if all(prof[i] is v for i, v in wanted.items())
                )
                named = {rule.members[i]: v for i, v in wanted.items()}
                assert model.probability_of(named) == pytest.approx(expected, abs=TOLERANCE)


# --- what the mixture says about real drafts ------------------------------------------------

P3 = ("FRA", "GBR", "USA")


def council_priors(weight: float, consensus: float | None = None) -> CouncilPriors:
    """Records of contested votes like the Council's (yes / no / abstain), the P3 a bloc."""
    records = {
        "CHN": VoteProbabilities(0.55, 0.06, 0.39),
        "RUS": VoteProbabilities(0.42, 0.14, 0.44),
        "FRA": VoteProbabilities(0.86, 0.05, 0.09),
        "GBR": VoteProbabilities(0.84, 0.06, 0.10),
        "USA": VoteProbabilities(0.76, 0.15, 0.09),
    }
    records |= {code: VoteProbabilities(0.82, 0.03, 0.15) for code in ELECTED_2019}
    blocs = (Bloc(P3, weight, VoteProbabilities(0.90, 0.05, 0.05)),) if weight else ()
    return CouncilPriors(records, consensus, blocs, source="test records")


def test_a_bloc_voting_as_one_makes_a_joint_veto_likelier_and_a_split_rarer() -> None:
    rule = council_2019()
    alone = joint_model(rule, {}, council_priors(0.0))
    together = joint_model(rule, {}, council_priors(0.6))
    all_no = dict.fromkeys(P3, Vote.NO)
    assert together.probability_of(all_no) > 10 * alone.probability_of(all_no)
    # The marginals stay each member's record.
    for code in P3:
        assert together.member_probabilities(code).no == pytest.approx(
            council_priors(0.6).records[code].no
        )


def test_one_members_stated_no_moves_its_bloc_and_nobody_else() -> None:
    rule = council_2019()
    said = {"USA": PositionInput(Stance.NO, 1.0)}
    model = joint_model(rule, said, council_priors(0.6))
    independent = joint_model(rule, said, council_priors(0.6), blocs=False)
    assert model.member_probabilities("FRA").no > 2 * independent.member_probabilities("FRA").no
    assert model.member_probabilities("BEL") == independent.member_probabilities("BEL")
    assert model.member_probabilities("USA").no == 1.0


def test_without_links_a_member_is_exactly_at_its_stated_probabilities() -> None:
    rule = council_2019()
    positions = {"BEL": PositionInput(Stance.LEANING_NO, 0.7)}
    model = joint_model(rule, positions, council_priors(0.0))
    record = council_priors(0.0).records["BEL"]
    row = DEFAULT_STANCE_TABLE[Stance.LEANING_NO]
    used = model.member_probabilities("BEL")
    assert used.yes == pytest.approx(0.7 * row.yes + 0.3 * record.yes)
    assert used.no == pytest.approx(0.7 * row.no + 0.3 * record.no)


def test_the_2019_draft_stays_very_unlikely_with_the_p3_as_a_bloc() -> None:
    rule = council_2019()
    positions = dprk_2019_positions(0.9)
    for consensus in (None, 0.8):
        for blocs in (True, False):
            p = project(rule, positions, priors=council_priors(0.6, consensus), blocs=blocs)
            assert p.p_adopted < 0.05


def test_fifteen_undecided_members_follow_the_councils_record_not_a_fixed_row() -> None:
    rule = council_2019()
    undecided = {code: PositionInput(Stance.UNDECIDED, 1.0) for code in rule.members}
    fixed = project(rule, undecided)  # the engine's first model: yes .35, no .20, abstain .45
    recorded = project(rule, undecided, priors=council_priors(0.6, consensus=0.84))
    assert fixed.p_adopted == pytest.approx(0.0224, abs=1e-4)
    assert recorded.p_adopted > 0.85


def test_the_analysis_states_its_inputs_and_bloc_assumptions() -> None:
    rule = council_2019()
    analysis = analyse(rule, dprk_2019_positions(0.9), priors=council_priors(0.6, 0.84))
    # JSON as a client reads it: any shape, checked by the assertions.
    data: Any = analysis.to_dict()
    inputs = {item["member"]: item for item in data["inputs"]}
    assert inputs["USA"]["stance"] == "no" and inputs["USA"]["confidence"] == 0.9
    assert inputs["USA"]["bloc"] == ["FRA", "GBR", "USA"]
    assert inputs["BEL"]["bloc"] is None
    assert set(inputs["BEL"]["used"]) == {"yes", "no", "abstain"}
    assumptions = data["assumptions"]
    assert assumptions["blocs_enabled"] is True
    (bloc,) = assumptions["blocs"]
    assert bloc["members"] == ["FRA", "GBR", "USA"]
    assert bloc["weight"] == pytest.approx(0.6)
    # Three reported noes at 0.9 make it almost sure that the bloc votes as one, and no.
    assert bloc["weight_given_positions"] > 0.9
    assert bloc["common_given_positions"]["no"] > 0.99
    off = analyse(rule, dprk_2019_positions(0.9), priors=council_priors(0.6, 0.84), blocs=False)
    assert off.assumptions.blocs == () and not off.assumptions.blocs_enabled


def test_bad_priors_are_refused_with_the_reason() -> None:
    rule = council_2019()
    records = council_priors(0.0).records
    with pytest.raises(EngineError, match="above 0 and below 1"):
        CouncilPriors(records, consensus=1.0)
    with pytest.raises(EngineError, match="FRA in more than one bloc"):
        row = VoteProbabilities(0.9, 0.05, 0.05)
        CouncilPriors(
            records, None, (Bloc(("FRA", "GBR"), 0.5, row), Bloc(("FRA", "USA"), 0.5, row))
        )
    with pytest.raises(EngineError, match="weight must be at least 0 and below 1"):
        Bloc(("FRA", "GBR"), 1.0, VoteProbabilities(1, 0, 0))
    with pytest.raises(EngineError, match="every vote a chance above 0"):
        CouncilPriors({**records, "BEL": VoteProbabilities(1, 0, 0)}, consensus=0.5)
    with pytest.raises(EngineError, match="no record for"):
        joint_model(rule, {}, CouncilPriors({code: records[code] for code in PERMANENT_2019}))
