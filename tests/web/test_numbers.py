"""Percentages that never claim certainty, and outcome badges."""

from __future__ import annotations

import math

import pytest

from web.numbers import outcome_badge, percent


@pytest.mark.parametrize(
    ("p", "shown"),
    [
        (None, "—"),
        (0, "0%"),
        (0.0, "0%"),
        (8.4e-5, "under 0.1%"),
        (1e-12, "under 0.1%"),
        (0.001, "0.1%"),
        (0.008, "0.8%"),
        (0.018, "1.8%"),
        (0.022, "2.2%"),
        (0.05, "5.0%"),
        (0.0995, "10%"),
        (0.1, "10%"),
        (0.285, "29%"),
        (0.45, "45%"),
        (0.994, "99%"),
        (0.995, "99.5%"),
        (0.999, "99.9%"),
        (0.9996, "over 99.9%"),
        (1 - 1e-12, "over 99.9%"),
        (1, "100%"),
        (1.0, "100%"),
    ],
)
def test_percent_is_honest_about_small_and_large_chances(p: float, shown: str) -> None:
    assert percent(p) == shown


def test_only_exact_zero_and_one_read_as_certain() -> None:
    samples = [k / 100_000 for k in range(1, 100_000)]

    assert all(percent(p) not in {"0%", "100%"} for p in samples)


@pytest.mark.parametrize("p", [-0.01, 1.01, math.nan, math.inf])
def test_a_value_that_is_no_probability_is_refused(p: float) -> None:
    with pytest.raises(ValueError, match="probability"):
        percent(p)


@pytest.mark.parametrize(
    ("outcome", "badge"),
    [
        ("adopted", ("Adopted", "badge badge--adopted")),
        ("vetoed", ("Vetoed", "badge badge--vetoed")),
        ("failed", ("Failed", "badge badge--failed")),
    ],
)
def test_each_outcome_has_a_label_and_classes(outcome: str, badge: tuple[str, str]) -> None:
    assert outcome_badge(outcome) == badge


def test_an_unknown_outcome_is_refused_rather_than_shown_blank() -> None:
    with pytest.raises(ValueError, match="unknown outcome"):
        outcome_badge("pending")
