"""Positions of members on drafts (append-only), recorded votes with their ballots, and the
projections the engine computes from positions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

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

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError(
                f"{self._meta.verbose_name} records are append-only: record a new one instead."
            )
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
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

    class Meta:
        ordering = ["draft", "member__name", "-as_of", "-created_at"]
        indexes = [models.Index(fields=["draft", "member", "-as_of", "-created_at"])]
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


class RecordedVote(AppendOnlyModel):
    """A vote held in the Council, on a draft or on what became a resolution."""

    draft = models.OneToOneField(
        Draft, on_delete=models.PROTECT, related_name="recorded_vote", null=True, blank=True
    )
    resolution_number = models.PositiveIntegerField(null=True, blank=True, unique=True)
    voted_on = models.DateField()
    matter = models.CharField(
        max_length=12, choices=Draft.Matter.choices, default=Draft.Matter.SUBSTANTIVE
    )
    meeting_record = models.CharField(max_length=40, blank=True, help_text="e.g. S/PV.8697")
    subject = models.CharField(max_length=300, blank=True)
    recorded_outcome = models.CharField(
        max_length=10,
        choices=Outcome.choices,
        blank=True,
        help_text="The outcome as the records state it; the engine's own reading is computed.",
    )
    outcome = models.CharField(
        max_length=10,
        choices=Outcome.choices,
        help_text="The engine's reading of the ballots, stored when the vote is recorded "
        "(votes are never edited) so that lists can filter on it.",
    )
    vetoed_by = models.CharField(
        max_length=40,
        blank=True,
        default="",
        help_text="ISO3 codes of the vetoing members, comma-separated.",
    )
    source = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="votes_entered",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-voted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(draft__isnull=False) | Q(resolution_number__isnull=False),
                name="recorded_vote_names_draft_or_resolution",
                violation_error_message="A recorded vote is on a draft or a resolution.",
            ),
        ]

    def __str__(self) -> str:
        if self.resolution_number:
            return f"Vote on resolution {self.resolution_number} ({self.voted_on.isoformat()})"
        return f"Vote on {self.draft} ({self.voted_on.isoformat()})"

    @property
    def label(self) -> str:
        if self.draft_id and self.draft.symbol:
            return self.draft.symbol
        if self.resolution_number:
            return f"S/RES/{self.resolution_number}"
        return str(self.draft)


class Ballot(AppendOnlyModel):
    recorded_vote = models.ForeignKey(
        RecordedVote, on_delete=models.PROTECT, related_name="ballots"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ballots")
    vote = models.CharField(max_length=20, choices=Vote.choices)

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
