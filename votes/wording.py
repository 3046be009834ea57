"""The engine's results in the words analysts read: the verdict in the centre of a seat
diagram and the closest path to adoption. Plain functions over the engine's values and a map
of member codes to names, so they can be tested without a database."""

from __future__ import annotations

from collections.abc import Mapping

import charter
from members.selectors import in_sentence, join_words
from web.numbers import percent

_NUMBERS = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
)

_WAS = {
    "yes": "voting yes",
    "leaning_yes": "leaning yes",
    "undecided": "being undecided",
    "leaning_no": "leaning no",
    "no": "voting no",
    "abstain": "abstaining",
    "not_participating": "staying out of the vote",
}


def number_word(count: int) -> str:
    return _NUMBERS[count] if 0 <= count < len(_NUMBERS) else str(count)


def _names(codes: tuple[str, ...] | list[str], names: Mapping[str, str]) -> str:
    return join_words([in_sentence(names.get(code, code)) for code in codes])


def verdict(outcome: charter.Outcome, names: Mapping[str, str], *, past: bool = False) -> str:
    """ "10 yes, 9 needed; Russia votes no: vetoed". Fewer yes votes than needed fail without
    a veto, so the sentence names no vetoing member then. ``past`` for a recorded vote."""
    head = f"{outcome.yes} yes, {outcome.quota} needed"
    result = charter.Result(outcome.result)
    if result is charter.Result.VETOED:
        vetoers = list(outcome.vetoed_by)
        verb = "voted" if past else ("votes" if len(vetoers) == 1 else "vote")
        who = (
            _names(vetoers, names)
            if len(vetoers) <= 2
            else f"{number_word(len(vetoers))} permanent members"
        )
        return f"{head}; {who} {verb} no: vetoed"
    if result is charter.Result.ADOPTED:
        return f"{head}: adopted"
    return f"{head}: {'failed' if past else 'it would fail'}"


def closest_path(path: charter.ClosestPath, names: Mapping[str, str]) -> str:
    """ "Needs France and the United Kingdom to abstain instead of voting no, and two more
    elected members in favour (the likeliest: Belgium and Germany): 4.1% on their records."
    The path is the most probable set of changes, so its chance is said with it."""
    if not path.feasible:
        reason = path.reason or "no set of changes can adopt it"
        return f"No path to adoption: {reason}."
    if not path.changes:
        return "As things stand it would be adopted: no change is needed."
    parts: list[str] = []
    groups: dict[tuple[str, str], list[str]] = {}
    in_favour: list[str] = []
    for change in path.changes:
        to = charter.Vote(change.to).value
        if not change.permanent and to == "yes":
            in_favour.append(change.member)
            continue
        groups.setdefault((to, charter.Stance(change.from_stance).value), []).append(change.member)
    for (to, was), codes in groups.items():
        verb = {"abstain": "to abstain", "yes": "to vote yes"}.get(to, f"to vote {to}")
        parts.append(f"{_names(codes, names)} {verb} instead of {_WAS.get(was, was)}")
    if in_favour:
        count = len(in_favour)
        members = "member" if count == 1 else "members"
        parts.append(
            f"{number_word(count)} more elected {members} in favour "
            f"(the likeliest: {_names(in_favour, names)})"
        )
    # The parts may hold "and" themselves, so the last one is set off by a comma.
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]
    chance = f": {percent(path.probability)} on their records" if path.probability > 0 else ""
    return f"Needs {joined}{chance}."
