"""Positions of members on drafts (append-only), recorded votes with their ballots, and the
projections the engine computes from positions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from simple_history.models import HistoricalRecords

import charter
from members.models import Member, Term
from resolutions.models import Draft


class Stance(models.TextChoices):
    """A member's expected vote; the values are the engine's ``Stance`` values."""

    YES = charter.Stance.YES, "Yes"
    LEANING_YES = charter.Stance.LEANING_YES, "Leaning yes"
    UNDECIDED = charter.Stance.UNDECIDED, "Undecided"
    LEANING_NO = charter.Stance.LEANING_NO, "Leaning no"
    NO = charter.Stance.NO, "No"
    ABSTAIN = charter.Stance.ABSTAIN, "Abstain"
    NOT_PARTICIPATING = charter.Stance.NOT_PARTICIPATING, "Not participating"


class Vote(models.TextChoices):
    """A ballot as cast; the values are the engine's ``Vote`` values."""

    YES = charter.Vote.YES, "Yes"
    NO = charter.Vote.NO, "No"
    ABSTAIN = charter.Vote.ABSTAIN, "Abstain"
    NOT_PARTICIPATING = charter.Vote.NOT_PARTICIPATING, "Not participating"


class Outcome(models.TextChoices):
    ADOPTED = charter.Result.ADOPTED, "Adopted"
    VETOED = charter.Result.VETOED, "Vetoed"
    FAILED = charter.Result.FAILED, "Failed"


class AppendOnlyError(ValidationError):
    pass


class AppendOnlyModel(models.Model):
    """Rows are written once: a change is a new row, so nothing is ever lost."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(
                f"{self._meta.verbose_name} records are append-only: record a new one instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.verbose_name} records are append-only.")


class PositionQuerySet(models.QuerySet["Position"]):
    def latest_first(self) -> PositionQuerySet:
        return self.order_by("-as_of", "-created_at", "-id")

    def current(self) -> PositionQuerySet:
        """Each member's current position on each draft: its latest by as-of date, then by
        creation."""
        latest = (
            Position.objects.filter(draft_id=OuterRef("draft_id"), member_id=OuterRef("member_id"))
            .latest_first()
            .values("id")[:1]
        )
        return self.filter(id=Subquery(latest))

    def with_standing(self, council_day: dt.date) -> PositionQuerySet:
        """Annotate ``is_current`` (the member's current position on the draft) and
        ``seated`` (the member sits on the Council on ``council_day``, the draft's Council
        day): a position is counted when both hold."""
        latest = (
            Position.objects.filter(draft_id=OuterRef("draft_id"), member_id=OuterRef("member_id"))
            .latest_first()
            .values("id")[:1]
        )
        return self.annotate(
            is_current=Case(
                When(id=Subquery(latest), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            seated=Exists(Term.objects.covering(council_day).filter(member=OuterRef("member_id"))),
        )


class Position(AppendOnlyModel):
    """Where a member stands on a draft as of a date, with how sure we are and who says so."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="positions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="positions")
    stance = models.CharField(max_length=20, choices=Stance.choices)
    confidence = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="How sure we are that the member will vote as its stance says, from 0 to 1.",
    )
    as_of = models.DateField()
    source = models.TextField(help_text="Who reported it, e.g. a statement or a news report.")
    source_url = models.URLField(max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="positions_entered",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PositionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["draft", "member__name", "-as_of", "-created_at"]
        indexes = [
            models.Index(fields=["draft", "member", "-as_of", "-created_at"]),
            # A draft's latest position (``MAX(id)``, ``MAX(created_at)``), read by every tally
            # and projection: without these PostgreSQL walks the primary key backwards from the
            # newest position of any draft, every position for an early draft.
            models.Index(fields=["draft", "id"], name="position_draft_latest_id"),
            models.Index(fields=["draft", "created_at"], name="position_draft_latest_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="position_confidence_0_to_1",
                violation_error_message="Confidence must be between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="position_stance_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.code}: {self.get_stance_display()} ({self.as_of.isoformat()})"

    def as_engine_input(self) -> charter.PositionInput:
        return charter.PositionInput(charter.Stance(self.stance), float(self.confidence))


class VoteKind(models.TextChoices):
    """What the record of a decision holds."""

    BALLOTS = "ballots", "Per-member ballots"
    COUNTS_ONLY = "counts_only", "Counts only"
    WITHOUT_VOTE = "without_vote", "Adopted without a vote"


class RecordedVoteQuerySet(models.QuerySet["RecordedVote"]):
    def for_api(self) -> RecordedVoteQuerySet:
        """With the draft, the ballots, the vetoing members and their names in as few
        queries as the list needs, whatever its length."""
        return self.select_related("draft").prefetch_related(
            "ballots__member__names", "vetoed_by__names"
        )

    def in_years(self, first: int | None, last: int | None) -> RecordedVoteQuerySet:
        queryset = self
        if first is not None:
            queryset = queryset.filter(voted_on__year__gte=first)
        if last is not None:
            queryset = queryset.filter(voted_on__year__lte=last)
        return queryset

    def search(self, text: str) -> RecordedVoteQuerySet:
        """Votes whose subject, symbols, meeting record or note contain ``text``."""
        words = text.split()
        queryset = self
        for word in words:
            queryset = queryset.filter(
                Q(subject__icontains=word)
                | Q(draft_symbol__icontains=word)
                | Q(meeting_record__icontains=word)
                | Q(note__icontains=word)
                | Q(draft__title__icontains=word)
            )
        return queryset


class RecordedVote(AppendOnlyModel):
    """A decision put to the Council: a vote with per-member ballots, a vote known only by its
    counts (most records before 1994), or an adoption without a vote.

    Rows are never edited, with one exception the database allows too: a counts-only record
    may gain its ballots once, when a source with ballots agrees with its counts and outcome
    (``votes.services.recorded_vote_attach_ballots``)."""

    kind = models.CharField(max_length=12, choices=VoteKind.choices, default=VoteKind.BALLOTS)
    draft = models.OneToOneField(
        Draft, on_delete=models.PROTECT, related_name="recorded_vote", null=True, blank=True
    )
    draft_symbol = models.CharField(
        max_length=80, blank=True, help_text="The draft's symbol as recorded, e.g. S/2017/172."
    )
    resolution_number = models.PositiveIntegerField(null=True, blank=True, unique=True)
    voted_on = models.DateField()
    sequence = models.PositiveSmallIntegerField(
        default=1,
        help_text="1, 2, 3… for decisions on the same text at the same meeting without a "
        "resolution number or draft symbol to tell them apart.",
    )
    matter = models.CharField(
        max_length=12, choices=Draft.Matter.choices, default=Draft.Matter.SUBSTANTIVE
    )
    meeting_record = models.CharField(max_length=60, blank=True, help_text="e.g. S/PV.8697")
    subject = models.TextField(blank=True)
    yes = models.PositiveSmallIntegerField(null=True, blank=True)
    no = models.PositiveSmallIntegerField(null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(null=True, blank=True)
    not_participating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Seated members that did not vote (absent or not participating).",
    )
    recorded_outcome = models.CharField(
        max_length=10,
        choices=Outcome.choices,
        blank=True,
        help_text="The outcome as the records state it; the engine's own reading is computed.",
    )
    outcome = models.CharField(
        max_length=10,
        choices=Outcome.choices,
        help_text="The engine's reading of the ballots or counts, stored when the vote is "
        "recorded (votes are never edited) so that lists can filter on it. Where the record "
        "has no counts, or its counts are a known misprint (see the note), the recorded one.",
    )
    vetoed_by = models.ManyToManyField(
        Member, through="Veto", related_name="vetoed_votes", blank=True
    )
    note = models.TextField(blank=True, help_text="The source's note on the vote.")
    source = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="votes_entered",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RecordedVoteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-voted_on", "-id"]
        indexes = [models.Index(fields=["voted_on"]), models.Index(fields=["draft_symbol"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(draft__isnull=False)
                | Q(resolution_number__isnull=False)
                | ~Q(draft_symbol="")
                | ~Q(meeting_record=""),
                name="recorded_vote_names_what_was_decided",
                violation_error_message="A recorded vote is on a draft or a resolution.",
            ),
            models.UniqueConstraint(
                fields=["voted_on", "meeting_record", "draft_symbol", "sequence"],
                condition=Q(resolution_number__isnull=True, draft__isnull=True),
                name="recorded_vote_one_per_decision",
                violation_error_message="This decision is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(kind=VoteKind.WITHOUT_VOTE, yes__isnull=True, outcome=Outcome.ADOPTED)
                | ~Q(kind=VoteKind.WITHOUT_VOTE),
                name="recorded_vote_without_vote_is_an_adoption",
                violation_error_message="An adoption without a vote has no counts.",
            ),
        ]

    def __str__(self) -> str:
        return f"Vote on {self.label} ({self.voted_on.isoformat()})"

    @property
    def label(self) -> str:
        if self.draft is not None and self.draft.symbol:
            return self.draft.symbol
        if self.resolution_number:
            return f"S/RES/{self.resolution_number}"
        if self.draft_symbol:
            return self.draft_symbol
        if self.draft_id:
            return str(self.draft)
        return self.meeting_record

    @property
    def counts_known(self) -> bool:
        return self.yes is not None

    @property
    def meeting_record_url(self) -> str:
        """The meeting record in the UN's Official Document System, when it has a symbol."""
        return document_url(self.meeting_record)

    @property
    def resolution_symbol(self) -> str:
        if not self.resolution_number:
            return ""
        return f"S/RES/{self.resolution_number} ({self.voted_on.year})"


def document_url(symbol: str) -> str:
    """A UN document's permanent address, from its symbol (``S/PV.8697``)."""
    text = symbol.split(" (")[0].strip()
    if not text.startswith("S/"):
        return ""
    return f"https://undocs.org/{text}"


class Veto(AppendOnlyModel):
    """A permanent member's negative vote that blocked a draft."""

    recorded_vote = models.ForeignKey(RecordedVote, on_delete=models.PROTECT, related_name="vetoes")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="vetoes_cast")

    class Meta:
        ordering = ["recorded_vote", "member__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_vote", "member"], name="veto_one_per_member_per_vote"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member.code} vetoed {self.recorded_vote.label}"


class Ballot(AppendOnlyModel):
    recorded_vote = models.ForeignKey(
        RecordedVote, on_delete=models.PROTECT, related_name="ballots"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ballots")
    vote = models.CharField(max_length=20, choices=Vote.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_vote", "-member__permanent", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_vote", "member"], name="ballot_one_per_member_per_vote"
            ),
            models.CheckConstraint(condition=Q(vote__in=Vote.values), name="ballot_vote_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.member.code}: {self.get_vote_display()}"


class Projection(models.Model):
    """The engine's projection of a draft, kept as history: one row each time it changes.

    It keeps the Council it was computed for (``council_on`` and its ``seats``), so that a
    change of that Council — a term added, moved or deleted, a member's permanent flag, or the
    Council day itself moving — shows as staleness (``votes.projections.projection_staleness``).
    """

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="projections")
    computed_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(
        default=timezone.now, help_text="Last time the positions were found to give this result."
    )
    fingerprint = models.CharField(
        max_length=64,
        help_text="Of everything it was computed from: the engine's inputs (rule, positions, "
        "stance table), the positions not counted and the recorded vote.",
    )
    model_version = models.CharField(
        max_length=40,
        default="",
        help_text="The engine's model version; a row from another version is stale.",
    )
    council_on = models.DateField(
        null=True, blank=True, help_text="The day whose Council it was computed for."
    )
    p_adopted = models.FloatField()
    p_vetoed = models.FloatField()
    p_failed = models.FloatField()
    expected_yes = models.FloatField()
    most_likely = models.CharField(max_length=10, choices=Outcome.choices)
    results = models.JSONField(
        help_text="The full analysis: tally, projection, pivots, path, the positions not "
        "counted and the recorded vote."
    )
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text="What a list of drafts shows of it: the tally's counts and the recorded outcome.",
    )

    class Meta:
        ordering = ["draft", "-computed_at", "-id"]
        get_latest_by = "computed_at"
        indexes = [models.Index(fields=["draft", "-computed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(p_adopted__gte=0)
                & Q(p_adopted__lte=1)
                & Q(p_vetoed__gte=0)
                & Q(p_vetoed__lte=1)
                & Q(p_failed__gte=0)
                & Q(p_failed__lte=1),
                name="projection_probabilities_0_to_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.draft}: {self.p_adopted:.1%} adoption ({self.computed_at:%Y-%m-%d %H:%M})"


class ProjectionSeat(models.Model):
    """One member of the Council a projection was computed for, with its permanent flag as it
    was then."""

    projection = models.ForeignKey(Projection, on_delete=models.CASCADE, related_name="seats")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    permanent = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["projection", "member"], name="projection_seat_one_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in projection {self.projection_id}"


class PriorSet(AppendOnlyModel):
    """Priors of the forecast, estimated from recorded votes, with the data and window they
    came from. Kept as history: each refresh that changes them adds a row, and projections use
    the latest (``votes.forecast``)."""

    computed_at = models.DateTimeField(default=timezone.now, editable=False)
    model_version = models.CharField(
        max_length=40, help_text="The engine's model version when they were estimated."
    )
    as_of = models.DateField(help_text="The day the votes were weighed for (recency).")
    window_start = models.DateField(null=True, blank=True, help_text="First vote counted.")
    window_end = models.DateField(null=True, blank=True, help_text="Last vote counted.")
    n_votes = models.PositiveIntegerField(help_text="Recorded votes counted.")
    n_contested = models.PositiveIntegerField(
        help_text="Of them, votes on which some member did not vote yes."
    )
    sources = models.TextField(help_text="Where the votes came from (files and the database).")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the stored counts.")
    data = models.JSONField(help_text="The counts and smoothing (charter.priors.Priors).")

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(n_contested__lte=models.F("n_votes")),
                name="prior_set_contested_within_votes",
            ),
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_start__lte=models.F("window_end")),
                name="prior_set_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Priors from {self.n_votes} votes ({self.computed_at:%Y-%m-%d %H:%M})"


class ImportedFile(models.Model):
    """A file of votes loaded whole, by its content's hash: ``load_history`` skips a file it
    has loaded before, so that a second run is quick (importing it again would add nothing)."""

    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    summary = models.TextField()
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["loaded_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.loaded_at:%Y-%m-%d})"
