"""Rules, the Charter's seat count and quota, and the classification of recorded votes.

Also home of the Hypothesis strategies for random rules that the other engine tests import.
"""

from __future__ import annotations

import ast
import json
import pickle
import subprocess
import sys
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter import (
    EngineError,
    Matter,
    Result,
    Rule,
    UnknownMember,
    Vote,
    charter_size_and_quota,
    classify,
    classify_counts,
    rule_for,
)

ENGINE_DIR = Path(__file__).resolve().parents[2] / "charter"

FAST = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

CODES = tuple(f"M{i:02d}" for i in range(40))

PERMANENT_2019 = ("CHN", "FRA", "RUS", "GBR", "USA")
ELECTED_2019 = ("BEL", "CIV", "DOM", "GNQ", "DEU", "IDN", "KWT", "PER", "POL", "ZAF")


def council_2019(matter: Matter = Matter.SUBSTANTIVE) -> Rule:
    """The Council of December 2019, built the way the Django side builds it."""
    seated = [(code, True) for code in PERMANENT_2019] + [(code, False) for code in ELECTED_2019]
    return rule_for(date(2019, 12, 30), seated, matter)


@st.composite
def rules(draw: st.DrawFn, max_members: int = 8, min_members: int = 1) -> Rule:
    """A random rule: up to ``max_members`` members, any quota, any permanent subset, any matter."""
    n = draw(st.integers(min_members, max_members))
    members = CODES[:n]
    flags = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return Rule(
        members=members,
        permanent=frozenset(code for code, flag in zip(members, flags, strict=True) if flag),
        quota=draw(st.integers(1, n)),
        matter=draw(st.sampled_from(Matter)),
    )


def reference_result(rule: Rule, ballots: Mapping[str, Vote]) -> Result:
    """Article 27 written out as plainly as possible, to check classify against."""
    yes = [code for code, vote in ballots.items() if vote == Vote.YES]
    permanent_no = [
        code for code, vote in ballots.items() if vote == Vote.NO and code in rule.permanent
    ]
    if len(yes) < rule.quota:
        return Result.FAILED
    if rule.matter == Matter.SUBSTANTIVE and len(permanent_no) > 0:
        return Result.VETOED
    return Result.ADOPTED


# --- Rule -------------------------------------------------------------------------------------


def test_it_keeps_member_order_and_normalises_containers() -> None:
    rule = Rule(["USA", "BEL", "CHN"], {"USA", "CHN"}, 2, "procedural")  # type: ignore[arg-type]  # wrong on purpose: run-time check
    assert rule.members == ("USA", "BEL", "CHN")
    assert rule.permanent == frozenset({"USA", "CHN"})
    assert rule.matter is Matter.PROCEDURAL
    assert rule.elected == ("BEL",)


@pytest.mark.parametrize(
    ("members", "permanent", "quota", "message"),
    [
        (("USA", "BEL", "USA"), frozenset(), 1, "USA seated more than once"),
        (("USA", "BEL"), frozenset({"GBR"}), 1, "GBR are not among the members seated"),
        (("USA", "BEL"), frozenset(), 0, "a quota of 0 is impossible with 2 members"),
        (("USA", "BEL"), frozenset(), 3, "a quota of 3 is impossible with 2 members"),
    ],
)
def test_it_rejects_an_impossible_rule(
    members: tuple[str, ...], permanent: frozenset[str], quota: int, message: str
) -> None:
    with pytest.raises(EngineError, match=message):
        Rule(members, permanent, quota, Matter.SUBSTANTIVE)


def test_it_rejects_an_unknown_matter() -> None:
    with pytest.raises(EngineError, match="'important' is not a matter"):
        Rule(("USA",), frozenset(), 1, "important")  # type: ignore[arg-type]  # wrong on purpose: run-time check


def test_it_has_a_veto_only_on_substantive_matters_with_permanent_members() -> None:
    assert Rule(("USA", "BEL"), frozenset({"USA"}), 1, Matter.SUBSTANTIVE).has_veto
    assert not Rule(("USA", "BEL"), frozenset({"USA"}), 1, Matter.PROCEDURAL).has_veto
    assert not Rule(("USA", "BEL"), frozenset(), 1, Matter.SUBSTANTIVE).has_veto


def test_with_matter_returns_the_same_council_on_another_matter() -> None:
    rule = council_2019()
    procedural = rule.with_matter(Matter.PROCEDURAL)
    assert procedural.matter is Matter.PROCEDURAL
    assert (procedural.members, procedural.permanent, procedural.quota) == (
        rule.members,
        rule.permanent,
        rule.quota,
    )
    assert rule.matter is Matter.SUBSTANTIVE


def test_rule_to_dict_is_json_ready() -> None:
    data = council_2019().to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["permanent"] == ["CHN", "FRA", "GBR", "RUS", "USA"]
    assert data["quota"] == 9
    assert data["matter"] == "substantive"
    assert data["has_veto"] is True


def test_is_permanent_raises_for_a_member_not_seated() -> None:
    with pytest.raises(UnknownMember) as caught:
        council_2019().is_permanent("ITA")
    assert caught.value.code == "ITA"
    assert str(caught.value) == "ITA is not a member under this rule"


# --- Charter ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(1946, 1, 17), (11, 7)),
        (date(1965, 8, 30), (11, 7)),
        # In force on 1965-08-31, but the enlarged Council first sat on 1966-01-01.
        (date(1965, 8, 31), (11, 7)),
        (date(1965, 11, 23), (11, 7)),
        (date(1965, 12, 31), (11, 7)),
        (date(1966, 1, 1), (15, 9)),
        (date(2019, 12, 30), (15, 9)),
        (datetime(1965, 12, 31, 23, 59), (11, 7)),
    ],
)
def test_charter_size_and_quota(day: date, expected: tuple[int, int]) -> None:
    assert charter_size_and_quota(day) == expected


def test_there_is_no_council_before_the_charter() -> None:
    with pytest.raises(EngineError, match="before the Charter entered into force"):
        charter_size_and_quota(date(1945, 6, 26))


def test_rule_for_derives_everything_from_the_seated_members() -> None:
    rule = council_2019()
    assert rule.members == PERMANENT_2019 + ELECTED_2019
    assert rule.permanent == frozenset(PERMANENT_2019)
    assert rule.quota == 9
    # 27 June 1950 (resolution 83): the 11-member Council, quota 7.
    permanent = ("CHN", "FRA", "RUS", "GBR", "USA")
    elected = ("CUB", "ECU", "EGY", "IND", "NOR", "YUG")
    old = rule_for(
        date(1950, 6, 27), [(c, True) for c in permanent] + [(c, False) for c in elected]
    )
    assert old.quota == 7
    assert old.members == permanent + elected
    assert old.permanent == frozenset(permanent)


def test_rule_for_refuses_more_members_than_seats() -> None:
    seated = [(f"M{i:02d}", False) for i in range(12)]
    with pytest.raises(EngineError, match="12 members given for 1960-01-01"):
        rule_for(date(1960, 1, 1), seated)


def test_rule_for_refuses_fewer_members_than_the_quota() -> None:
    with pytest.raises(EngineError, match="quota of 9 is impossible with 8 members"):
        rule_for(date(2020, 1, 1), [(f"M{i:02d}", False) for i in range(8)])


# --- classify ---------------------------------------------------------------------------------


def ballots_2019(**overrides: Vote) -> dict[str, Vote]:
    ballots = dict.fromkeys(PERMANENT_2019 + ELECTED_2019, Vote.YES)
    ballots.update(overrides)
    return ballots


def test_it_adopts_with_the_quota_and_no_permanent_no() -> None:
    outcome = classify(council_2019(), ballots_2019(BEL=Vote.NO, CHN=Vote.ABSTAIN))
    assert outcome.result is Result.ADOPTED
    assert (outcome.yes, outcome.no, outcome.abstain, outcome.not_participating) == (13, 1, 1, 0)
    assert outcome.vetoed_by == ()


def test_it_names_the_vetoing_members_sorted() -> None:
    # S/2022/431: 13 in favour, China and Russia against.
    outcome = classify(council_2019(), ballots_2019(RUS=Vote.NO, CHN=Vote.NO))
    assert outcome.result is Result.VETOED
    assert outcome.vetoed_by == ("CHN", "RUS")
    assert (outcome.yes, outcome.no) == (13, 2)


def test_a_permanent_abstention_is_not_a_veto() -> None:
    outcome = classify(council_2019(), ballots_2019(RUS=Vote.ABSTAIN, CHN=Vote.NOT_PARTICIPATING))
    assert outcome.result is Result.ADOPTED
    assert outcome.vetoed_by == ()


def test_fewer_yes_than_the_quota_with_a_permanent_no_fails_and_is_not_a_veto() -> None:
    ballots = dict.fromkeys(ELECTED_2019[:8], Vote.YES) | {"USA": Vote.NO}
    outcome = classify(council_2019(), ballots)
    assert outcome.result is Result.FAILED
    assert outcome.vetoed_by == ()
    assert outcome.yes == 8


def test_a_procedural_matter_ignores_permanent_no_votes() -> None:
    ballots = dict.fromkeys(ELECTED_2019[:9], Vote.YES) | dict.fromkeys(PERMANENT_2019, Vote.NO)
    assert classify(council_2019(), ballots).result is Result.VETOED
    outcome = classify(council_2019(Matter.PROCEDURAL), ballots)
    assert outcome.result is Result.ADOPTED
    assert outcome.vetoed_by == ()
    assert outcome.matter is Matter.PROCEDURAL


def test_members_without_a_ballot_did_not_participate() -> None:
    outcome = classify(council_2019(), dict.fromkeys(ELECTED_2019, Vote.YES))
    assert outcome.not_participating == 5
    assert outcome.result is Result.ADOPTED


def test_classify_rejects_a_member_not_seated() -> None:
    with pytest.raises(UnknownMember, match=r"^ITA is not a member under this rule$") as caught:
        classify(council_2019(), {"ITA": Vote.YES})
    assert caught.value.code == "ITA"
    assert isinstance(caught.value, EngineError)
    assert isinstance(caught.value, ValueError)


def test_unknown_member_survives_pickling_with_its_code() -> None:
    error = UnknownMember("XYZ", "XYZ is not on the Council under this rule")
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, UnknownMember)
    assert copy.code == "XYZ"
    assert str(copy) == "XYZ is not on the Council under this rule"


def test_classify_accepts_vote_values_and_rejects_other_strings() -> None:
    outcome = classify(council_2019(), {"USA": "no"})  # type: ignore[dict-item]  # wrong on purpose: run-time check
    assert outcome.no == 1
    with pytest.raises(EngineError, match="USA: 'maybe' is not a vote"):
        classify(council_2019(), {"USA": "maybe"})  # type: ignore[dict-item]  # wrong on purpose: run-time check


def test_outcome_to_dict_is_json_ready() -> None:
    outcome = classify(council_2019(), ballots_2019(RUS=Vote.NO, CHN=Vote.NO))
    data = outcome.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["result"] == "vetoed"
    assert data["vetoed_by"] == ["CHN", "RUS"]
    assert data["matter"] == "substantive"


@FAST
@given(data=st.data(), rule=rules())
def test_classify_agrees_with_a_plain_reference(data: st.DataObject, rule: Rule) -> None:
    ballots = {
        code: vote
        for code in rule.members
        if (vote := data.draw(st.sampled_from([*Vote, None]), label=code)) is not None
    }
    outcome = classify(rule, ballots)
    assert outcome.result is reference_result(rule, ballots)
    assert outcome.yes + outcome.no + outcome.abstain + outcome.not_participating == len(
        rule.members
    )
    expected_vetoers = sorted(
        code for code, vote in ballots.items() if vote is Vote.NO and code in rule.permanent
    )
    assert list(outcome.vetoed_by) == (expected_vetoers if outcome.result is Result.VETOED else [])


# --- classify_counts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "quota", "matter", "permanent_no", "expected"),
    [
        (15, 0, 0, 9, Matter.SUBSTANTIVE, (), Result.ADOPTED),
        (13, 2, 0, 9, Matter.SUBSTANTIVE, ("Russian Federation", "China"), Result.VETOED),
        (8, 6, 1, 9, Matter.SUBSTANTIVE, ("USA",), Result.FAILED),
        (9, 5, 1, 9, Matter.PROCEDURAL, ("USA",), Result.ADOPTED),
        (7, 0, 4, 7, Matter.SUBSTANTIVE, (), Result.ADOPTED),
        (7, 0, 4, 9, Matter.SUBSTANTIVE, (), Result.FAILED),
    ],
)
def test_classify_counts(
    yes: int,
    no: int,
    abstain: int,
    quota: int,
    matter: Matter,
    permanent_no: tuple[str, ...],
    expected: Result,
) -> None:
    outcome = classify_counts(
        yes=yes, no=no, abstain=abstain, quota=quota, matter=matter, permanent_no=permanent_no
    )
    assert outcome.result is expected
    assert outcome.vetoed_by == (tuple(sorted(permanent_no)) if expected is Result.VETOED else ())


def test_classify_counts_works_out_non_participation_when_told_the_seats() -> None:
    outcome = classify_counts(
        yes=9, no=0, abstain=3, quota=9, matter=Matter.SUBSTANTIVE, permanent_no=(), seated=15
    )
    assert outcome.not_participating == 3
    unknown = classify_counts(
        yes=9, no=0, abstain=3, quota=9, matter=Matter.SUBSTANTIVE, permanent_no=()
    )
    assert unknown.not_participating == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"yes": -1}, "the yes count must be a whole number >= 0"),
        ({"quota": 0}, "the quota must be a whole number >= 1"),
        ({"no": 1, "permanent_no": ("USA", "FRA")}, "2 permanent members named as voting no"),
        ({"no": 2, "permanent_no": ("USA", "USA")}, "named twice"),
        ({"seated": 10}, "votes counted with only 10 seated"),
    ],
)
def test_classify_counts_rejects_inconsistent_counts(
    kwargs: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {
        "yes": 9,
        "no": 2,
        "abstain": 0,
        "quota": 9,
        "matter": Matter.SUBSTANTIVE,
        "permanent_no": (),
    }
    arguments.update(kwargs)
    with pytest.raises(EngineError, match=message):
        classify_counts(**arguments)  # type: ignore[arg-type]  # wrong on purpose: run-time check


# --- no Django --------------------------------------------------------------------------------


def test_the_engine_imports_no_django() -> None:
    code = (
        "import sys, charter\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print('loaded:' + ','.join(loaded))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ENGINE_DIR.parent,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ENGINE_DIR.parent), "PATH": ""},
    )
    assert completed.stdout.strip() == "loaded:"


def test_the_engine_imports_only_the_standard_library() -> None:
    sources = sorted(ENGINE_DIR.glob("*.py"))
    assert len(sources) >= 8
    for source in sources:
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names, f"{source.name} imports {name}"
