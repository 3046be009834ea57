"""The Council's history end to end: voting power in 1960 under the 11-member rule, refusals
before the first meeting, and the whole history as ``make run`` loads it."""

from __future__ import annotations

import io
import itertools
import json
import re
from fractions import Fraction
from math import factorial

import pytest
from django.core.management import CommandError, call_command

from votes.models import ImportedFile, RecordedVote, VoteKind

COUNCIL_1960 = ["ARG", "CHN", "ECU", "FRA", "GBR", "ITA", "LKA", "POL", "RUS", "TUN", "USA"]
PERMANENT = {"CHN", "FRA", "GBR", "RUS", "USA"}


def _wins(coalition: set[str]) -> bool:
    return len(coalition) >= 7 and coalition >= PERMANENT


def _brute_force() -> tuple[dict[str, Fraction], dict[str, Fraction]]:
    """Both indices by enumerating every coalition of the other ten members (2^10 each):
    Shapley–Shubik weighs a swing by the orderings in which the member joins right after that
    coalition, |S|! (n - |S| - 1)! / n!; raw Banzhaf counts the swings over 2^10."""
    n = len(COUNCIL_1960)
    shapley = dict.fromkeys(COUNCIL_1960, Fraction(0))
    swings = dict.fromkeys(COUNCIL_1960, 0)
    for member in COUNCIL_1960:
        others = [m for m in COUNCIL_1960 if m != member]
        for size in range(len(others) + 1):
            for coalition in itertools.combinations(others, size):
                if _wins({*coalition, member}) and not _wins(set(coalition)):
                    swings[member] += 1
                    shapley[member] += Fraction(
                        factorial(size) * factorial(n - size - 1), factorial(n)
                    )
    banzhaf = {m: Fraction(swings[m], 2 ** (n - 1)) for m in COUNCIL_1960}
    return shapley, banzhaf


@pytest.mark.django_db
def test_power_index_in_1960_gives_the_eleven_member_values(seeded: None) -> None:
    out = io.StringIO()

    call_command("power_index", "--date", "1960-06-01", "--json", stdout=out)

    data = json.loads(out.getvalue())
    assert data["rule"]["quota"] == 7 and len(data["members"]) == 11
    assert sorted(m["member"] for m in data["members"]) == COUNCIL_1960
    names = {m["member"]: m["name"] for m in data["members"]}
    assert names["RUS"] == "Union of Soviet Socialist Republics"
    assert names["CHN"] == "Republic of China" and names["LKA"] == "Ceylon"
    shapley, banzhaf = _brute_force()
    for member in data["members"]:
        assert Fraction(member["shapley_shubik"]) == shapley[member["member"]]
        assert Fraction(member["banzhaf_raw"]) == banzhaf[member["member"]]
    assert sum(shapley.values()) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("1946-01-16", "before the Security Council first met (1946-01-17)"),
        ("2028-06-01", "known for 10 of 15 seats"),
    ],
)
def test_power_index_refuses_a_day_without_a_known_council(
    seeded: None, day: str, message: str
) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("power_index", "--date", day, stdout=io.StringIO())


@pytest.mark.django_db
def test_the_history_loads_as_make_run_loads_it_and_a_second_run_adds_nothing(seeded: None) -> None:
    first = io.StringIO()
    call_command("load_history", "--no-progress", stdout=first)

    text = first.getvalue()
    assert "sc_ballots_1994_2025.csv: 1716 decisions read" in text
    assert "unsc_outcomes_1946_2022.csv: 2960 decisions read" in text
    assert "0 invalid" in text and ImportedFile.objects.count() == 3
    ballots = RecordedVote.objects.filter(kind=VoteKind.BALLOTS)
    assert ballots.filter(voted_on__year__gte=1994).count() >= 1716
    assert ballots.filter(voted_on__year__lt=1994).exists()  # the UN Digital Library sample
    assert RecordedVote.objects.filter(voted_on__year__lt=1994).count() > 1000
    count = RecordedVote.objects.count()

    second = io.StringIO()
    call_command("load_history", "--no-progress", stdout=second)

    assert second.getvalue().count("already loaded") == 3
    assert RecordedVote.objects.count() == count
