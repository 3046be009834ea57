"""Priors estimated from a small history whose every figure can be worked out by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from charter import (
    BallotRecord,
    BallotShares,
    Direction,
    EngineError,
    PriorCounts,
    Priors,
    Rule,
    Smoothing,
    Vote,
    VoteRecord,
    estimate,
    topic_of,
)

Y, A, N, X = Vote.YES, Vote.ABSTAIN, Vote.NO, Vote.NOT_PARTICIPATING

# Pseudo-counts small enough to follow by hand; no recency weighting.
HAND = Smoothing(
    base=4,
    member=2,
    topic=2,
    direction=2,
    contested=2,
    bloc_base=1.5,
    bloc_topic=5,
    bloc_threshold=0.2,
    half_life_years=None,
    rate_half_life_years=None,
)


def vote(key: str, day: str, topic: str, a: Vote, b: Vote, e: Vote, **extra: Any) -> VoteRecord:
    """A vote of a three-member Council: AAA and BBB permanent, EEE elected."""
    return VoteRecord(
        key=key,
        voted_on=date.fromisoformat(day),
        ballots=(
            BallotRecord("AAA", True, a),
            BallotRecord("BBB", True, b),
            BallotRecord("EEE", False, e),
        ),
        topic=topic,
        **extra,
    )


HISTORY = [
    vote("v1", "2001-01-01", "t1", Y, Y, Y),
    vote("v2", "2001-02-01", "t1", N, N, Y, direction=Direction.LIFTS),
    vote("v3", "2001-03-01", "t2", Y, A, A),
    vote("v4", "2001-04-01", "t1", Y, Y, Y),
]


def shares(record: BallotShares) -> tuple[float, float, float, float]:
    return (record.yes, record.abstain, record.no, record.not_participating)


def test_the_chance_of_a_contested_draft_is_smoothed_toward_the_overall_rate() -> None:
    priors = estimate(HISTORY, smoothing=HAND)
    # Overall: 2 contested of 4, Beta(1, 1): (2 + 1) / (4 + 2).
    assert priors.contested_rate() == pytest.approx(3 / 6)
    # Topic t1: 1 of 3, drawn toward 1/2 with 2 votes: (1 + 2 * 0.5) / (3 + 2).
    assert priors.contested_rate("t1") == pytest.approx(2 / 5)
    # t2: 1 of 1: (1 + 1) / (1 + 2).
    assert priors.contested_rate("t2") == pytest.approx(2 / 3)
    # t1 lifting measures: 1 of 1, drawn toward t1's 0.4: (1 + 0.8) / 3.
    assert priors.contested_rate("t1", Direction.LIFTS) == pytest.approx(0.6)
    assert priors.contested_rate("unseen") == pytest.approx(0.5)


def test_a_members_record_is_its_contested_ballots_shrunk_toward_its_group() -> None:
    priors = estimate(HISTORY, smoothing=HAND)
    # Permanent group on contested votes (v2, v3): yes 1, abstain 1, no 2 of 4; base 4 spread
    # evenly: (1+1, 1+1, 2+1, 0+1) / 8.
    group = (2 / 8, 2 / 8, 3 / 8, 1 / 8)
    # AAA: yes 1, no 1 of 2, drawn toward the group with 2 votes.
    aaa = tuple((c + 2 * g) / 4 for c, g in zip((1, 0, 1, 0), group, strict=True))
    assert shares(priors.record("AAA", True)) == pytest.approx(aaa)
    assert aaa == pytest.approx((0.375, 0.125, 0.4375, 0.0625))
    # AAA on t1: one no (v2), drawn toward AAA with 2 votes.
    aaa_t1 = tuple((c + 2 * m) / 3 for c, m in zip((0, 0, 1, 0), aaa, strict=True))
    assert shares(priors.record("AAA", True, "t1")) == pytest.approx(aaa_t1)
    # ... lifting measures on t1: the same no again, toward AAA on t1.
    lifting = tuple((c + 2 * m) / 3 for c, m in zip((0, 0, 1, 0), aaa_t1, strict=True))
    assert shares(priors.record("AAA", True, "t1", Direction.LIFTS)) == pytest.approx(lifting)
    # Elected group: yes 1, abstain 1 of 2: (2, 2, 1, 1) / 6; EEE is the whole group.
    elected = (2 / 6, 2 / 6, 1 / 6, 1 / 6)
    eee = tuple((c + 2 * g) / 4 for c, g in zip((1, 1, 0, 0), elected, strict=True))
    assert shares(priors.record("EEE", False)) == pytest.approx(eee)
    # A member never seen on a contested vote follows its group.
    assert shares(priors.record("NEW", False)) == pytest.approx(elected)
    # As the engine's three votes, not participating counts as abstaining.
    votes = priors.record("AAA", True).votes()
    assert (votes.yes, votes.no, votes.abstain) == pytest.approx((0.375, 0.4375, 0.1875))


def test_a_bloc_is_agreement_beyond_chance_and_votes_as_it_agreed() -> None:
    priors = estimate(HISTORY, smoothing=HAND)
    # AAA and BBB agree on 1 of 2 contested votes. Their records (yes, abstain, no):
    # AAA (0.375, 0.1875, 0.4375), BBB (0.125, 0.4375, 0.4375).
    expected = 0.375 * 0.125 + 0.1875 * 0.4375 + 0.4375 * 0.4375
    weight = (0.5 - expected) / (1 - expected)
    assert priors.bloc_weights() == {("AAA", "BBB"): pytest.approx(weight)}
    ((members, bloc_weight),) = priors.blocs()
    assert members == ("AAA", "BBB") and bloc_weight == pytest.approx(weight)
    # They agreed on no once: (0 + 0.5, 0 + 0.5, 1 + 0.5) / 2.5 for yes, abstain, no.
    common = priors.common_vote(("AAA", "BBB"))
    assert (common.yes, common.abstain, common.no) == pytest.approx((0.2, 0.2, 0.6))
    # On t1 (that same no), drawn toward it with 5 votes: (1, 1, 1 + 3) / 6.
    on_t1 = priors.common_vote(("AAA", "BBB"), "t1")
    assert (on_t1.yes, on_t1.abstain, on_t1.no) == pytest.approx((1 / 6, 1 / 6, 4 / 6))
    # Above the threshold only.
    high = estimate(HISTORY, smoothing=replace(HAND, bloc_threshold=0.3))
    assert high.blocs() == ()


def test_the_priors_for_a_council_bring_it_all_together() -> None:
    priors = estimate(HISTORY, smoothing=HAND)
    rule = Rule(("AAA", "BBB", "EEE"), frozenset({"AAA", "BBB"}), 2)
    council = priors.for_council(rule, "t1")
    assert council.consensus == pytest.approx(1 - 2 / 5)
    assert council.records["EEE"] == priors.record("EEE", False, "t1").votes()
    (bloc,) = council.blocs
    assert bloc.members == ("AAA", "BBB")
    assert bloc.common == priors.common_vote(("AAA", "BBB"), "t1")
    assert "4 recorded votes, 2001-01-01 to 2001-04-01 (2 contested" in council.source
    # Without BBB on the Council the bloc is not used.
    alone = priors.for_council(Rule(("AAA", "EEE"), frozenset({"AAA"}), 2), "t1")
    assert alone.blocs == ()


def test_recent_votes_count_more_with_a_half_life() -> None:
    smoothing = replace(HAND, rate_half_life_years=1.0)
    old = vote("old", "2000-01-01", "", N, Y, Y)
    new = vote("new", "2001-01-01", "", Y, Y, Y)
    priors = estimate([old, new], smoothing=smoothing, as_of=date(2001, 1, 1))
    age = (date(2001, 1, 1) - date(2000, 1, 1)).days / 365.25
    w = 0.5**age
    assert priors.contested_rate() == pytest.approx((w + 1) / (w + 1 + 2))


def test_priors_taken_before_more_votes_are_counted_refuse_to_answer() -> None:
    counts = PriorCounts(HAND)
    counts.add_all(HISTORY[:2])
    before = counts.priors()
    kept = before.detached()
    counts.add(HISTORY[2])
    with pytest.raises(EngineError, match="taken before more votes were counted"):
        before.contested_rate()
    assert kept.contested_rate() == pytest.approx((1 + 1) / (2 + 2))


def test_stored_priors_give_the_same_answers() -> None:
    priors = estimate(HISTORY, smoothing=HAND)
    data = json.loads(json.dumps(priors.to_dict()))
    again = Priors.from_dict(data)
    rule = Rule(("AAA", "BBB", "EEE"), frozenset({"AAA", "BBB"}), 2)
    assert again.for_council(rule, "t1") == priors.for_council(rule, "t1")
    assert again.to_dict() == priors.to_dict()
    with pytest.raises(EngineError, match="format"):
        Priors.from_dict({"format": 99})
    with pytest.raises(EngineError, match="incomplete or malformed"):
        Priors.from_dict({k: v for k, v in data.items() if k != "ballots"})


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("The situation in the Middle East", "middle-east"),
        ("Syria: chemical weapons sanctions", "middle-east"),
        ("The situation in the Middle East, including the Palestinian question", "palestine"),
        ("Non-proliferation/Democratic People’s Republic of Korea", "dprk"),
        ("Democratic People's Republic of Korea", "dprk"),
        ("DPRK non-proliferation (sanctions)", "dprk"),
        ("Non-proliferation", "non-proliferation"),
        ("The situation in Cote d'Ivoire", "cote-divoire"),
        (
            "Maintenance of international peace and security",
            "maintenance-of-international-peace-and-security",
        ),
        ("", ""),
    ],
)
def test_agenda_items_subjects_and_regimes_meet_on_one_topic(text: str, topic: str) -> None:
    assert topic_of(text) == topic


def test_bad_smoothing_is_refused() -> None:
    with pytest.raises(EngineError, match="smoothing member must be a positive number"):
        Smoothing(member=-1)
    with pytest.raises(EngineError, match="half_life_years"):
        Smoothing(half_life_years=0.1)
