"""Sanctions regimes, the sectors they restrict, the measures each resolution imposed, and the
draft resolutions that would impose, lift or ease them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from members.models import Member

symbol_validator = RegexValidator(
    r"^S/[0-9A-Za-z./-]+$", "A draft symbol looks like S/2019/961 (it starts with S/)."
)


class SanctionsRegime(models.Model):
    """A sanctions regime and its committee, e.g. the 1718 (DPRK) regime."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    resolution = models.PositiveIntegerField(
        unique=True, help_text="The resolution that established the regime, e.g. 1718."
    )
    committee = models.CharField(max_length=300)
    established_on = models.DateField()
    source = models.CharField(max_length=300, blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["resolution"]

    def __str__(self) -> str:
        return f"{self.resolution} ({self.name})"


class Resolution(models.Model):
    """An adopted Council resolution, as recorded (number, date, meeting, press release)."""

    number = models.PositiveIntegerField(unique=True)
    adopted_on = models.DateField()
    regime = models.ForeignKey(
        SanctionsRegime, on_delete=models.PROTECT, related_name="resolutions", null=True, blank=True
    )
    meeting_record = models.CharField(max_length=40, blank=True, help_text="e.g. S/PV.8151")
    press_release = models.CharField(max_length=40, blank=True, help_text="e.g. SC/13141")
    vote_text = models.CharField(max_length=20, blank=True, help_text="Yes-no-abstain, e.g. 15-0-0")
    source = models.CharField(max_length=300, blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Resolution {self.number} ({self.adopted_on.year})"


class Sector(models.Model):
    """A sector of trade or activity that a regime restricts, e.g. seafood or textiles."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    regime = models.ForeignKey(SanctionsRegime, on_delete=models.PROTECT, related_name="sectors")
    estimated_annual_export_usd = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Estimated annual export value in US dollars, if known."
    )
    export_value_source = models.CharField(max_length=300, blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_annual_export_usd__isnull=True) | ~Q(export_value_source=""),
                name="sector_export_value_has_source",
                violation_error_message="An export value needs its source.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """What one resolution imposed on one sector: the history of a sector's restrictions."""

    class Kind(models.TextChoices):
        BAN = "ban", "Ban"
        CAP = "cap", "Cap"
        TIGHTEN = "tighten", "Tighten"
        LIFT = "lift", "Lift"
        EASE = "ease", "Ease"

    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="measures")
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    detail = models.TextField()
    source = models.CharField(max_length=300, blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sector__name", "resolution__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "resolution"], name="measure_one_per_sector_resolution"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sector}: {self.get_kind_display().lower()} ({self.resolution.number})"


class DraftKey(NamedTuple):
    """What a key names a draft by: ``id`` (an int), ``symbol`` or ``slug``."""

    field: Literal["id", "symbol", "slug"]
    value: int | str


MAX_ID = 2**63 - 1


def draft_key(key: str | int) -> DraftKey | None:
    """How ``key`` names a draft: ASCII digits are its id (``12``; not ``'٣'``, which
    ``str.isdigit`` also calls a digit), a key with a slash its symbol (``S/2019/961``), any
    other its slug (``s-2019-961``). None for a key no draft can have: a NUL character (which
    PostgreSQL refuses in text), or an id past the largest the database holds."""
    text = str(key).strip()
    if "\x00" in text:
        return None
    if text.isascii() and text.isdigit():
        number = int(text) if len(text) <= len(str(MAX_ID)) else MAX_ID + 1
        return DraftKey("id", number) if number <= MAX_ID else None
    if "/" in text:
        return DraftKey("symbol", text)
    return DraftKey("slug", text.lower())


class DraftQuerySet(models.QuerySet["Draft"]):
    def by_key(self, key: str | int) -> Draft:
        """The draft whose id, slug or symbol is ``key`` (``12``, ``s-2019-961``,
        ``S/2019/961``; see ``draft_key``)."""
        found = draft_key(key)
        if found is None:
            raise self.model.DoesNotExist(f"No draft with the id, slug or symbol {key!r}.")
        if found.field == "id":
            return self.get(pk=found.value)
        if found.field == "symbol":
            return self.get(symbol__iexact=found.value)
        return self.get(slug=found.value)

    def with_dates(self, today: dt.date | None = None) -> DraftQuerySet:
        """Annotate each draft with the days that bound it, in SQL (so lists and staleness
        checks can use them): the one home of these rules, which :attr:`Draft.dates` reads.

        * ``first_day``: the earliest of its circulation and its first text's date; failing
          both, the vote's date, and failing that the day it was entered. No position can be
          older.
        * ``last_day``: the latest of its circulation and its last text's date; failing both,
          the vote's date, and failing that the day it was entered.
        * ``council_day``: the day whose Council decides it. The vote's date (scheduled, or
          set by its recorded vote); without one, today while the draft is open, and its
          ``last_day`` once it is closed (withdrawn, or closed without a recorded date).

        ``today`` defaults to :func:`django.utils.timezone.localdate`.
        """
        day = today or timezone.localdate()
        versions = DraftVersion.objects.filter(draft=OuterRef("pk")).order_by()
        entered = TruncDate("created_at")
        return (
            self.annotate(
                first_text_day=Subquery(
                    versions.values("draft").annotate(day=Min("dated")).values("day")[:1],
                    output_field=models.DateField(),
                ),
                last_text_day=Subquery(
                    versions.values("draft").annotate(day=Max("dated")).values("day")[:1],
                    output_field=models.DateField(),
                ),
            )
            .annotate(
                # Least/Greatest with NULL differ between databases; the Coalesce pairs make both
                # ignore a missing date.
                first_day=Coalesce(
                    Least(
                        Coalesce("circulated_on", "first_text_day"),
                        Coalesce("first_text_day", "circulated_on"),
                    ),
                    "vote_on",
                    entered,
                ),
                last_day=Coalesce(
                    Greatest(
                        Coalesce("circulated_on", "last_text_day"),
                        Coalesce("last_text_day", "circulated_on"),
                    ),
                    "vote_on",
                    entered,
                ),
            )
            .annotate(
                council_day=models.Case(
                    models.When(vote_on__isnull=False, then=F("vote_on")),
                    models.When(status__in=Draft.Status.open_values(), then=Value(day)),
                    default=F("last_day"),
                    output_field=models.DateField(),
                )
            )
        )


@dataclass(frozen=True)
class DraftDates:
    """The days that bound a draft (see :meth:`DraftQuerySet.with_dates`)."""

    first: dt.date
    last: dt.date
    council: dt.date


class Draft(models.Model):
    """A draft resolution from its first text to the vote."""

    class Matter(models.TextChoices):
        SUBSTANTIVE = "substantive", "Substantive"
        PROCEDURAL = "procedural", "Procedural"

    class Status(models.TextChoices):
        DRAFTING = "drafting", "Drafting"
        IN_NEGOTIATION = "in_negotiation", "In negotiation"
        IN_BLUE = "in_blue", "In blue"
        ADOPTED = "adopted", "Adopted"
        VETOED = "vetoed", "Vetoed"
        FAILED = "failed", "Failed"
        WITHDRAWN = "withdrawn", "Withdrawn"

        @classmethod
        def open_values(cls) -> list[str]:
            return [cls.DRAFTING, cls.IN_NEGOTIATION, cls.IN_BLUE]

    symbol = models.CharField(
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        validators=[symbol_validator],
        help_text="The document symbol once issued, e.g. S/2019/961; empty while unnumbered.",
    )
    slug = models.SlugField(max_length=60, unique=True, editable=False)
    title = models.CharField(max_length=300)
    regime = models.ForeignKey(
        SanctionsRegime,
        on_delete=models.PROTECT,
        related_name="drafts",
        null=True,
        blank=True,
        help_text="Empty for a draft outside any sanctions regime (kept for its recorded vote).",
    )
    sponsors = models.ManyToManyField(
        Member, through="Sponsorship", related_name="sponsored_drafts", blank=True
    )
    matter = models.CharField(max_length=12, choices=Matter.choices, default=Matter.SUBSTANTIVE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFTING)
    circulated_on = models.DateField(null=True, blank=True)
    vote_on = models.DateField("date of the vote", null=True, blank=True)
    resolution_number = models.PositiveIntegerField(
        null=True, blank=True, unique=True, help_text="The resolution it became, if adopted."
    )
    notes = models.TextField(blank=True)
    sources = models.TextField(blank=True, help_text="Where the facts about this draft come from.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DraftQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-circulated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolution_number__isnull=True) | Q(status="adopted"),
                name="draft_resolution_only_when_adopted",
                violation_error_message="Only an adopted draft has a resolution number.",
            ),
            models.CheckConstraint(
                condition=Q(vote_on__isnull=True)
                | Q(circulated_on__isnull=True)
                | Q(vote_on__gte=models.F("circulated_on")),
                name="draft_vote_after_circulation",
                violation_error_message="The vote cannot come before the draft was circulated.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.symbol or 'Unnumbered draft'}: {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.symbol is not None:
            self.symbol = self.symbol.strip() or None
        wanted = self._derived_slug()
        if wanted and self.slug != wanted:
            self.slug = wanted
            if "update_fields" in kwargs and kwargs["update_fields"] is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        if not self.slug:
            # An unnumbered draft takes its slug from its id, known only after the insert.
            self.slug = f"pending-{uuid.uuid4().hex}"
            super().save(*args, **kwargs)
            self.slug = f"draft-{self.pk}"
            super().save(update_fields=["slug"])
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The draft's page on the analysts' site (the admin's "View on site")."""
        return reverse("draft", kwargs={"key": self.slug})

    def _derived_slug(self) -> str:
        """A numbered draft is named by its symbol (``s-2019-961``). An unnumbered one keeps
        the slug it was given (the seed names the December 2019 DPRK draft
        ``dprk-relief-2019``), else takes ``draft-<id>``."""
        if self.symbol:
            return slugify(self.symbol.replace("/", "-").replace(".", "-"))
        if self.slug and not self.slug.startswith("pending-"):
            return self.slug
        if self.pk:
            return f"draft-{self.pk}"
        return ""

    @property
    def dates(self) -> DraftDates:
        """First day, last day and Council day of the draft, as
        :meth:`DraftQuerySet.with_dates` computes them (read from its annotations when the
        draft was loaded with them, else in one query)."""
        values = self.__dict__
        if "council_day" not in values:
            if self.pk is None:
                raise ValueError("A draft's dates are known once it is saved.")
            row = (
                Draft.objects.filter(pk=self.pk)
                .with_dates()
                # The plugin does not see the annotations a custom QuerySet method makes.
                .values("first_day", "last_day", "council_day")  # type: ignore[misc]  # plugin gap: with_dates' annotations unseen
                .get()
            )
            return DraftDates(row["first_day"], row["last_day"], row["council_day"])
        return DraftDates(values["first_day"], values["last_day"], values["council_day"])

    @property
    def council_date(self) -> dt.date:
        """The day whose Council decides this draft (see :meth:`DraftQuerySet.with_dates`)."""
        return self.dates.council

    @property
    def is_open(self) -> bool:
        return self.status in self.Status.open_values()


class Sponsorship(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="sponsorships")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="sponsorships")
    penholder = models.BooleanField(default=False)

    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-penholder", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "member"], name="sponsorship_unique")
        ]

    def __str__(self) -> str:
        role = "penholder" if self.penholder else "sponsor"
        return f"{self.member} ({role})"


class DraftVersion(models.Model):
    """One text of a draft; versions are numbered in order from 1."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    dated = models.DateField()
    text = models.TextField()
    source = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="draft_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="draft_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.draft} ({self.dated.isoformat()})"


class Provision(models.Model):
    """What a draft would do to a sector: impose, lift, ease or tighten measures."""

    class Action(models.TextChoices):
        IMPOSE = "impose", "Impose"
        LIFT = "lift", "Lift"
        EASE = "ease", "Ease"
        TIGHTEN = "tighten", "Tighten"

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="provisions")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="provisions")
    action = models.CharField(max_length=10, choices=Action.choices)
    note = models.TextField(blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["draft", "sector__name"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "sector", "action"], name="provision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.sector.name.lower()}"
