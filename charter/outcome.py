"""What a recorded vote decided: adopted, vetoed or failed (Article 27).

:func:`classify` reads per-member ballots; :func:`classify_counts` reads the counts that most
historical records give, plus the names of the permanent members that voted no. Both apply the
same three rules:

* **adopted**: at least ``quota`` yes votes and, on a substantive matter, no permanent member
  voting no;
* **vetoed**: at least ``quota`` yes votes on a substantive matter, but one or more permanent
  members voting no (they are named in ``vetoed_by``);
* **failed**: fewer than ``quota`` yes votes. This holds even when a permanent member voted no:
  the draft fell short of the votes it needed, so that negative vote was not a veto.

An abstention or non-participation by a permanent member is never a veto (the Council's
practice since 1946, confirmed by the ICJ in the Namibia advisory opinion, 1971).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .rule import EngineError, JSONValue, Matter, Result, Rule, Vote


@dataclass(frozen=True)
class Outcome:
    """The counted result of one vote."""

    result: Result
    yes: int
    no: int
    abstain: int
    not_participating: int
    vetoed_by: tuple[str, ...]
    quota: int
    matter: Matter

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "result": self.result.value,
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "not_participating": self.not_participating,
            "vetoed_by": list(self.vetoed_by),
            "quota": self.quota,
            "matter": self.matter.value,
        }


def _decide(
    *, yes: int, quota: int, matter: Matter, permanent_no: Collection[str]
) -> tuple[Result, tuple[str, ...]]:
    if yes < quota:
        # A draft short of the quota fails on its own; a permanent no is then not a veto.
        return Result.FAILED, ()
    if matter is Matter.SUBSTANTIVE and permanent_no:
        return Result.VETOED, tuple(sorted(permanent_no))
    return Result.ADOPTED, ()


def _as_vote(code: str, value: str) -> Vote:
    try:
        return Vote(value)
    except ValueError:
        valid = ", ".join(v.value for v in Vote)
        raise EngineError(f"{code}: {value!r} is not a vote; valid votes: {valid}") from None


def classify(rule: Rule, ballots: Mapping[str, Vote]) -> Outcome:
    """Classify a vote from per-member ballots.

    Members of the rule that have no ballot did not participate. A code that is not seated
    under the rule raises :class:`~charter.rule.UnknownMember`; a value that is not a
    :class:`~charter.rule.Vote` (or its string value) raises ``EngineError``.
    """
    counts = dict.fromkeys(Vote, 0)
    permanent_no: list[str] = []
    for code, value in ballots.items():
        rule.require_member(code)
        vote = _as_vote(code, value)
        counts[vote] += 1
        if vote is Vote.NO and code in rule.permanent:
            permanent_no.append(code)
    result, vetoed_by = _decide(
        yes=counts[Vote.YES], quota=rule.quota, matter=rule.matter, permanent_no=permanent_no
    )
    return Outcome(
        result=result,
        yes=counts[Vote.YES],
        no=counts[Vote.NO],
        abstain=counts[Vote.ABSTAIN],
        not_participating=counts[Vote.NOT_PARTICIPATING] + len(rule.members) - len(ballots),
        vetoed_by=vetoed_by,
        quota=rule.quota,
        matter=rule.matter,
    )


def classify_counts(
    *,
    yes: int,
    no: int,
    abstain: int,
    quota: int,
    matter: Matter,
    permanent_no: Collection[str],
    seated: int | None = None,
) -> Outcome:
    """Classify a vote known only by its counts and the permanent members that voted no.

    ``permanent_no`` names the permanent members that cast a negative vote (as historical
    tables list them under "vetoed by"); it may not name more members than ``no``. When
    ``seated`` (the number of members seated) is given, ``not_participating`` is what the
    counts leave over; otherwise it is 0, because the record does not say.
    """
    for name, value in (("yes", yes), ("no", no), ("abstain", abstain)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise EngineError(f"the {name} count must be a whole number >= 0, got {value!r}")
    if isinstance(quota, bool) or not isinstance(quota, int) or quota < 1:
        raise EngineError(f"the quota must be a whole number >= 1, got {quota!r}")
    try:
        matter = Matter(matter)
    except ValueError:
        raise EngineError(f"{matter!r} is not a matter") from None
    names = list(permanent_no)
    if len(set(names)) != len(names):
        raise EngineError(f"a permanent member is named twice among the no votes: {names}")
    if len(names) > no:
        raise EngineError(
            f"{len(names)} permanent members named as voting no, but only {no} no votes counted"
        )
    not_participating = 0
    if seated is not None:
        not_participating = seated - yes - no - abstain
        if not_participating < 0:
            raise EngineError(f"{yes + no + abstain} votes counted with only {seated} seated")
    result, vetoed_by = _decide(yes=yes, quota=quota, matter=matter, permanent_no=names)
    return Outcome(
        result=result,
        yes=yes,
        no=no,
        abstain=abstain,
        not_participating=not_participating,
        vetoed_by=vetoed_by,
        quota=quota,
        matter=matter,
    )
