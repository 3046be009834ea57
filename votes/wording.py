"""The engine's results in the words analysts read: the verdict in the centre of a seat
diagram and the closest path to adoption. Plain functions over the engine's values and a map
of member codes to names, so they can be tested without a database."""

from __future__ import annotations

from collections.abc import Mapping

import charter
from members.selectors import in_sentence, join_words

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
    elected members in favour (the likeliest: Belgium and Germany)."""
    if not path.feasible:
        reason = path.reason or "no set of changes can adopt it"
        return f"No path to adoption: {reason}."
    if not path.changes:
        return "As things stand it would be adopted: no change is needed."
    parts: list[str] = []
    permanent = [c for c in path.changes if c.permanent]
    groups: dict[tuple[str, str], list[str]] = {}
    for change in permanent:
        key = (charter.Vote(change.to).value, charter.Stance(change.from_stance).value)
        groups.setdefault(key, []).append(change.member)
    for (to, was), codes in groups.items():
        verb = {"abstain": "to abstain", "yes": "to vote yes"}.get(to, f"to vote {to}")
        parts.append(f"{_names(codes, names)} {verb} instead of {_WAS.get(was, was)}")
    elected = [c.member for c in path.changes if not c.permanent]
    if elected:
        count = len(elected)
        members = "member" if count == 1 else "members"
        parts.append(
            f"{number_word(count)} more elected {members} in favour "
            f"(the likeliest: {_names(elected, names)})"
        )
    # The parts may hold "and" themselves, so the last one is set off by a comma.
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]
    return f"Needs {joined}."
