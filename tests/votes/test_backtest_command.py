"""``manage.py backtest FILE``: what it prints, its options, its errors, and the targets of the
forecast on the shared ballots file."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from charter import VoteRecord, backtest
from votes.forecast import read_votes

HISTORY = Path(settings.BASE_DIR) / "seed" / "history" / "sc_ballots_1994_2025.csv"


def run(*args: str) -> str:
    out = StringIO()
    call_command("backtest", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def slice_1994(tmp_path: Path) -> Path:
    """The first 80 votes of the shared file (1994)."""
    lines = HISTORY.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "ballots-1994.csv"
    path.write_text("\n".join(lines[: 1 + 80 * 15]) + "\n", encoding="utf-8")
    return path


def test_it_prints_the_scores_beside_the_base_rate_and_the_fixed_row(
    db: None, slice_1994: Path
) -> None:
    text = run(str(slice_1994), "--reveal", "5")
    assert "Back-test on ballots-1994.csv: 80 votes, 1994-01-06 to " in text
    assert "5 ballots revealed at confidence 0.9 (seed 20191230); blocs on" in text
    for row in ("model", "naive base rate", "fixed row (engine 1)"):
        assert f"  {row}" in text
    assert "0.9-1.0" in text and "Reliability of the model" in text
    for member in ("CHN", "FRA", "GBR", "RUS", "USA", "elected"):
        assert f"  {member} " in text


def test_json_is_one_object_with_the_documented_keys(db: None, slice_1994: Path) -> None:
    data = json.loads(run(str(slice_1994), "--json", "--reveal", "10"))
    assert {"n", "brier", "log_loss", "baseline_brier", "baseline_log_loss", "reliability"} <= set(
        data
    )
    assert data["n"] == 80 and data["reveal"] == 10
    assert sum(item["n"] for item in data["reliability"]) == 80
    assert data["brier"] < data["baseline_brier"]


def test_since_a_year_and_the_svg_plot(db: None, tmp_path: Path) -> None:
    lines = HISTORY.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "two-years.csv"
    path.write_text("\n".join(lines[: 1 + 330 * 15]) + "\n", encoding="utf-8")
    svg = tmp_path / "reliability.svg"
    data = json.loads(run(str(path), "--since", "1995", "--json", "--svg", str(svg)))
    every = json.loads(run(str(path), "--json"))
    assert data["n"] < every["n"]
    assert data["since"] == 1995
    picture = svg.read_text(encoding="utf-8")
    assert picture.startswith("<svg") and "share adopted" in picture and "<circle" in picture


def test_the_seeds_layout_is_read_too(seeded: None) -> None:
    data = json.loads(run(str(Path(settings.BASE_DIR) / "seed" / "recorded_votes.csv"), "--json"))
    assert data["n"] == 12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/file.csv"], "no such file"),
        ([str(HISTORY), "--reveal", "-1"], "--reveal must be 0 or more"),
        ([str(HISTORY), "--since", "2100"], "No vote in sc_ballots_1994_2025.csv from 2100 on"),
    ],
)
def test_bad_arguments_are_refused_with_the_reason(db: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_file_of_another_layout_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("meeting,date\nS/PV.1,1946-01-17\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a layout of recorded ballots"):
        run(str(path))


# --- the targets, on the whole shared file (the votes of the file alone) ---------------------


@pytest.fixture(scope="module")
def history_votes() -> list[VoteRecord]:
    return list(read_votes(HISTORY))


@pytest.mark.parametrize("reveal", [0, 10])
def test_the_forecast_meets_its_targets_on_the_shared_file(
    history_votes: list[VoteRecord], reveal: int
) -> None:
    report = backtest.run(history_votes, reveal=reveal)
    assert report.model.n == 1716
    if reveal == 0:
        assert report.model.brier <= report.base_rate.brier
    else:
        assert report.model.brier <= report.base_rate.brier / 2
    for item in report.model.reliability:
        if item.n >= 30:
            assert item.gap is not None and item.gap <= 0.05, item


def test_it_reads_the_un_digital_librarys_voting_csv(seeded: None) -> None:
    sample = Path(settings.BASE_DIR) / "seed" / "history" / "undl_sc_voting_sample.csv"
    text = run(str(sample), "--reveal", "0")
    assert "Back-test on undl_sc_voting_sample.csv: 41 votes, 1950-01-17 to 2025-09-12" in text
