"""The most probable paths to adoption and to failure: their ordering, and brute force."""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

import pytest
from hypothesis import given

from charter import (
    Bloc,
    CouncilPriors,
    PositionInput,
    Result,
    Rule,
    Stance,
    Vote,
    VoteProbabilities,
    classify,
    closest_path,
)
from tests.charter.test_blocs import VOTES, councils_with_priors, posterior_table
from tests.charter.test_rule import ELECTED_2019, FAST, council_2019

P3 = ("FRA", "GBR", "USA")


def firm(stance: Stance) -> PositionInput:
    return PositionInput(stance, 1.0)


def vetoing_p3_priors(weight: float = 0.0) -> CouncilPriors:
    """P3 that rarely vote yes once they oppose but often abstain; five elected members who
    abstain more than they vote yes."""
    records = {code: VoteProbabilities(0.02, 0.60, 0.38) for code in P3}
    records |= {code: VoteProbabilities(0.45, 0.05, 0.50) for code in ELECTED_2019}
    records |= {code: VoteProbabilities(0.9, 0.05, 0.05) for code in ("CHN", "RUS")}
    blocs = (Bloc(P3, weight, VoteProbabilities(0.3, 0.4, 0.3)),) if weight else ()
    return CouncilPriors(records, None, blocs)


def vetoing_p3_positions() -> dict[str, PositionInput]:
    positions = {code: firm(Stance.YES) for code in ("CHN", "RUS", *ELECTED_2019[:5])}
    return positions  # seven yes; P3 and five elected follow their records


def test_the_most_probable_path_asks_the_p3_to_abstain_not_to_vote_yes() -> None:
    path = closest_path(council_2019(), vetoing_p3_positions(), priors=vetoing_p3_priors())
    # Seven yes votes as things stand, three vetoes. Fewest changes: two of the P3 vote yes and
    # one abstains (3 changes). Most probable: the three abstain and two elected members vote
    # yes (5 changes): 0.38^3 * 0.45^2 against 0.02^2 * 0.38.
    assert path.feasible
    assert path.n_changes == 5
    assert {(c.member, c.to) for c in path.changes if c.permanent} == {
        (code, Vote.ABSTAIN) for code in P3
    }
    elected = [c for c in path.changes if not c.permanent]
    assert [c.to for c in elected] == [Vote.YES, Vote.YES]
    assert path.probability == pytest.approx(0.38**3 * 0.45**2)
    assert [p.n_changes for p in path.alternatives] == [3, 4]
    assert [p.probability for p in path.alternatives] == pytest.approx(
        [0.02**2 * 0.38, 0.02 * 0.38**2 * 0.45]
    )
    assert path.probability > path.alternatives[-1].probability > path.alternatives[0].probability
    assert [c.member for c in elected] == ["IDN", "KWT"]  # equally likely: ties by code
    assert path.summary == "IDN and KWT vote yes, FRA, GBR and USA abstain: 1.1% on their records"


def test_a_bloc_makes_the_path_in_which_it_moves_together_likelier() -> None:
    alone = closest_path(council_2019(), vetoing_p3_positions(), priors=vetoing_p3_priors())
    bloc = closest_path(council_2019(), vetoing_p3_positions(), priors=vetoing_p3_priors(0.5))
    assert {c.member for c in bloc.changes} >= set(P3)
    assert bloc.probability > alone.probability


def test_the_path_to_failure_is_the_likeliest_way_to_lose_an_adoption() -> None:
    rule = council_2019()
    records = {code: VoteProbabilities(0.9, 0.02, 0.08) for code in rule.members}
    records["RUS"] = VoteProbabilities(0.6, 0.3, 0.1)
    path = closest_path(rule, {}, priors=CouncilPriors(records), target="not_adopted")
    assert path.target == "not_adopted"
    assert [(c.member, c.to) for c in path.changes] == [("RUS", Vote.NO)]
    assert path.probability == pytest.approx(0.3)
    assert path.summary == "RUS votes no: 30.0% on its records"


def test_an_adopted_draft_needs_no_change_and_a_failed_one_no_change_to_fail() -> None:
    positions = {code: firm(Stance.YES) for code in ELECTED_2019[:9]}
    path = closest_path(council_2019(), positions)
    assert path.feasible and path.changes == () and path.probability == 1.0
    assert path.elected_only_feasible and path.elected_only_reason is None
    failure = closest_path(council_2019(), {"USA": firm(Stance.NO)}, target="not_adopted")
    assert failure.feasible and failure.changes == () and failure.probability == 1.0


def test_firm_members_are_never_moved_and_a_firm_veto_leaves_no_path() -> None:
    rule = council_2019()
    positions = {code: firm(Stance.YES) for code in rule.members if code != "USA"}
    positions["USA"] = firm(Stance.NO)
    path = closest_path(rule, positions)
    assert not path.feasible
    assert path.probability == 0.0
    assert path.reason == (
        "USA votes no as a permanent member with confidence 1.0: on a substantive matter its "
        "negative vote is a veto, so no change by the other members can adopt the draft"
    )
    everyone = {code: firm(Stance.YES) for code in rule.members}
    assert not closest_path(rule, everyone, target="not_adopted").feasible


def test_a_path_is_json_ready() -> None:
    data: Any = closest_path(  # JSON: checked by the assertions
        council_2019(), vetoing_p3_positions(), priors=vetoing_p3_priors()
    ).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) >= {"changes", "probability", "n_changes", "summary", "alternatives"}
    assert data["changes"][0] == {
        "member": "FRA",
        "permanent": True,
        "from_stance": "undecided",
        "from_vote": "no",
        "to": "abstain",
    }


def brute_force_paths(
    rule: Rule, table: dict[tuple[Vote, ...], float], target: str, movable: set[str]
) -> dict[int, float]:
    """For each number of changes, the highest chance of a set of changes reaching ``target``
    with everyone else at their most likely vote."""
    n = len(rule.members)
    marginals = []
    for i in range(n):
        sums = dict.fromkeys(VOTES, 0.0)
        for profile, p in table.items():
            sums[profile[i]] += p
        # Sums of many terms can pass 1 by a rounding error: no need to validate them.
        marginals.append(
            VoteProbabilities.trusted(sums[Vote.YES], sums[Vote.NO], sums[Vote.ABSTAIN])
        )
    current = [row.most_likely() for row in marginals]
    options = [VOTES if rule.members[i] in movable else (current[i],) for i in range(n)]
    best: dict[int, float] = {}
    for combination in itertools.product(*options):
        ballots = dict(zip(rule.members, combination, strict=True))
        adopted = classify(rule, ballots).result is Result.ADOPTED
        if adopted != (target == "adopted"):
            continue
        changed = [i for i in range(n) if combination[i] is not current[i]]
        p = math.fsum(
            q for prof, q in table.items() if all(prof[i] is combination[i] for i in changed)
        )
        if p > 0:
            best[len(changed)] = max(best.get(len(changed), 0.0), p)
    return best


@FAST
@given(case=councils_with_priors(max_members=5))
def test_the_paths_are_the_most_probable_by_brute_force(
    case: tuple[Rule, CouncilPriors, dict[str, PositionInput]],
) -> None:
    rule, priors, positions = case
    try:
        table, _ = posterior_table(rule, positions, priors)
    except ZeroDivisionError:
        return
    for target in ("adopted", "not_adopted"):
        path = closest_path(rule, positions, priors=priors, target=target)
        best = brute_force_paths(rule, table, target, set(rule.members))
        if not best:
            assert not path.feasible and path.reason
            continue
        assert path.feasible
        top = max(best.values())
        assert path.probability == pytest.approx(top, rel=1e-9, abs=1e-12)
        fewest_with_top = min(k for k, p in best.items() if p >= top * (1 - 1e-9))
        assert path.n_changes == fewest_with_top
        # The alternatives: fewer changes, each the best with its count, less probable in turn.
        counts = [p.n_changes for p in path.alternatives] + [path.n_changes]
        chances = [p.probability for p in path.alternatives] + [path.probability]
        assert counts == sorted(set(counts))
        assert chances == sorted(chances)
        for item in path.alternatives:
            assert item.probability == pytest.approx(best[item.n_changes], rel=1e-9, abs=1e-12)
        assert min(counts) == min(best)
        elected = brute_force_paths(rule, table, target, set(rule.elected))
        assert path.elected_only_feasible == bool(elected)
