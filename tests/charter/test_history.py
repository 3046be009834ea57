"""Every recorded Council decision from 1946 to 2022 classified by the engine.

The record is ``seed/history/unsc_outcomes_1946_2022.csv`` (a byte-for-byte copy of the
project's shared facts, from the UN Dag Hammarskjöld Library's yearly meetings tables). Rows
with counts are classified with :func:`classify_counts` under the Charter rule of their date;
every row must agree with the recorded outcome except those listed, with a reason, in
``seed/history/outcome_misprints.json`` (which ``import_outcomes`` reads too). The list must be
exact: a listed row that agrees fails the test too.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from charter import Matter, Outcome, Result, charter_size_and_quota, classify_counts

DATA = Path(__file__).resolve().parents[2] / "seed" / "history"
OUTCOMES_CSV = DATA / "unsc_outcomes_1946_2022.csv"
DISAGREEMENTS_JSON = DATA / "outcome_misprints.json"

ROWS_IN_RECORD = 2960
ROWS_WITH_COUNTS = 2833

PERMANENT_NAMES = {
    "USSR": "RUS",
    "Russian Federation": "RUS",
    "USA": "USA",
    "United States": "USA",
    "UK": "GBR",
    "United Kingdom": "GBR",
    "France": "FRA",
    "China": "CHN",
}

RECORDED_RESULT = {
    "adopted": Result.ADOPTED,
    "vetoed": Result.VETOED,
    "not_adopted": Result.FAILED,
}

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Classified:
    row: dict[str, str]
    recorded: Result
    outcome: Outcome

    @property
    def key(self) -> Key:
        return (self.row["meeting_record"], self.row["date"], self.row["document"])


def read_rows() -> list[dict[str, str]]:
    with OUTCOMES_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def has_counts(row: dict[str, str]) -> bool:
    return all(row[column].strip().isdigit() for column in ("yes", "no", "abstain"))


def permanent_members_named(vetoed_by: str) -> list[str]:
    names = [name.strip() for name in vetoed_by.split(";") if name.strip()]
    unknown = [name for name in names if name not in PERMANENT_NAMES]
    if unknown:
        pytest.fail(f"unknown permanent member name(s) in vetoed_by: {unknown}")
    return [PERMANENT_NAMES[name] for name in names]


def classify_row(row: dict[str, str], seats_and_quota: tuple[int, int] | None = None) -> Outcome:
    seats, quota = seats_and_quota or charter_size_and_quota(date.fromisoformat(row["date"]))
    return classify_counts(
        yes=int(row["yes"]),
        no=int(row["no"]),
        abstain=int(row["abstain"]),
        quota=quota,
        matter=Matter.SUBSTANTIVE,
        permanent_no=permanent_members_named(row["vetoed_by"]),
        seated=seats,
    )


def classify_record() -> list[Classified]:
    classified: list[Classified] = []
    for row in read_rows():
        if not has_counts(row):
            continue
        if row["outcome"] not in RECORDED_RESULT:
            pytest.fail(f"unknown recorded outcome {row['outcome']!r} in {row}")
        classified.append(Classified(row, RECORDED_RESULT[row["outcome"]], classify_row(row)))
    return classified


def load_disagreements() -> dict[Key, dict[str, str]]:
    listed = json.loads(DISAGREEMENTS_JSON.read_text(encoding="utf-8"))
    assert isinstance(listed, list)
    by_key: dict[Key, dict[str, str]] = {}
    for entry in listed:
        key = (entry["meeting_record"], entry["date"], entry["document"])
        assert key not in by_key, f"listed twice: {key}"
        by_key[key] = entry
    return by_key


def test_every_recorded_outcome_agrees_with_the_engine_except_the_listed_ones() -> None:
    rows = read_rows()
    assert len(rows) == ROWS_IN_RECORD
    classified = classify_record()
    assert len(classified) == ROWS_WITH_COUNTS

    listed = load_disagreements()
    keys = [item.key for item in classified]
    for key in listed:
        assert keys.count(key) == 1, f"listed disagreement {key} must match exactly one row"

    disagreeing = {
        item.key: item for item in classified if item.outcome.result is not item.recorded
    }
    unexplained = sorted(set(disagreeing) - set(listed))
    assert not unexplained, f"engine and record disagree, not listed: {unexplained}"
    no_longer = sorted(set(listed) - set(disagreeing))
    assert not no_longer, f"listed as disagreeing but now agree: {no_longer}"

    for key, entry in listed.items():
        item = disagreeing[key]
        assert entry["recorded_outcome"] == item.row["outcome"]
        assert entry["engine_outcome"] == item.outcome.result.value
        assert len(entry["reason"]) > 80, f"{key}: say what is wrong in the source"
    assert len(classified) - len(disagreeing) == ROWS_WITH_COUNTS - len(listed)


def test_every_veto_in_the_record_names_permanent_members_that_voted_no() -> None:
    vetoes = [item for item in classify_record() if item.recorded is Result.VETOED]
    assert len(vetoes) == 208  # 212 vetoes recorded, 4 of them without counts
    for item in vetoes:
        assert item.outcome.result is Result.VETOED, item.row
        assert 1 <= len(item.outcome.vetoed_by) <= item.outcome.no


def test_the_record_supports_the_enlarged_council_from_1966() -> None:
    """Votes between the amendment's entry into force and 1966 were cast in an 11-seat Council."""
    window = [
        row
        for row in read_rows()
        if has_counts(row) and "1965-08-31" <= row["date"] <= "1965-12-31"
    ]
    assert len(window) == 11
    assert all(int(row["yes"]) + int(row["no"]) + int(row["abstain"]) <= 11 for row in window)
    under_old_rule = [classify_row(row, (11, 7)).result for row in window]
    assert under_old_rule == [Result.ADOPTED] * 11
    under_new_rule = {row["document"]: classify_row(row, (15, 9)).result for row in window}
    # S/RES/218 (1965), adopted 7-0-4 on 1965-11-23, would have failed with 9 votes needed.
    assert under_new_rule["S/RES/218 (1965)"] is Result.FAILED


def test_no_vote_before_1966_counts_more_than_eleven_members() -> None:
    early = [row for row in read_rows() if has_counts(row) and row["date"] < "1966-01-01"]
    assert len(early) > 200
    assert max(int(r["yes"]) + int(r["no"]) + int(r["abstain"]) for r in early) == 11
