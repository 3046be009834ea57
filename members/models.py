"""Council members and their terms: who sits on the Security Council on any date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

import charter

CHARTER_IN_FORCE = dt.date(1945, 10, 24)

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


class MemberQuerySet(models.QuerySet["Member"]):
    def seated_on(self, day: dt.date) -> MemberQuerySet:
        """The members holding a seat on ``day`` (only those whose terms are known)."""
        seated = Term.objects.covering(day).values("member_id")
        return self.filter(pk__in=seated).order_by("-permanent", "name")

    def by_code(self, code: str) -> Member:
        return self.get(code=code.strip().upper())


class Member(models.Model):
    name = models.CharField(max_length=120)
    code = models.CharField(
        "ISO 3166-1 alpha-3 code",
        max_length=3,
        unique=True,
        validators=[iso3_validator],
        help_text="Three capital letters, e.g. USA, CHN, DEU.",
    )
    permanent = models.BooleanField(
        default=False, help_text="One of the five permanent members (Charter, Article 23)."
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="member_code_iso3"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_seated_on(self, day: dt.date) -> bool:
        return self.terms.covering(day).exists()


class TermQuerySet(models.QuerySet["Term"]):
    def covering(self, day: dt.date) -> TermQuerySet:
        """The terms that cover ``day``: begun on or before it, and not ended before it. The
        same rule as :meth:`Term.covers`, in SQL."""
        return self.filter(Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day)))


class Term(models.Model):
    """One term of a member on the Council. Permanent members' terms have no end."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="terms")
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty for a permanent member.")
    source = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TermQuerySet.as_manager()

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
        """The Council on ``day``; a ValidationError before the Charter entered into force."""
        return cls(day, tuple(Member.objects.seated_on(day)), *charter_seats(day))

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
        self._terms = list(Term.objects.select_related("member").order_by("start"))

    def seated(self, day: dt.date) -> list[Member]:
        members = [t.member for t in self._terms if t.covers(day)]
        return sorted(members, key=lambda m: (not m.permanent, m.name))
