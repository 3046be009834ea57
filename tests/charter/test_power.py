"""Exact Shapley–Shubik and Banzhaf indices, checked against known values and brute force."""

from __future__ import annotations

import itertools
import json
import time
from fractions import Fraction
from math import factorial

import pytest
from hypothesis import given, settings

from charter import Matter, PowerIndex, Rule, power_indices
from tests.charter.test_rule import CODES, council_2019, rules

POWER_EXAMPLES = settings(max_examples=60, deadline=None, database=None)


def wins(rule: Rule, coalition: frozenset[str]) -> bool:
    return len(coalition) >= rule.quota and (not rule.has_veto or rule.permanent <= coalition)


def shapley_shubik_by_orderings(rule: Rule) -> dict[str, Fraction]:
    """Count, over every ordering of the members, who turns the coalition into a winning one."""
    pivots = dict.fromkeys(rule.members, 0)
    orderings = 0
    for ordering in itertools.permutations(rule.members):
        orderings += 1
        coalition: set[str] = set()
        for code in ordering:
            coalition.add(code)
            if wins(rule, frozenset(coalition)):
                pivots[code] += 1
                break
    return {code: Fraction(count, orderings) for code, count in pivots.items()}


def swings_by_subsets(rule: Rule) -> dict[str, list[frozenset[str]]]:
    """Every coalition of the other members that loses without the member and wins with it."""
    result: dict[str, list[frozenset[str]]] = {code: [] for code in rule.members}
    for code in rule.members:
        others = [m for m in rule.members if m != code]
        for size in range(len(others) + 1):
            for combination in itertools.combinations(others, size):
                coalition = frozenset(combination)
                if not wins(rule, coalition) and wins(rule, coalition | {code}):
                    result[code].append(coalition)
    return result


def by_member(rule: Rule) -> dict[str, PowerIndex]:
    return {index.member: index for index in power_indices(rule)}


def test_the_fifteen_member_council_has_the_published_values() -> None:
    indices = by_member(council_2019())
    for code in ("CHN", "FRA", "RUS", "GBR", "USA"):
        assert indices[code].permanent
        assert indices[code].shapley_shubik == Fraction(421, 2145)
        # Decisive when the other four permanent members and 4 to 10 of the 10 elected ones are
        # in: 2^10 - (1 + 10 + 45 + 120) = 848 of the 2^14 coalitions of the others.
        assert indices[code].banzhaf_raw == Fraction(848, 2**14)
        assert indices[code].banzhaf_normalised == Fraction(106, 635)
    for code in ("BEL", "DEU", "ZAF"):
        assert not indices[code].permanent
        assert indices[code].shapley_shubik == Fraction(4, 2145)
        # Decisive only with all five permanent members and exactly 3 of the 9 other elected.
        assert indices[code].banzhaf_raw == Fraction(84, 2**14)
        assert indices[code].banzhaf_normalised == Fraction(21, 1270)
    assert float(indices["USA"].shapley_shubik) == pytest.approx(0.1963, abs=1e-4)
    assert float(indices["BEL"].shapley_shubik) == pytest.approx(0.00186, abs=1e-5)
    assert float(indices["USA"].banzhaf_normalised) == pytest.approx(0.1669, abs=1e-4)
    assert float(indices["BEL"].banzhaf_normalised) == pytest.approx(0.0165, abs=1e-4)


def test_the_results_follow_seating_order_and_are_exact_fractions() -> None:
    rule = council_2019()
    indices = power_indices(rule)
    assert tuple(index.member for index in indices) == rule.members
    for index in indices:
        assert isinstance(index.shapley_shubik, Fraction)
        assert isinstance(index.banzhaf_raw, Fraction)
        assert isinstance(index.banzhaf_normalised, Fraction)


@pytest.mark.parametrize(
    "rule",
    [
        council_2019(),
        council_2019(Matter.PROCEDURAL),
        Rule(CODES[:11], frozenset(CODES[:5]), 7, Matter.SUBSTANTIVE),
        Rule(CODES[:9], frozenset(CODES[:2]), 9, Matter.SUBSTANTIVE),
        Rule(CODES[:6], frozenset(), 4, Matter.SUBSTANTIVE),
    ],
    ids=["council-2019", "procedural", "council-1946", "unanimity", "no-permanent"],
)
def test_indices_are_efficient_and_match_subset_enumeration(rule: Rule) -> None:
    indices = by_member(rule)
    assert sum(index.shapley_shubik for index in indices.values()) == 1
    assert sum(index.banzhaf_normalised for index in indices.values()) == 1
    n = len(rule.members)
    swings = swings_by_subsets(rule)
    total = sum(len(found) for found in swings.values())
    for code, found in swings.items():
        shapley = sum(
            (Fraction(factorial(len(s)) * factorial(n - len(s) - 1), factorial(n)) for s in found),
            Fraction(0),
        )
        assert indices[code].shapley_shubik == shapley
        assert indices[code].banzhaf_raw == Fraction(len(found), 2 ** (n - 1))
        assert indices[code].banzhaf_normalised == Fraction(len(found), total)


def test_the_eleven_member_council_gives_permanent_members_most_of_the_power() -> None:
    indices = by_member(Rule(CODES[:11], frozenset(CODES[:5]), 7, Matter.SUBSTANTIVE))
    permanent = indices[CODES[0]].shapley_shubik
    elected = indices[CODES[10]].shapley_shubik
    assert 5 * permanent + 6 * elected == 1
    assert float(permanent) == pytest.approx(0.1974, abs=1e-4)
    assert permanent > 80 * elected


def test_a_procedural_vote_gives_everyone_the_same_power() -> None:
    for index in power_indices(council_2019(Matter.PROCEDURAL)):
        assert index.shapley_shubik == Fraction(1, 15)
        assert index.banzhaf_normalised == Fraction(1, 15)


def test_members_who_can_never_decide_have_no_power() -> None:
    # With a quota of 2 and a veto for three permanent members, the three decide alone.
    rule = Rule(("P1", "P2", "P3", "E1", "E2"), frozenset({"P1", "P2", "P3"}), 2)
    indices = by_member(rule)
    assert indices["E1"].shapley_shubik == 0
    assert indices["E1"].banzhaf_raw == 0
    assert indices["P1"].shapley_shubik == Fraction(1, 3)
    assert indices["P1"].banzhaf_normalised == Fraction(1, 3)


@POWER_EXAMPLES
@given(rule=rules(max_members=7))
def test_indices_equal_brute_force_for_small_rules(rule: Rule) -> None:
    indices = by_member(rule)
    orderings = shapley_shubik_by_orderings(rule)
    swings = swings_by_subsets(rule)
    total = sum(len(found) for found in swings.values())
    n = len(rule.members)
    for code in rule.members:
        assert indices[code].shapley_shubik == orderings[code]
        assert indices[code].banzhaf_raw == Fraction(len(swings[code]), 2 ** (n - 1))
        assert indices[code].banzhaf_normalised == Fraction(len(swings[code]), total)
    assert sum(orderings.values()) == 1
    # Symmetry: members of the same kind have the same power.
    for kind in (rule.permanent, frozenset(rule.members) - rule.permanent):
        assert len({indices[code].shapley_shubik for code in kind}) <= 1
        assert len({indices[code].banzhaf_raw for code in kind}) <= 1


def test_a_thirty_member_council_is_computed_quickly() -> None:
    rule = Rule(CODES[:30], frozenset(CODES[:7]), 18, Matter.SUBSTANTIVE)
    started = time.perf_counter()
    indices = power_indices(rule)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5
    assert len(indices) == 30
    assert sum(index.shapley_shubik for index in indices) == 1
    assert sum(index.banzhaf_normalised for index in indices) == 1
    assert indices[0].shapley_shubik > indices[29].shapley_shubik > 0


def test_power_index_to_dict_gives_fractions_as_strings() -> None:
    usa = by_member(council_2019())["USA"]
    data = usa.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "member": "USA",
        "permanent": True,
        "shapley_shubik": "421/2145",
        "banzhaf_raw": "53/1024",
        "banzhaf_normalised": "106/635",
    }
