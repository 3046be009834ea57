"""What the site's pages read about members: names as of a day, and the Council on a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from members.models import Composition, Member, Term, charter_seats

T = TypeVar("T")

# Names that take "the" in a sentence ("the United Kingdom votes no").
_WITH_ARTICLE = frozenset(
    {
        "Bahamas",
        "Central African Republic",
        "Comoros",
        "Congo",
        "Czech Republic",
        "Democratic Republic of the Congo",
        "Dominican Republic",
        "Gambia",
        "Netherlands",
        "Niger",
        "Philippines",
        "Russian Federation",
        "Soviet Union",
        "Sudan",
        "Syrian Arab Republic",
        "Union of Soviet Socialist Republics",
        "United Arab Republic",
    }
)


def member_name(member: Member, day: dt.date | None = None) -> str:
    """The member's name on ``day`` (the USSR before 1991-12-25) where the model knows names
    over time, else its name."""
    name_on = getattr(member, "name_on", None)
    if day is not None and callable(name_on):
        return str(name_on(day))
    return member.name


def in_sentence(name: str) -> str:
    """A country's name as it reads inside a sentence: "the United States", "France"."""
    if name.startswith(("United ", "Republic of ")) or name in _WITH_ARTICLE:
        return f"the {name}"
    return name


def join_words(words: list[str]) -> str:
    """``["France", "the United Kingdom"]`` -> "France and the United Kingdom"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class SeatedMember:
    member: Member
    name: str
    term_start: dt.date
    term_end: dt.date | None


@dataclass(frozen=True)
class Council:
    """The Council on a day, for the members page: who sat, and how many seats there were."""

    day: dt.date
    seats: int
    quota: int
    members: list[SeatedMember]
    note: str

    @property
    def complete(self) -> bool:
        return len(self.members) == self.seats


def council_on(day: dt.date) -> Council:
    """The members seated on ``day`` with the term that seats each, in two queries; a
    ValidationError before the Charter."""
    seats, quota = charter_seats(day)
    members = Member.objects.seated_on(day).prefetch_related(
        Prefetch("terms", queryset=Term.objects.covering(day), to_attr="terms_on_day")
    )
    seated = []
    for member in members:
        # Prefetch(to_attr=...) sets it at run time; the stubs cannot know the name.
        term = member.terms_on_day[0]  # type: ignore[attr-defined]  # plugin gap: MemberQuerySet's rows lose the to_attr
        seated.append(SeatedMember(member, member_name(member, day), term.start, term.end))
    composition = Composition(day, tuple(s.member for s in seated), seats, quota)
    return Council(day, seats, quota, seated, composition.describe())


def parse_day(text: str | None, *, default: dt.date, field: str) -> tuple[dt.date, str | None]:
    """A date typed by a visitor: the day and no error, or ``default`` and what was wrong."""
    if not text:
        return default, None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return default, f"{text!r} is not a date: use YYYY-MM-DD."
    try:
        charter_seats(day)
    except ValidationError as error:
        return default, error.messages[0]
    if field and day.year > 2100:
        return default, f"{text} is too far ahead."
    return day, None


def horseshoe(items: Sequence[T], is_permanent: Callable[[T], bool]) -> list[T]:
    """Seats in the order the horseshoe draws them: the permanent members at the top, the
    elected members either side, each group in the order given."""
    permanent = [item for item in items if is_permanent(item)]
    elected = [item for item in items if not is_permanent(item)]
    half = (len(elected) + 1) // 2
    return [*elected[:half], *permanent, *elected[half:]]
