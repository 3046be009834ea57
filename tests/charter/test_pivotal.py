"""Pivotal members, the closest path to adoption, overrides and the full analysis."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charter import (
    Change,
    EngineError,
    MemberInfluence,
    PositionInput,
    Result,
    Rule,
    Stance,
    UnknownMember,
    Vote,
    VoteProbabilities,
    analyse,
    apply_overrides,
    classify,
    closest_path,
    pivotal,
    project,
    project_probabilities,
    vote_probabilities,
)
from charter.pivotal import FIRM_STANCES
from tests.charter.test_projection import dprk_2019_positions, rules_with_probabilities
from tests.charter.test_rule import (
    ELECTED_2019,
    FAST,
    PERMANENT_2019,
    council_2019,
    rules,
)

CHOICES = (Vote.YES, Vote.NO, Vote.ABSTAIN)


def firm(stance: Stance) -> PositionInput:
    return PositionInput(stance, 1.0)


def influence_of(rule: Rule, positions: Mapping[str, PositionInput], code: str) -> MemberInfluence:
    return next(item for item in pivotal(rule, positions) if item.member == code)


@st.composite
def rules_with_positions(
    draw: st.DrawFn, max_members: int = 6
) -> tuple[Rule, dict[str, PositionInput]]:
    """A random rule and positions for some of its members; firm positions are common."""
    rule = draw(rules(max_members=max_members))
    positions: dict[str, PositionInput] = {}
    for code in rule.members:
        if draw(st.booleans(), label=f"{code} has a position"):
            stance = draw(st.sampled_from(Stance), label=f"{code} stance")
            confidence = draw(
                st.one_of(st.sampled_from([0.0, 0.5, 0.9, 1.0]), st.floats(0.0, 1.0)),
                label=f"{code} confidence",
            )
            positions[code] = PositionInput(stance, confidence)
    return rule, positions


def as_things_stand(rule: Rule, positions: Mapping[str, PositionInput]) -> dict[str, Vote]:
    unknown = PositionInput(Stance.UNDECIDED, 0.0)
    return {
        code: vote_probabilities(positions.get(code, unknown)).most_likely()
        for code in rule.members
    }


def is_firm(positions: Mapping[str, PositionInput], code: str) -> bool:
    position = positions.get(code)
    return position is not None and position.confidence == 1.0 and position.stance in FIRM_STANCES


# --- pivotal ----------------------------------------------------------------------------------


def exactly_nine_yes() -> dict[str, PositionInput]:
    positions = {code: firm(Stance.YES) for code in ELECTED_2019[:9]}
    positions["ZAF"] = firm(Stance.ABSTAIN)
    positions |= {code: firm(Stance.ABSTAIN) for code in PERMANENT_2019}
    return positions


def test_each_of_exactly_nine_yes_votes_is_decisive() -> None:
    rule = council_2019()
    influences = {item.member: item for item in pivotal(rule, exactly_nine_yes())}
    for code in ELECTED_2019[:9]:
        assert influences[code].p_adopted_if_yes == 1.0
        assert influences[code].p_adopted_if_no == 0.0
        assert influences[code].swing == 1.0
    # An elected abstainer cannot change an adopted draft; a permanent abstainer can veto it.
    assert influences["ZAF"].swing == 0.0
    assert influences["USA"].swing == 1.0
    assert influences["USA"].p_adopted_if_no == 0.0


def test_with_a_vote_to_spare_no_single_elected_yes_is_decisive() -> None:
    rule = council_2019()
    positions = exactly_nine_yes() | {"ZAF": firm(Stance.YES)}
    influences = {item.member: item for item in pivotal(rule, positions)}
    for code in ELECTED_2019:
        assert influences[code].swing == 0.0
        assert influences[code].flips_most_likely_to is None


def test_a_certain_yes_has_swing_equal_to_the_gap_its_no_would_open() -> None:
    rule = council_2019()
    positions = {code: firm(Stance.YES) for code in ELECTED_2019[:8]}
    positions |= {code: PositionInput(Stance.LEANING_YES, 0.8) for code in PERMANENT_2019}
    positions["ZAF"] = PositionInput(Stance.UNDECIDED, 0.3)
    baseline = project(rule, positions)
    assert 0.0 < baseline.p_adopted < 1.0
    influence = next(item for item in pivotal(rule, positions) if item.member == "BEL")
    assert influence.p_adopted_if_yes == pytest.approx(baseline.p_adopted, abs=1e-12)
    assert influence.swing == pytest.approx(
        baseline.p_adopted - influence.p_adopted_if_no, abs=1e-12
    )
    assert influence.swing > 0.0


def test_influence_is_sorted_by_swing_then_code() -> None:
    influences = pivotal(council_2019(), dprk_2019_positions(0.9))
    keys = [(-round(item.swing, 12), item.member) for item in influences]
    assert keys == sorted(keys)
    assert [item.member for item in influences[:3]] == ["FRA", "GBR", "USA"]
    assert len(influences) == 15
    assert all(item.flips_most_likely_to is None for item in influences)


@FAST
@given(data=st.data(), case=rules_with_probabilities(max_members=6))
def test_an_elected_members_swing_is_the_chance_the_others_stop_one_short(
    data: st.DataObject, case: tuple[Rule, dict[str, VoteProbabilities]]
) -> None:
    rule, probs = case
    code = data.draw(st.sampled_from(rule.members))
    others = [m for m in rule.members if m != code]
    one_short = 0.0
    clear_at_least = 0.0
    for combination in itertools.product(CHOICES, repeat=len(others)):
        weight = 1.0
        for member, vote in zip(others, combination, strict=True):
            row = probs[member]
            weight *= {Vote.YES: row.yes, Vote.NO: row.no, Vote.ABSTAIN: row.abstain}[vote]
        yes = combination.count(Vote.YES)
        vetoed = rule.has_veto and any(
            vote is Vote.NO and member in rule.permanent
            for member, vote in zip(others, combination, strict=True)
        )
        if not vetoed and yes == rule.quota - 1:
            one_short += weight
        if not vetoed and yes >= rule.quota - 1:
            clear_at_least += weight
    if_yes = project_probabilities(rule, probs | {code: VoteProbabilities(1, 0, 0)}).p_adopted
    if_no = project_probabilities(rule, probs | {code: VoteProbabilities(0, 1, 0)}).p_adopted
    if code in rule.permanent and rule.has_veto:
        assert if_no == 0.0
        assert if_yes - if_no == pytest.approx(clear_at_least, abs=1e-9)
    else:
        assert if_yes - if_no == pytest.approx(one_short, abs=1e-9)


@FAST
@given(case=rules_with_positions(max_members=6))
def test_pivotal_agrees_with_projections_of_the_member_moved(
    case: tuple[Rule, dict[str, PositionInput]],
) -> None:
    rule, positions = case
    baseline = project(rule, positions).most_likely
    for item in pivotal(rule, positions):
        moved = {
            vote: project(rule, positions | {item.member: firm(Stance(vote.value))})
            for vote in CHOICES
        }
        assert item.p_adopted_if_yes == pytest.approx(moved[Vote.YES].p_adopted, abs=1e-12)
        assert item.p_adopted_if_no == pytest.approx(moved[Vote.NO].p_adopted, abs=1e-12)
        assert item.swing >= -1e-12
        assert item.permanent == (item.member in rule.permanent)
        changed = [moved[v].most_likely for v in CHOICES if moved[v].most_likely is not baseline]
        assert item.flips_most_likely_to == (changed[0] if changed else None)


def test_a_member_that_tips_the_balance_flips_the_most_likely_outcome() -> None:
    rule = council_2019()
    positions = {code: firm(Stance.YES) for code in ELECTED_2019[:8]}
    positions |= {code: firm(Stance.ABSTAIN) for code in ELECTED_2019[9:]}
    positions |= {code: firm(Stance.ABSTAIN) for code in PERMANENT_2019}
    positions["POL"] = PositionInput(Stance.UNDECIDED, 0.0)  # yes with probability 0.35
    assert project(rule, positions).most_likely is Result.FAILED
    influences = {item.member: item for item in pivotal(rule, positions)}
    assert influences["POL"].flips_most_likely_to is Result.ADOPTED
    assert influences["POL"].swing == pytest.approx(1.0)
    assert influences["BEL"].flips_most_likely_to is None


def test_a_permanent_member_can_flip_an_adoption_into_a_veto() -> None:
    rule = council_2019()
    positions = {code: firm(Stance.YES) for code in rule.members}
    influences = {item.member: item for item in pivotal(rule, positions)}
    assert influences["USA"].flips_most_likely_to is Result.VETOED
    assert influences["BEL"].flips_most_likely_to is None


def test_member_influence_to_dict_is_json_ready() -> None:
    positions = {code: firm(Stance.YES) for code in council_2019().members}
    for item in pivotal(council_2019(), positions):
        data = item.to_dict()
        assert json.loads(json.dumps(data)) == data
    usa = influence_of(council_2019(), positions, "USA")
    usa_data: Any = usa.to_dict()  # JSON
    assert usa_data["flips_most_likely_to"] == "vetoed"


# --- closest path -----------------------------------------------------------------------------
# Without priors every member's prior is the fixed undecided row (yes .35, no .20, abstain .45)
# and members are independent: a path's probability is the product of the changed members'
# chances of the votes asked of them. (With priors and blocs: tests/charter/test_paths.py.)


def test_an_adopted_draft_needs_no_change() -> None:
    positions = {code: firm(Stance.YES) for code in ELECTED_2019[:9]}
    path = closest_path(council_2019(), positions)
    assert path.feasible
    assert path.changes == ()
    assert path.probability == 1.0
    assert path.reason is None
    assert path.elected_only_feasible
    assert path.elected_only_reason is None


def test_the_2019_dprk_draft_cannot_be_carried_by_elected_members() -> None:
    path = closest_path(council_2019(), dprk_2019_positions(0.9))
    assert path.feasible
    assert path.reason is None
    assert not path.elected_only_feasible
    assert path.elected_only_reason == (
        "FRA, GBR and USA oppose as permanent members: while any of them stays opposed, "
        "no change by elected members can adopt the draft"
    )
    # The three vote yes (0.1 x 0.35 each) and four elected members yes (0.35 each), rather
    # than the three abstaining (0.1 x 0.45 each) and seven elected members voting yes.
    assert [(c.member, c.to) for c in path.changes[:3]] == [
        ("FRA", Vote.YES),
        ("GBR", Vote.YES),
        ("USA", Vote.YES),
    ]
    assert all(c.from_stance is Stance.NO and c.from_vote is Vote.NO for c in path.changes[:3])
    assert sorted(c.member for c in path.changes[3:]) == ["BEL", "CIV", "DEU", "DOM"]
    assert all(c.to is Vote.YES and not c.permanent for c in path.changes[3:])
    assert path.n_changes == 7
    assert path.probability == pytest.approx(0.035**3 * 0.35**4)
    assert path.alternatives == ()  # seven is also the fewest


def test_the_2019_dprk_draft_with_firm_opposition_has_no_path() -> None:
    path = closest_path(council_2019(), dprk_2019_positions(1.0))
    assert not path.feasible
    assert path.changes == ()
    assert path.probability == 0.0
    assert path.reason is not None
    for code in ("USA", "FRA", "GBR"):
        assert code in path.reason
        assert path.elected_only_reason is not None
        assert code in path.elected_only_reason
    assert "veto" in path.reason
    assert not path.elected_only_feasible


def test_a_permanent_no_whose_yes_is_not_needed_is_asked_to_abstain_its_likelier_move() -> None:
    positions = {code: firm(Stance.YES) for code in ELECTED_2019}
    positions |= {code: firm(Stance.ABSTAIN) for code in ("CHN", "FRA", "RUS", "GBR")}
    positions["USA"] = PositionInput(Stance.NO, 0.9)
    path = closest_path(council_2019(), positions)
    assert path.feasible
    assert path.changes == (Change("USA", True, Stance.NO, Vote.ABSTAIN, Vote.NO),)
    assert path.probability == pytest.approx(0.1 * 0.45)
    assert path.summary == "USA abstains: 4.5% on its records"


def test_permanent_no_votes_supply_the_missing_yes_when_that_is_likelier() -> None:
    positions = {code: firm(Stance.YES) for code in ELECTED_2019[:8]}
    positions |= {code: PositionInput(Stance.UNDECIDED, 0.5) for code in ELECTED_2019[8:]}
    positions |= {code: firm(Stance.ABSTAIN) for code in ("CHN", "RUS")}
    positions |= {code: PositionInput(Stance.NO, 0.9) for code in ("FRA", "GBR", "USA")}
    path = closest_path(council_2019(), positions)
    # One yes is missing and three vetoes must go. One of the three voting yes and the other
    # two abstaining (0.035 x 0.045 x 0.045) is likelier than the three abstaining and an
    # elected member voting yes (0.045^3 x 0.35). Ties on the yes go by code.
    assert [(c.member, c.to) for c in path.changes] == [
        ("FRA", Vote.YES),
        ("GBR", Vote.ABSTAIN),
        ("USA", Vote.ABSTAIN),
    ]
    assert path.probability == pytest.approx(0.035 * 0.045**2)


def test_the_members_most_likely_to_vote_yes_are_asked_first() -> None:
    positions = {code: firm(Stance.YES) for code in PERMANENT_2019}
    positions |= {code: firm(Stance.YES) for code in ("BEL", "CIV", "DOM")}
    positions |= {
        "GNQ": PositionInput(Stance.LEANING_NO, 1.0),  # p_yes 0.05
        "DEU": PositionInput(Stance.ABSTAIN, 0.5),  # p_yes 0.175
        "IDN": PositionInput(Stance.UNDECIDED, 0.0),  # p_yes 0.35
        "KWT": PositionInput(Stance.UNDECIDED, 0.0),  # p_yes 0.35
        "PER": firm(Stance.ABSTAIN),
        "POL": firm(Stance.NO),
        "ZAF": firm(Stance.NOT_PARTICIPATING),
    }
    path = closest_path(council_2019(), positions)
    assert [c.member for c in path.changes] == ["IDN"]
    assert path.changes[0].from_stance is Stance.UNDECIDED
    assert path.probability == pytest.approx(0.35)
    assert path.elected_only_feasible


def test_not_enough_movable_members_means_no_path() -> None:
    positions = {code: firm(Stance.YES) for code in PERMANENT_2019}
    positions |= {code: firm(Stance.ABSTAIN) for code in ELECTED_2019[:7]}
    positions |= {code: PositionInput(Stance.LEANING_NO, 0.9) for code in ELECTED_2019[7:]}
    path = closest_path(council_2019(), positions)
    assert not path.feasible
    assert path.reason == (
        "Even if every member not firmly set voted yes, the draft would have 8 yes votes; "
        "it needs 9"
    )
    assert not path.elected_only_feasible
    assert path.elected_only_reason == (
        "Even if every elected member not firmly set voted yes, the draft would have 8 yes "
        "votes; it needs 9"
    )


def brute_force_paths(
    rule: Rule, positions: Mapping[str, PositionInput], *, elected_only: bool = False
) -> dict[int, float]:
    """Every combination of votes: for each number of changes, the highest probability of a
    set of changes that adopts the draft, the others at their most likely vote."""
    current = as_things_stand(rule, positions)
    unknown = PositionInput(Stance.UNDECIDED, 0.0)
    rows = {code: vote_probabilities(positions.get(code, unknown)) for code in rule.members}
    options = [
        (current[code],) if elected_only and code in rule.permanent else CHOICES
        for code in rule.members
    ]
    best: dict[int, float] = {}
    for combination in itertools.product(*options):
        ballots = dict(zip(rule.members, combination, strict=True))
        if classify(rule, ballots).result is not Result.ADOPTED:
            continue
        changed = [code for code in rule.members if ballots[code] is not current[code]]
        p = 1.0
        for code in changed:
            row = rows[code]
            p *= {Vote.YES: row.yes, Vote.NO: row.no, Vote.ABSTAIN: row.abstain}[ballots[code]]
        if p > 0:
            best[len(changed)] = max(best.get(len(changed), 0.0), p)
    return best


@FAST
@given(case=rules_with_positions(max_members=6))
def test_the_closest_path_is_the_most_probable_and_the_fewest_is_kept_by_brute_force(
    case: tuple[Rule, dict[str, PositionInput]],
) -> None:
    rule, positions = case
    path = closest_path(rule, positions)
    best = brute_force_paths(rule, positions)
    if not best:
        assert not path.feasible
        assert path.changes == ()
        assert path.reason
    else:
        assert path.feasible
        assert path.reason is None
        assert path.probability == pytest.approx(max(best.values()), rel=1e-9)
        # The fewest changes are still there: first among the alternatives, or the path.
        fewest = (path.alternatives or (path,))[0]
        assert fewest.n_changes == min(best)
        assert fewest.probability == pytest.approx(best[min(best)], rel=1e-9)
        ballots = as_things_stand(rule, positions)
        for change in path.changes:
            assert not is_firm(positions, change.member)
            assert change.to is not ballots[change.member]
            assert change.from_vote is ballots[change.member]
            assert change.permanent == (change.member in rule.permanent)
            ballots[change.member] = change.to
        assert len({change.member for change in path.changes}) == len(path.changes)
        assert classify(rule, ballots).result is Result.ADOPTED
    elected = brute_force_paths(rule, positions, elected_only=True)
    assert path.elected_only_feasible == bool(elected)
    assert (path.elected_only_reason is None) == path.elected_only_feasible


def test_closest_path_to_dict_is_json_ready() -> None:
    data: Any = closest_path(council_2019(), dprk_2019_positions(0.9)).to_dict()  # JSON
    assert json.loads(json.dumps(data)) == data
    assert data["changes"][0] == {
        "member": "FRA",
        "permanent": True,
        "from_stance": "no",
        "from_vote": "no",
        "to": "yes",
    }
    assert data["n_changes"] == 7
    assert data["target"] == "adopted"


# --- overrides and analysis -------------------------------------------------------------------


def test_overrides_replace_stances_with_full_confidence_and_write_nothing() -> None:
    rule = council_2019()
    positions = dprk_2019_positions(0.9)
    before = dict(positions)
    changed = apply_overrides(rule, positions, {"USA": "abstain", "BEL": "leaning_yes"})
    assert positions == before
    assert changed["USA"] == PositionInput(Stance.ABSTAIN, 1.0)
    assert changed["BEL"] == PositionInput(Stance.LEANING_YES, 1.0)
    assert changed["FRA"] == positions["FRA"]
    assert changed is not positions


@pytest.mark.parametrize("value", ["yes", "no", "abstain", "not_participating", "undecided"])
def test_vote_values_are_stances_for_overrides(value: str) -> None:
    changed = apply_overrides(council_2019(), {}, {"KWT": value})
    assert changed == {"KWT": PositionInput(Stance(value), 1.0)}


def test_an_override_for_a_country_not_seated_is_refused() -> None:
    with pytest.raises(UnknownMember, match=r"^XYZ is not on the Council under this rule$") as err:
        apply_overrides(council_2019(), {}, {"XYZ": "yes"})
    assert err.value.code == "XYZ"


def test_an_override_with_a_bad_stance_names_the_code_and_the_valid_stances() -> None:
    with pytest.raises(EngineError) as caught:
        apply_overrides(council_2019(), {}, {"DEU": "veto"})
    message = str(caught.value)
    assert message.startswith("DEU: 'veto' is not a stance")
    for stance in Stance:
        assert stance.value in message


def test_overrides_change_the_projection() -> None:
    rule = council_2019()
    positions = dprk_2019_positions(0.9)
    everyone_yes = dict.fromkeys(rule.members, "yes")
    assert project(rule, apply_overrides(rule, positions, everyone_yes)).p_adopted == 1.0


def test_analyse_bundles_the_four_measures() -> None:
    rule = council_2019()
    positions = dprk_2019_positions(0.9)
    analysis = analyse(rule, positions)
    assert analysis.projection == project(rule, positions)
    assert analysis.pivotal == pivotal(rule, positions)
    assert analysis.closest_path == closest_path(rule, positions)
    assert analysis.tally.permanent_opposed == ("FRA", "GBR", "USA")
    data = analysis.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "tally",
        "projection",
        "pivotal",
        "closest_path",
        "path_to_failure",
        "inputs",
        "assumptions",
    }
    assert analysis.path_to_failure == closest_path(rule, positions, target="not_adopted")
