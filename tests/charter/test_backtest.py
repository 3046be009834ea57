"""The back-test: no vote's own ballots (nor a later vote's) in its training window, and the
scores computed as documented."""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import date, timedelta
from typing import Any

import pytest

from charter import BallotRecord, Result, Vote, VoteRecord
from charter.backtest import REVEAL_CONFIDENCE, revealed_members, run, score

PERMANENT = ("CHN", "FRA", "GBR", "RUS", "USA")
ELECTED = tuple(f"E{i:02d}" for i in range(10))


def history(n: int, seed: int = 7) -> list[VoteRecord]:
    """``n`` votes, two a day on some days, mostly unanimous, some vetoed."""
    rng = random.Random(seed)
    votes = []
    day = date(2010, 1, 4)
    for i in range(n):
        if i % 3 != 1:
            day += timedelta(days=rng.randint(1, 20))
        contested = rng.random() < 0.3
        ballots = []
        for code in PERMANENT + ELECTED:
            vote = Vote.YES
            if contested:
                vote = rng.choice([Vote.YES, Vote.YES, Vote.ABSTAIN, Vote.NO])
            ballots.append(BallotRecord(code, code in PERMANENT, vote))
        votes.append(
            VoteRecord(f"S/{day.year}/{i}@{day}", day, tuple(ballots), topic=rng.choice("ab"))
        )
    return votes


def test_each_vote_is_forecast_from_earlier_days_only() -> None:
    votes = history(40)
    report = run(votes)
    assert len(report.forecasts) == 40
    for forecast in report.forecasts:
        earlier = [v for v in votes if v.voted_on < forecast.voted_on]
        assert forecast.trained_on == len(earlier)
        if earlier:
            assert forecast.trained_until == max(v.voted_on for v in earlier)
            assert forecast.trained_until < forecast.voted_on
        else:
            assert forecast.trained_until is None


def test_a_votes_own_ballots_and_later_votes_never_change_its_forecast() -> None:
    votes = history(40)
    before = {f.key: f for f in run(votes).forecasts}
    for j in (5, 17, 30):
        day = votes[j].voted_on
        # Every vote from that day on becomes a triple veto; nothing earlier changes.
        changed = [
            dataclasses.replace(
                v,
                ballots=tuple(
                    dataclasses.replace(b, vote=Vote.NO if b.permanent else Vote.ABSTAIN)
                    for b in v.ballots
                ),
            )
            if v.voted_on >= day
            else v
            for v in votes
        ]
        after = {f.key: f for f in run(changed).forecasts}
        for v in votes:
            if v.voted_on <= day:
                assert after[v.key].p_adopted == before[v.key].p_adopted, v.key
                assert after[v.key].p_base_rate == before[v.key].p_base_rate
        later = [v for v in votes if v.voted_on > day]
        assert any(after[v.key].p_adopted != before[v.key].p_adopted for v in later)


def test_revealed_ballots_are_positions_at_confidence_0_9_drawn_with_a_fixed_seed() -> None:
    votes = history(20)
    report = run(votes, reveal=5, seed=11)
    by_key = {vote.key: vote for vote in votes}
    for forecast in report.forecasts:
        vote = by_key[forecast.key]
        assert len(forecast.revealed) == 5
        assert forecast.revealed == revealed_members(vote, 5, 11)
        assert {b.member for b in forecast.ballots} == (
            {b.member for b in vote.ballots} - set(forecast.revealed)
        )
    again = run(votes, reveal=5, seed=11)
    assert [f.revealed for f in again.forecasts] == [f.revealed for f in report.forecasts]
    assert revealed_members(votes[0], 5, 12) != revealed_members(votes[0], 5, 11) or (
        revealed_members(votes[1], 5, 12) != revealed_members(votes[1], 5, 11)
    )
    assert REVEAL_CONFIDENCE == 0.9


def test_revealing_ballots_sharpens_the_forecast() -> None:
    votes = history(60)
    blind = run(votes)
    told = run(votes, reveal=13)
    assert told.model.brier < blind.model.brier
    assert told.model.log_loss < blind.model.log_loss


def test_a_vote_in_the_training_data_as_well_counts_once() -> None:
    votes = history(30)
    extra = VoteRecord(
        "S/2009/1@2009-12-01",
        date(2009, 12, 1),
        tuple(BallotRecord(c, c in PERMANENT, Vote.YES) for c in PERMANENT + ELECTED),
    )
    report = run(votes, training=[*votes[:10], extra])
    # The first two votes share a day: both are trained on the 2009 vote alone.
    assert [f.trained_on for f in report.forecasts][:3] == [1, 1, 3]
    assert len(report.forecasts) == 30  # training-only votes are not forecast


def test_since_forecasts_only_the_later_votes_but_trains_on_all() -> None:
    votes = history(40)
    year = votes[20].voted_on.year
    report = run(votes, since=year)
    assert all(f.voted_on.year >= year for f in report.forecasts)
    first = report.forecasts[0]
    assert first.trained_on == sum(1 for v in votes if v.voted_on < first.voted_on)


def test_scores_are_the_brier_score_log_loss_and_deciles() -> None:
    scores = score([0.8, 0.3, 0.95, 0.92], [True, False, True, False])
    assert scores.n == 4
    assert scores.brier == pytest.approx((0.04 + 0.09 + 0.0025 + 0.8464) / 4)
    assert scores.log_loss == pytest.approx(
        -(math.log(0.8) + math.log(0.7) + math.log(0.95) + math.log(0.08)) / 4
    )
    top = scores.reliability[9]
    assert top.n == 2 and top.mean_forecast == pytest.approx(0.935) and top.observed == 0.5
    assert scores.reliability[3].n == 1 and scores.reliability[3].observed == 0.0
    assert scores.reliability[0].n == 0 and scores.reliability[0].gap is None


def test_the_report_as_json_has_the_documented_keys() -> None:
    data: Any = run(history(20), reveal=3).to_dict()  # JSON: checked by the assertions
    assert {"n", "brier", "log_loss", "baseline_brier", "baseline_log_loss", "reliability"} <= set(
        data
    )
    assert data["n"] == 20
    assert len(data["reliability"]) == 10
    assert {"CHN", "FRA", "GBR", "RUS", "USA", "elected"} == set(data["per_member"])


def test_the_outcome_is_the_recorded_one_when_given() -> None:
    vote = history(1)[0]
    procedural = dataclasses.replace(
        vote,
        ballots=tuple(
            dataclasses.replace(b, vote=Vote.NO if b.member == "RUS" else Vote.YES)
            for b in vote.ballots
        ),
        outcome=Result.ADOPTED,
    )
    assert procedural.adopted
    assert not dataclasses.replace(procedural, outcome=None).adopted  # a veto on its ballots
