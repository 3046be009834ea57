"""The voting rule of the Security Council: who sits, who holds a veto, how many votes adopt.

This module holds the vocabulary shared by the whole engine (votes, stances, matters, results,
errors) and the :class:`Rule` value that every other module takes as its first argument. A rule
is built from the members seated on a given day (:func:`rule_for`); nothing about the
composition of the Council is hard-coded, only the Charter's seat count and quota.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeAlias

JSONValue: TypeAlias = (
    "str | int | float | bool | Sequence[JSONValue] | Mapping[str, JSONValue] | None"
)
"""What ``to_dict()`` methods hold: data :func:`json.dumps` accepts as it is. (The methods build
plain lists and dicts; the alias says Sequence and Mapping only so that a ``list[str]`` fits.)"""

CHARTER_IN_FORCE = date(1945, 10, 24)
"""The Charter entered into force on this day; no Council existed before it."""

FIRST_MEETING = date(1946, 1, 17)
"""The Security Council first met on this day: no Council sat, voted or was composed before."""

ENLARGED_COUNCIL_FIRST_SAT = date(1966, 1, 1)
"""First day of the 15-member Council (see :func:`charter_size_and_quota`)."""


class Vote(StrEnum):
    """A ballot cast in a recorded vote."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    NOT_PARTICIPATING = "not_participating"


class Matter(StrEnum):
    """Article 27: procedural matters need no concurrence of the permanent members."""

    SUBSTANTIVE = "substantive"
    PROCEDURAL = "procedural"


class Stance(StrEnum):
    """A member's known or expected position on a draft before it is put to the vote."""

    YES = "yes"
    LEANING_YES = "leaning_yes"
    UNDECIDED = "undecided"
    LEANING_NO = "leaning_no"
    NO = "no"
    ABSTAIN = "abstain"
    NOT_PARTICIPATING = "not_participating"


class Result(StrEnum):
    """The outcome of a vote on a draft resolution."""

    ADOPTED = "adopted"
    VETOED = "vetoed"
    FAILED = "failed"


class EngineError(ValueError):
    """Base of every error the engine raises; the message is written for a person to read."""


class UnknownMember(EngineError):
    """A country code that is not seated under the rule in use.

    ``code`` keeps the offending code so that callers (a REST view, a form) can point at it.
    """

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        super().__init__(message or f"{code} is not a member under this rule")

    def __reduce__(self) -> tuple[type[UnknownMember], tuple[str, str]]:
        # Exceptions pickle their args; keep the code too (Celery may pickle task errors).
        return (type(self), (self.code, str(self)))


@dataclass(frozen=True)
class Rule:
    """Who is seated, who holds a veto, how many yes votes adopt, and on what kind of matter.

    ``members`` keeps the order it is given in; results that list members follow that order
    unless they say otherwise. Lists and sets are accepted and stored as tuple and frozenset.
    """

    members: tuple[str, ...]
    permanent: frozenset[str]
    quota: int
    matter: Matter = Matter.SUBSTANTIVE

    def __post_init__(self) -> None:
        # Callers (forms, fixtures) often hand in lists and plain strings: normalise them once
        # here so that equality, hashing and fingerprints do not depend on the container used.
        object.__setattr__(self, "members", tuple(self.members))
        object.__setattr__(self, "permanent", frozenset(self.permanent))
        try:
            object.__setattr__(self, "matter", Matter(self.matter))
        except ValueError:
            valid = ", ".join(m.value for m in Matter)
            raise EngineError(f"{self.matter!r} is not a matter; valid matters: {valid}") from None
        for code in self.members:
            if not isinstance(code, str) or not code:
                raise EngineError(f"member codes must be non-empty strings, got {code!r}")
        seen: set[str] = set()
        duplicates: set[str] = set()
        for code in self.members:
            if code in seen:
                duplicates.add(code)
            seen.add(code)
        if duplicates:
            raise EngineError(f"{', '.join(sorted(duplicates))} seated more than once")
        outside = sorted(self.permanent - seen)
        if outside:
            raise EngineError(
                f"permanent member(s) {', '.join(outside)} are not among the members seated"
            )
        if isinstance(self.quota, bool) or not isinstance(self.quota, int):
            raise EngineError(f"the quota must be a whole number, got {self.quota!r}")
        if not 1 <= self.quota <= len(self.members):
            raise EngineError(
                f"a quota of {self.quota} is impossible with {len(self.members)} members seated"
            )
        # Membership is checked on every ballot and position: keep a set beside the tuple.
        # It is not a field, so equality, hashing and to_dict() ignore it.
        object.__setattr__(self, "_members_seated", frozenset(seen))

    @property
    def has_veto(self) -> bool:
        """True when a permanent member's negative vote blocks adoption (Article 27(3))."""
        return self.matter is Matter.SUBSTANTIVE and bool(self.permanent)

    @property
    def elected(self) -> tuple[str, ...]:
        """The non-permanent members, in seating order."""
        return tuple(code for code in self.members if code not in self.permanent)

    def is_permanent(self, code: str) -> bool:
        """Whether ``code`` is a permanent member; raises :class:`UnknownMember` if not seated."""
        self.require_member(code)
        return code in self.permanent

    def require_member(self, code: str, message: str | None = None) -> None:
        """Raise :class:`UnknownMember` unless ``code`` is seated under this rule."""
        if code not in self.member_set:
            raise UnknownMember(code, message)

    @property
    def member_set(self) -> frozenset[str]:
        """The members as a set, for fast membership tests."""
        seated: frozenset[str] = self.__dict__["_members_seated"]
        return seated

    def with_matter(self, matter: Matter) -> Rule:
        """The same Council voting on a matter of another kind."""
        return dataclasses.replace(self, matter=matter)

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form: members in seating order, permanent members sorted."""
        return {
            "members": list(self.members),
            "permanent": sorted(self.permanent),
            "quota": self.quota,
            "matter": self.matter.value,
            "has_veto": self.has_veto,
        }


def _as_date(day: date) -> date:
    # datetime is a subclass of date but does not compare with one: reduce it to its day.
    if isinstance(day, datetime):
        return day.date()
    if not isinstance(day, date):
        raise EngineError(f"expected a date, got {day!r}")
    return day


def charter_size_and_quota(day: date) -> tuple[int, int]:
    """Number of seats and of affirmative votes needed on ``day`` (Articles 23 and 27).

    The original Charter gave the Council 11 members and required 7 affirmative votes. The
    1963 amendment (General Assembly resolution 1991 A (XVIII)) raised these to 15 and 9. It
    entered into force on 1965-08-31, but the enlarged Council first sat on 1966-01-01, after
    the General Assembly had elected the four additional members in late 1965.

    The boundary used is **1966-01-01**, the day the enlarged Council first sat, because that is
    what the voting record supports: every vote recorded between 1965-08-31 and 1965-12-31 has
    at most 11 votes cast, and S/RES/218 (1965) was adopted on 1965-11-23 by 7-0-4, which is an
    adoption only under the 11-seat, 7-vote rule (see ``seed/history/unsc_outcomes_1946_2022.csv``
    and ``test_engine_history.py``).
    """
    day = _as_date(day)
    if day < CHARTER_IN_FORCE:
        raise EngineError(
            f"{day.isoformat()} is before the Charter entered into force "
            f"({CHARTER_IN_FORCE.isoformat()}): there was no Security Council"
        )
    if day < ENLARGED_COUNCIL_FIRST_SAT:
        return 11, 7
    return 15, 9


def rule_for(
    day: date, seated: Iterable[tuple[str, bool]], matter: Matter = Matter.SUBSTANTIVE
) -> Rule:
    """The rule in force on ``day`` for the members in ``seated``.

    ``seated`` gives ``(iso3, is_permanent)`` pairs, usually from the database of Council
    terms; their order is kept. The quota comes from :func:`charter_size_and_quota`. Fewer
    members than the Charter's seat count are accepted (a vacancy, or terms not yet known) and
    the quota stays the Charter's; more members than seats is an error.
    """
    size, quota = charter_size_and_quota(day)
    pairs = list(seated)
    if len(pairs) > size:
        raise EngineError(
            f"{len(pairs)} members given for {_as_date(day).isoformat()}, "
            f"but the Council had {size} seats then"
        )
    return Rule(
        members=tuple(code for code, _ in pairs),
        permanent=frozenset(code for code, is_permanent in pairs if is_permanent),
        quota=quota,
        matter=matter,
    )
