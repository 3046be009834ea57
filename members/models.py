"""Council members and their terms: who sits on the Security Council on any date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable
from django.urls import reverse
from simple_history.models import HistoricalRecords

import charter

CHARTER_IN_FORCE = dt.date(1945, 10, 24)
FIRST_MEETING = charter.rule.FIRST_MEETING
"""The Security Council first met on this day: compositions, tallies and power start here."""

iso3_validator = RegexValidator(
    r"^[A-Z]{3}$", "Enter an ISO 3166-1 alpha-3 code: three capital letters, e.g. USA."
)


def charter_seats(day: dt.date) -> tuple[int, int]:
    """Seats and votes needed under the Charter on ``day``, or a ValidationError a person
    understands for a day before there was a Security Council."""
    if day < CHARTER_IN_FORCE:
        raise ValidationError(
            f"{day.isoformat()} is before the Charter entered into force "
            f"({CHARTER_IN_FORCE.isoformat()}): there was no Security Council."
        )
    return charter.charter_size_and_quota(day)


def council_seats(day: dt.date) -> tuple[int, int]:
    """Seats and votes needed on a day the Council could vote: from its first meeting on.
    A ValidationError a person understands for an earlier day."""
    if day < FIRST_MEETING:
        raise ValidationError(
            f"{day.isoformat()} is before the Security Council first met "
            f"({FIRST_MEETING.isoformat()}): there is no Council to compose on that day."
        )
    return charter_seats(day)


class MemberQuerySet(models.QuerySet["Member"]):
    def seated_on(self, day: dt.date) -> MemberQuerySet:
        """The members holding a seat on ``day`` (only those whose terms are known)."""
        seated = Term.objects.covering(day).values("member_id")
        return self.filter(pk__in=seated).with_names().order_by("-permanent", "name")

    def with_names(self) -> MemberQuerySet:
        """With the names over time prefetched, so :meth:`Member.name_on` needs no query."""
        return self.prefetch_related("names")

    def by_code(self, code: str) -> Member:
        return self.get(code=code.strip().upper())


class Member(models.Model):
    """A seat's holder as one identity across its names: the Russian Federation continues the
    USSR's seat, China the Republic of China's, Burkina Faso Upper Volta's. ``name`` is the
    latest name; :meth:`name_on` gives the name of a day."""

    name = models.CharField(max_length=120, help_text="The latest name (see names over time).")
    code = models.CharField(
        "ISO 3166-1 alpha-3 code",
        max_length=3,
        unique=True,
        validators=[iso3_validator],
        help_text="Three capital letters, e.g. USA, CHN, DEU: today's code, or the historical "
        "code of a state that no longer exists (YUG, CSK, DDR, YMD).",
    )
    permanent = models.BooleanField(
        default=False, help_text="One of the five permanent members (Charter, Article 23)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="member_code_iso3"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The member's page on the analysts' site."""
        return reverse("member", kwargs={"code": self.code})

    def is_seated_on(self, day: dt.date) -> bool:
        return self.terms.covering(day).exists()

    def name_record_on(self, day: dt.date) -> MemberName | None:
        """The name in use on ``day``: the latest begun on or before it, else the first one
        (uses the prefetched names when there are)."""
        names = sorted(self.names.all(), key=lambda n: n.start)
        before = [n for n in names if n.start <= day]
        if before:
            return before[-1]
        return names[0] if names else None

    def name_on(self, day: dt.date) -> str:
        """The member's name on ``day`` (Union of Soviet Socialist Republics in 1960)."""
        record = self.name_record_on(day)
        return record.name if record else self.name

    def code_on(self, day: dt.date) -> str:
        """The code the UN's records use for it on ``day`` (SUN for the USSR)."""
        record = self.name_record_on(day)
        return (record.code or self.code) if record else self.code


class MemberName(models.Model):
    """A name a member held, from ``start`` to ``end`` as its Council terms record it, with
    the code of the time when the UN's records used another (SUN for the USSR)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=120)
    code = models.CharField(
        "code of the time",
        max_length=3,
        blank=True,
        validators=[iso3_validator],
        help_text="Empty when it is the member's own code.",
    )
    start = models.DateField()
    end = models.DateField(
        null=True, blank=True, help_text="Last day it is recorded; empty: still in use."
    )
    source = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["member__name", "start"]
        constraints = [
            models.UniqueConstraint(fields=["member", "start"], name="member_name_unique_start"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="member_name_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        end = self.end.isoformat() if self.end else "…"
        return f"{self.name} ({self.start.isoformat()}–{end})"


class TermQuerySet(models.QuerySet["Term"]):
    def covering(self, day: dt.date | Combinable) -> TermQuerySet:
        """The terms that cover ``day``: begun on or before it, and not ended before it. The
        same rule as :meth:`Term.covers`, in SQL."""
        return self.filter(Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day)))


class Term(models.Model):
    """One term of a member on the Council. Permanent members' terms have no end."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="terms")
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty for a permanent member.")
    source = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TermQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["start", "member__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="term_ends_after_start",
            ),
            models.UniqueConstraint(fields=["member", "start"], name="term_unique_start"),
        ]

    def __str__(self) -> str:
        end = self.end.isoformat() if self.end else "…"
        return f"{self.member} {self.start.isoformat()}–{end}"

    def clean(self) -> None:
        """Refuse a term that starts before the Charter, ends before it starts, is open-ended
        for an elected member, overlaps another term of the same member, or would seat more
        members than the Charter allows on some day."""
        member = self.member if self.member_id is not None else None
        validate_terms(member, [self])

    def covers(self, day: dt.date) -> bool:
        """Whether this term covers ``day`` (both ends included; no end: still running)."""
        return self.start <= day and (self.end is None or self.end >= day)

    def overlaps(self, other: Term) -> bool:
        return (self.end is None or other.start <= self.end) and (
            other.end is None or self.start <= other.end
        )


def validate_terms(member: Member | None, terms: list[Term]) -> None:
    """Check new or changed terms of one member together: each on its own, against each other,
    against the member's other stored terms, and against the Council's seats on every day they
    cover. ``member`` may be unsaved (the admin adds a member and its terms on one page); then
    only the checks that need no stored rows run for it. Raises a ValidationError naming the
    field."""
    for term in terms:
        _check_dates(term)
        if member is not None:
            if term.end is None and not member.permanent:
                raise ValidationError(
                    {"end": f"{member} is an elected member: its term needs an end date."}
                )
            if term.end is not None and member.permanent:
                raise ValidationError(
                    {"end": f"{member} is a permanent member: its term has no end date."}
                )
    keep = [t.pk for t in terms if t.pk]
    stored = Term.objects.exclude(pk__in=keep).select_related("member")
    if member is not None and member.pk is not None:
        mine = [t for t in stored.filter(member=member) if any(t.overlaps(n) for n in terms)]
    else:
        mine = []
    for index, term in enumerate(terms):
        clash = next(
            (t for t in [*mine, *terms[index + 1 :]] if t is not term and t.overlaps(term)), None
        )
        if clash is not None:
            who = member if member is not None else "This member"
            raise ValidationError(
                {
                    "start": f"{who} already has a term that overlaps this one: "
                    f"{clash.start}–{clash.end or '…'}."
                }
            )
    _check_seats(terms, stored)


def _check_dates(term: Term) -> None:
    if term.start < CHARTER_IN_FORCE:
        raise ValidationError(
            {
                "start": f"{term.start.isoformat()} is before the Charter entered "
                f"into force ({CHARTER_IN_FORCE.isoformat()})."
            }
        )
    if term.end and term.end < term.start:
        raise ValidationError(
            {
                "end": f"The term cannot end ({term.end.isoformat()}) before it "
                f"starts ({term.start.isoformat()})."
            }
        )


def _check_seats(terms: list[Term], stored: TermQuerySet) -> None:
    # The number seated only rises on a term's first day, so checking those days suffices.
    window = Q()
    for term in terms:
        overlap = Q(end__isnull=True) | Q(end__gte=term.start)
        if term.end is not None:
            overlap &= Q(start__lte=term.end)
        window |= overlap
    everyone = [*stored.filter(window), *terms]
    for term in terms:
        days = {t.start for t in everyone if t.start >= term.start and term.covers(t.start)}
        for day in sorted(days):
            seats, _ = charter_seats(day)
            seated = sum(1 for t in everyone if t.covers(day))
            if seated > seats:
                raise ValidationError(
                    {
                        "start": f"The Council has {seats} seats and all {seats} are held on "
                        f"{day.isoformat()}; this term would add a seat number {seats + 1}."
                    }
                )


@dataclass(frozen=True)
class Composition:
    """The Council on a day, as far as the stored terms know it."""

    day: dt.date
    members: tuple[Member, ...]
    seats: int
    quota: int

    @classmethod
    def on(cls, day: dt.date) -> Composition:
        """The Council on ``day``, permanent members first, then by the names of that day; a
        ValidationError before the Council first met."""
        seats = council_seats(day)
        members = sorted(
            Member.objects.seated_on(day), key=lambda m: (not m.permanent, m.name_on(day))
        )
        return cls(day, tuple(members), *seats)

    def name_of(self, member: Member) -> str:
        """The member's name on this Council's day."""
        return member.name_on(self.day)

    @property
    def names(self) -> dict[str, str]:
        """Code -> name on this Council's day."""
        return {m.code: m.name_on(self.day) for m in self.members}

    @property
    def known(self) -> int:
        return len(self.members)

    @property
    def complete(self) -> bool:
        return self.known == self.seats

    @property
    def permanent(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.permanent)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.members)

    def describe(self) -> str:
        if self.complete:
            return f"the Council on {self.day.isoformat()}: all {self.seats} seats known"
        return (
            f"the Council on {self.day.isoformat()} is known for {self.known} of {self.seats} seats"
        )

    def rule(self, matter: charter.Matter = charter.Matter.SUBSTANTIVE) -> charter.Rule:
        """The voting rule of this Council: its members, their vetoes and the quota of its day.
        A ValidationError when seats are missing, since a partial Council would give a wrong
        quota of members and wrong vetoes."""
        self.require_complete()
        return charter.rule_for(self.day, [(m.code, m.permanent) for m in self.members], matter)

    def require_complete(self) -> None:
        """Refuse to treat the known members as the whole Council when seats are missing."""
        if not self.complete:
            raise ValidationError(
                f"{self.describe()[0].upper()}{self.describe()[1:]}: add the missing terms first."
            )


class CouncilCalendar:
    """Every term in one query, to answer "who sat on day D" for many days without a query
    per day (for lists of drafts or votes)."""

    def __init__(self) -> None:
        self._terms = list(
            Term.objects.select_related("member")
            .prefetch_related("member__names")
            .order_by("start")
        )
        # Terms by the years they touch, so that a day looks at a score of terms, not all.
        self._by_year: dict[int, list[Term]] = {}
        last_year = max((t.end or t.start for t in self._terms), default=FIRST_MEETING).year
        for term in self._terms:
            end_year = term.end.year if term.end else max(last_year, term.start.year)
            for year in range(term.start.year, end_year + 1):
                self._by_year.setdefault(year, []).append(term)
        self._open = [t for t in self._terms if t.end is None]

    def seated(self, day: dt.date) -> list[Member]:
        """The members seated on ``day``, permanent members first, then by that day's names."""
        terms = self._by_year.get(day.year, self._open)
        members = [t.member for t in terms if t.covers(day)]
        return sorted(members, key=lambda m: (not m.permanent, m.name_on(day)))
