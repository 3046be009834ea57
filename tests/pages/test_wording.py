"""The engine's results in words: the verdict of a seat diagram and the closest path."""

from __future__ import annotations

import charter
from votes.wording import closest_path, verdict

NAMES = {
    "RUS": "Russian Federation",
    "FRA": "France",
    "GBR": "United Kingdom",
    "USA": "United States",
}


def _outcome(result: str, yes: int, vetoed_by: tuple[str, ...] = ()) -> charter.Outcome:
    return charter.Outcome(
        charter.Result(result),
        yes,
        len(vetoed_by),
        0,
        15 - yes - len(vetoed_by),
        vetoed_by,
        9,
        charter.Matter.SUBSTANTIVE,
    )


def test_a_veto_names_the_member_that_casts_it() -> None:
    assert verdict(_outcome("vetoed", 10, ("RUS",)), NAMES) == (
        "10 yes, 9 needed; the Russian Federation votes no: vetoed"
    )


def test_two_vetoes_and_three() -> None:
    assert "France and the United Kingdom vote no: vetoed" in verdict(
        _outcome("vetoed", 12, ("FRA", "GBR")), NAMES
    )
    assert "three permanent members vote no" in verdict(
        _outcome("vetoed", 12, ("FRA", "GBR", "USA")), NAMES
    )


def test_too_few_votes_fail_without_a_veto() -> None:
    assert verdict(_outcome("failed", 2), NAMES) == "2 yes, 9 needed: it would fail"
    assert verdict(_outcome("failed", 2), NAMES, past=True) == "2 yes, 9 needed: failed"


def test_the_closest_path_in_words() -> None:
    path = charter.ClosestPath(
        feasible=True,
        changes=(
            charter.Change("FRA", True, charter.Stance.NO, charter.Vote.ABSTAIN, charter.Vote.NO),
            charter.Change("GBR", True, charter.Stance.NO, charter.Vote.ABSTAIN, charter.Vote.NO),
            charter.Change(
                "BEL", False, charter.Stance.UNDECIDED, charter.Vote.YES, charter.Vote.ABSTAIN
            ),
            charter.Change(
                "DEU", False, charter.Stance.UNDECIDED, charter.Vote.YES, charter.Vote.ABSTAIN
            ),
        ),
        reason=None,
        elected_only_feasible=False,
        elected_only_reason="no",
        probability=0.041,
    )

    assert closest_path(path, {**NAMES, "BEL": "Belgium", "DEU": "Germany"}) == (
        "Needs France and the United Kingdom to abstain instead of voting no, and two more "
        "elected members in favour (the likeliest: Belgium and Germany): 4.1% on their records."
    )


def test_no_change_needed_and_no_path() -> None:
    none = charter.ClosestPath(True, (), None, True, None)
    blocked = charter.ClosestPath(False, (), "USA votes no as a permanent member", False, None)

    assert closest_path(none, NAMES).startswith("As things stand it would be adopted")
    assert closest_path(blocked, NAMES) == (
        "No path to adoption: USA votes no as a permanent member."
    )
