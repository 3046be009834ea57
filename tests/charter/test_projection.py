"""Positions, tallies, stance tables and the exact projection of an outcome."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charter import (
    DEFAULT_STANCE_TABLE,
    EngineError,
    Matter,
    PositionInput,
    Result,
    Rule,
    Stance,
    UnknownMember,
    Vote,
    VoteProbabilities,
    classify,
    project,
    project_probabilities,
    stance_table_from_mapping,
    tally,
    vote_probabilities,
)
from tests.charter.test_rule import (
    ELECTED_2019,
    FAST,
    PERMANENT_2019,
    council_2019,
    rules,
)

TOLERANCE = 1e-9


def dprk_2019_positions(no_confidence: float) -> dict[str, PositionInput]:
    """The December 2019 Russian-Chinese draft as reported on 2019-12-30."""
    positions = {code: PositionInput(Stance.NO, no_confidence) for code in ("USA", "FRA", "GBR")}
    positions |= {code: PositionInput(Stance.YES, 1.0) for code in ("RUS", "CHN")}
    positions |= {code: PositionInput(Stance.UNDECIDED, 0.5) for code in ELECTED_2019}
    return positions


@st.composite
def vote_probabilities_rows(draw: st.DrawFn) -> VoteProbabilities:
    """Random probabilities, with certain votes and exact zeros well represented."""
    if draw(st.integers(0, 4)) == 0:
        return VoteProbabilities.certain(draw(st.sampled_from([Vote.YES, Vote.NO, Vote.ABSTAIN])))
    low, high = sorted(draw(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=2)))
    return VoteProbabilities(yes=low, no=high - low, abstain=1.0 - high)


@st.composite
def rules_with_probabilities(
    draw: st.DrawFn, max_members: int = 8
) -> tuple[Rule, dict[str, VoteProbabilities]]:
    rule = draw(rules(max_members=max_members))
    probs = {code: draw(vote_probabilities_rows(), label=code) for code in rule.members}
    return rule, probs


def brute_force(
    rule: Rule, probs: Mapping[str, VoteProbabilities]
) -> tuple[dict[Result, float], list[float]]:
    """Enumerate all 3^n ballot combinations and classify each one."""
    by_result = dict.fromkeys(Result, 0.0)
    distribution = [0.0] * (len(rule.members) + 1)
    choices = (Vote.YES, Vote.NO, Vote.ABSTAIN)
    for combination in itertools.product(choices, repeat=len(rule.members)):
        weight = 1.0
        for code, vote in zip(rule.members, combination, strict=True):
            row = probs[code]
            weight *= {Vote.YES: row.yes, Vote.NO: row.no, Vote.ABSTAIN: row.abstain}[vote]
        if weight == 0.0:
            continue
        ballots = dict(zip(rule.members, combination, strict=True))
        by_result[classify(rule, ballots).result] += weight
        distribution[combination.count(Vote.YES)] += weight
    return by_result, distribution


# --- VoteProbabilities and the stance table ---------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((0.5, 0.5, 0.5), "must sum to 1"),
        ((-0.1, 0.6, 0.5), "p_yes must be a number from 0 to 1"),
        ((0.5, math.nan, 0.5), "p_no must be a number from 0 to 1"),
        ((0.5, 0.5, 1.5), "p_abstain must be a number from 0 to 1"),
    ],
)
def test_vote_probabilities_must_be_probabilities(
    values: tuple[float, float, float], message: str
) -> None:
    with pytest.raises(EngineError, match=message):
        VoteProbabilities(*values)


def test_vote_probabilities_tolerate_rounding_only() -> None:
    assert VoteProbabilities(0.1, 0.2, 0.7 + 5e-10).abstain == pytest.approx(0.7)
    with pytest.raises(EngineError):
        VoteProbabilities(0.1, 0.2, 0.7 + 5e-9)


def test_most_likely_vote_breaks_ties_against_adoption() -> None:
    assert VoteProbabilities(0.5, 0.0, 0.5).most_likely() is Vote.ABSTAIN
    assert VoteProbabilities(0.4, 0.4, 0.2).most_likely() is Vote.NO
    assert VoteProbabilities(0.6, 0.2, 0.2).most_likely() is Vote.YES
    assert VoteProbabilities(0.2, 0.3, 0.5).most_likely() is Vote.ABSTAIN


def test_the_default_table_is_complete_and_documented_as_specified() -> None:
    assert set(DEFAULT_STANCE_TABLE) == set(Stance)
    table = DEFAULT_STANCE_TABLE
    assert table[Stance.YES] == VoteProbabilities(1.0, 0.0, 0.0)
    assert table[Stance.NO] == VoteProbabilities(0.0, 1.0, 0.0)
    assert table[Stance.ABSTAIN] == VoteProbabilities(0.0, 0.0, 1.0)
    assert table[Stance.NOT_PARTICIPATING] == VoteProbabilities(0.0, 0.0, 1.0)
    leaning_yes = table[Stance.LEANING_YES]
    assert leaning_yes.yes > 0.5
    assert leaning_yes.abstain > leaning_yes.no
    leaning_no = table[Stance.LEANING_NO]
    assert leaning_no.no + leaning_no.abstain > 0.9
    assert leaning_no.no > leaning_no.yes
    undecided = table[Stance.UNDECIDED]
    assert max(undecided.yes, undecided.no, undecided.abstain) < 0.5
    assert min(undecided.yes, undecided.no, undecided.abstain) > 0.0
    with pytest.raises(TypeError):
        table[Stance.YES] = VoteProbabilities(0.0, 0.0, 1.0)  # type: ignore[index]  # wrong on purpose: run-time check


def test_a_settings_override_replaces_only_the_stances_it_names() -> None:
    table = stance_table_from_mapping({"undecided": {"yes": 0.5, "no": 0.1, "abstain": 0.4}})
    assert table[Stance.UNDECIDED] == VoteProbabilities(0.5, 0.1, 0.4)
    assert table[Stance.LEANING_YES] == DEFAULT_STANCE_TABLE[Stance.LEANING_YES]
    assert set(table) == set(Stance)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"maybe": {"yes": 1, "no": 0, "abstain": 0}}, "'maybe' is not a stance"),
        ({"leaning_no": {"yes": 0.1, "no": 0.9}}, "leaning_no: missing abstain"),
        (
            {"leaning_no": {"yes": 0.1, "no": 0.8, "abstain": 0.1, "absent": 0}},
            "leaning_no: unknown key",
        ),
        ({"undecided": {"yes": 0.5, "no": 0.5, "abstain": 0.5}}, "undecided: .*must sum to 1"),
        ({"leaning_yes": {"yes": 1.2, "no": -0.2, "abstain": 0}}, "leaning_yes: p_yes must be"),
        ({"leaning_yes": [0.8, 0.1, 0.1]}, "leaning_yes: expected a mapping"),
    ],
)
def test_a_bad_settings_override_names_the_stance_and_the_problem(
    data: Mapping[str, Mapping[str, float]], message: str
) -> None:
    with pytest.raises(EngineError, match=message):
        stance_table_from_mapping(data)


def test_an_incomplete_table_is_refused() -> None:
    partial = {Stance.YES: VoteProbabilities(1.0, 0.0, 0.0)}
    with pytest.raises(EngineError, match="no probabilities for leaning_yes"):
        vote_probabilities(PositionInput(Stance.YES, 1.0), partial)


# --- confidence -------------------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [-0.01, 1.01, math.nan, math.inf])
def test_confidence_must_be_between_zero_and_one(confidence: float) -> None:
    with pytest.raises(EngineError, match="confidence must be a number from 0 to 1"):
        PositionInput(Stance.YES, confidence)


def test_a_position_accepts_a_stance_value_and_rejects_others() -> None:
    assert PositionInput("leaning_no", 0.5).stance is Stance.LEANING_NO  # type: ignore[arg-type]  # wrong on purpose: run-time check
    with pytest.raises(EngineError, match="'perhaps' is not a stance"):
        PositionInput("perhaps", 0.5)  # type: ignore[arg-type]  # wrong on purpose: run-time check


def test_full_confidence_follows_the_stance_row() -> None:
    assert vote_probabilities(PositionInput(Stance.NO, 1.0)) == VoteProbabilities(0, 1, 0)
    assert (
        vote_probabilities(PositionInput(Stance.LEANING_YES, 1.0))
        == (DEFAULT_STANCE_TABLE[Stance.LEANING_YES])
    )


@pytest.mark.parametrize("stance", list(Stance))
def test_zero_confidence_gives_the_undecided_row(stance: Stance) -> None:
    assert vote_probabilities(PositionInput(stance, 0.0)) == DEFAULT_STANCE_TABLE[Stance.UNDECIDED]


def test_partial_confidence_mixes_the_stance_row_with_the_undecided_row() -> None:
    table = stance_table_from_mapping(
        {
            "undecided": {"yes": 0.2, "no": 0.2, "abstain": 0.6},
            "no": {"yes": 0, "no": 1, "abstain": 0},
        }
    )
    probs = vote_probabilities(PositionInput(Stance.NO, 0.75), table)
    assert probs.yes == pytest.approx(0.05)
    assert probs.no == pytest.approx(0.8)
    assert probs.abstain == pytest.approx(0.15)


# --- tally ------------------------------------------------------------------------------------


def test_a_tally_counts_every_stance_and_treats_silence_as_undecided() -> None:
    rule = council_2019()
    result = tally(
        rule,
        {
            "USA": PositionInput(Stance.NO, 0.9),
            "FRA": Stance.LEANING_NO,
            "GBR": Stance.ABSTAIN,
            "RUS": Stance.YES,
            "CHN": PositionInput(Stance.YES, 0.4),
            "BEL": Stance.LEANING_YES,
            "DEU": Stance.NOT_PARTICIPATING,
        },
    )
    assert result.counts == {
        Stance.YES: 2,
        Stance.LEANING_YES: 1,
        Stance.UNDECIDED: 8,
        Stance.LEANING_NO: 1,
        Stance.NO: 1,
        Stance.ABSTAIN: 1,
        Stance.NOT_PARTICIPATING: 1,
    }
    assert sum(result.counts.values()) == result.seated == 15
    assert result.permanent_opposed == ("FRA", "USA")
    now = result.outcome_if_held_now
    assert (now.yes, now.no, now.abstain, now.not_participating) == (2, 1, 1, 11)
    assert now.result is Result.FAILED
    assert result.votes_needed == 7
    data: Any = result.to_dict()  # JSON: checked by the assertions
    assert json.loads(json.dumps(data)) == data
    assert data["counts"]["undecided"] == 8


def test_a_tally_of_a_draft_that_would_pass_needs_no_more_votes() -> None:
    rule = council_2019()
    result = tally(rule, dict.fromkeys(ELECTED_2019, Stance.YES) | {"USA": Stance.LEANING_NO})
    assert result.outcome_if_held_now.result is Result.ADOPTED
    assert result.votes_needed == 0
    assert result.permanent_opposed == ("USA",)


def test_a_tally_rejects_a_member_not_seated_or_a_bad_stance() -> None:
    with pytest.raises(UnknownMember):
        tally(council_2019(), {"JPN": Stance.YES})
    with pytest.raises(EngineError, match="KWT: 'sympathetic' is not a stance"):
        tally(council_2019(), {"KWT": "sympathetic"})  # type: ignore[dict-item]  # wrong on purpose: run-time check


# --- the dynamic programme against brute force ------------------------------------------------


@FAST
@given(case=rules_with_probabilities())
def test_the_projection_equals_brute_force_enumeration(
    case: tuple[Rule, dict[str, VoteProbabilities]],
) -> None:
    rule, probs = case
    projection = project_probabilities(rule, probs)
    by_result, distribution = brute_force(rule, probs)
    assert projection.p_adopted == pytest.approx(by_result[Result.ADOPTED], abs=TOLERANCE)
    assert projection.p_vetoed == pytest.approx(by_result[Result.VETOED], abs=TOLERANCE)
    assert projection.p_failed == pytest.approx(by_result[Result.FAILED], abs=TOLERANCE)
    assert len(projection.yes_distribution) == len(rule.members) + 1
    for got, expected in zip(projection.yes_distribution, distribution, strict=True):
        assert got == pytest.approx(expected, abs=TOLERANCE)


@FAST
@given(case=rules_with_probabilities(max_members=15))
def test_probabilities_and_the_yes_distribution_sum_to_one(
    case: tuple[Rule, dict[str, VoteProbabilities]],
) -> None:
    rule, probs = case
    projection = project_probabilities(rule, probs)
    total = projection.p_adopted + projection.p_vetoed + projection.p_failed
    assert total == pytest.approx(1.0, abs=TOLERANCE)
    assert sum(projection.yes_distribution) == pytest.approx(1.0, abs=TOLERANCE)
    assert min(projection.yes_distribution) >= 0.0
    expected = sum(k * p for k, p in enumerate(projection.yes_distribution))
    assert projection.expected_yes == pytest.approx(expected, abs=1e-9)
    if not rule.has_veto:
        assert projection.p_vetoed == 0.0
    best = max(projection.p_adopted, projection.p_vetoed, projection.p_failed)
    assert {
        Result.ADOPTED: projection.p_adopted,
        Result.VETOED: projection.p_vetoed,
        Result.FAILED: projection.p_failed,
    }[projection.most_likely] == pytest.approx(best, abs=1e-12)


@FAST
@given(data=st.data(), case=rules_with_probabilities(max_members=15))
def test_a_permanent_member_certain_to_vote_no_leaves_no_chance_of_adoption(
    data: st.DataObject, case: tuple[Rule, dict[str, VoteProbabilities]]
) -> None:
    rule, probs = case
    if not rule.permanent:
        rule = Rule(rule.members, frozenset(rule.members[:1]), rule.quota, rule.matter)
    rule = rule.with_matter(Matter.SUBSTANTIVE)
    blocker = data.draw(st.sampled_from(sorted(rule.permanent)))
    probs[blocker] = VoteProbabilities.certain(Vote.NO)
    projection = project_probabilities(rule, probs)
    assert projection.p_adopted == 0.0
    # On a procedural matter the same negative vote is just one vote among others.
    procedural = project_probabilities(rule.with_matter(Matter.PROCEDURAL), probs)
    assert procedural.p_vetoed == 0.0
    assert procedural.p_adopted == pytest.approx(
        projection.p_adopted + projection.p_vetoed, abs=TOLERANCE
    )


def test_everyone_certain_to_vote_yes_adopts_for_sure() -> None:
    rule = council_2019()
    projection = project(rule, {code: PositionInput(Stance.YES, 1.0) for code in rule.members})
    assert projection.p_adopted == 1.0
    assert projection.yes_distribution[-1] == 1.0
    assert projection.expected_yes == 15.0
    assert projection.most_likely is Result.ADOPTED


def test_a_permanent_abstention_is_not_a_veto_in_the_projection() -> None:
    rule = council_2019()
    positions = {code: PositionInput(Stance.YES, 1.0) for code in ELECTED_2019}
    positions |= {code: PositionInput(Stance.ABSTAIN, 1.0) for code in PERMANENT_2019}
    positions["USA"] = PositionInput(Stance.NOT_PARTICIPATING, 1.0)
    projection = project(rule, positions)
    assert projection.p_adopted == 1.0
    assert projection.p_vetoed == 0.0


def test_short_of_the_quota_with_a_permanent_no_is_failed_not_vetoed() -> None:
    rule = council_2019()
    positions = {code: PositionInput(Stance.YES, 1.0) for code in ELECTED_2019[:8]}
    positions |= {code: PositionInput(Stance.ABSTAIN, 1.0) for code in ELECTED_2019[8:]}
    positions |= {code: PositionInput(Stance.NO, 1.0) for code in PERMANENT_2019}
    projection = project(rule, positions)
    assert projection.p_failed == 1.0
    assert projection.p_vetoed == 0.0
    assert projection.most_likely is Result.FAILED
    positions["POL"] = PositionInput(Stance.YES, 1.0)
    assert project(rule, positions).p_vetoed == 1.0


def test_the_december_2019_dprk_draft_had_almost_no_chance() -> None:
    projection = project(council_2019(), dprk_2019_positions(0.9))
    assert projection.p_adopted < 0.01
    assert projection.most_likely is Result.FAILED
    # Each of the three must avoid its likely no (probability 0.08 each): the ceiling is 0.08^3.
    assert projection.p_adopted < 0.08**3
    firm = project(council_2019(), dprk_2019_positions(1.0))
    assert firm.p_adopted == 0.0


def test_missing_members_are_undecided_with_no_confidence() -> None:
    rule = council_2019()
    given_only_some = {"USA": PositionInput(Stance.NO, 0.9)}
    spelled_out = {code: PositionInput(Stance.UNDECIDED, 0.0) for code in rule.members}
    spelled_out["USA"] = PositionInput(Stance.NO, 0.9)
    a = project(rule, given_only_some)
    b = project(rule, spelled_out)
    assert a == b


def test_project_probabilities_needs_every_member_and_only_members() -> None:
    rule = council_2019()
    probs = {code: VoteProbabilities(0.5, 0.0, 0.5) for code in rule.members}
    del probs["BEL"]
    with pytest.raises(EngineError, match="no vote probabilities for BEL"):
        project_probabilities(rule, probs)
    probs["BEL"] = VoteProbabilities(0.5, 0.0, 0.5)
    probs["JPN"] = VoteProbabilities(0.5, 0.0, 0.5)
    with pytest.raises(UnknownMember, match="JPN"):
        project_probabilities(rule, probs)


def test_project_rejects_a_bare_stance() -> None:
    with pytest.raises(EngineError, match="USA: expected a PositionInput"):
        project(council_2019(), {"USA": Stance.NO})  # type: ignore[dict-item]  # wrong on purpose: run-time check


# --- fingerprint ------------------------------------------------------------------------------


def test_the_fingerprint_does_not_depend_on_mapping_order() -> None:
    rule = council_2019()
    positions = dprk_2019_positions(0.9)
    reversed_positions = dict(reversed(list(positions.items())))
    first = project(rule, positions)
    second = project(rule, reversed_positions)
    assert first.fingerprint == second.fingerprint
    assert len(first.fingerprint) == 64
    int(first.fingerprint, 16)


def test_the_fingerprint_changes_with_any_input() -> None:
    rule = council_2019()
    base = project(rule, dprk_2019_positions(0.9)).fingerprint
    assert project(rule, dprk_2019_positions(0.8)).fingerprint != base
    assert project(rule.with_matter(Matter.PROCEDURAL), dprk_2019_positions(0.9)).fingerprint != (
        base
    )
    table = stance_table_from_mapping({"undecided": {"yes": 0.3, "no": 0.2, "abstain": 0.5}})
    assert project(rule, dprk_2019_positions(0.9), table).fingerprint != base
    # The default table passed explicitly is the same input as no table.
    assert project(rule, dprk_2019_positions(0.9), DEFAULT_STANCE_TABLE).fingerprint == base


def test_project_probabilities_fingerprints_its_own_inputs_unless_given_one() -> None:
    rule = council_2019()
    probs = {code: VoteProbabilities(0.5, 0.1, 0.4) for code in rule.members}
    own = project_probabilities(rule, probs).fingerprint
    assert len(own) == 64
    assert project_probabilities(rule, dict(reversed(list(probs.items())))).fingerprint == own
    assert project_probabilities(rule, probs, fingerprint="abc").fingerprint == "abc"


def test_projection_to_dict_is_json_ready() -> None:
    projection = project(council_2019(), dprk_2019_positions(0.9))
    data = projection.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["most_likely"] == "failed"
    assert isinstance(data["yes_distribution"], list)
    assert len(data["yes_distribution"]) == 16
