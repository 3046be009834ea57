"""Projections of drafts: the engine applied to the current positions of the members seated on
the draft's Council day, the stored history of its results, and the one rule that says when a
stored projection is stale."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime

import charter
from members.models import Composition, Member, Term
from resolutions.models import Draft, DraftQuerySet, draft_key
from votes.forecast import engine_priors
from votes.models import Position, Projection, ProjectionSeat, RecordedVote, Vote

log = logging.getLogger(__name__)


def stance_table() -> Mapping[charter.Stance, charter.VoteProbabilities]:
    """The stance-to-probabilities table: the engine's default unless settings override it."""
    override = getattr(settings, "VOTE_STANCE_TABLE", None)
    if override:
        return charter.stance_table_from_mapping(override)
    return charter.DEFAULT_STANCE_TABLE


def draft_composition(draft: Draft) -> Composition:
    """The Council that decides the draft: the members seated on its Council day (the vote's
    date; today while it is open without one; see ``DraftQuerySet.with_dates``)."""
    return Composition.on(draft.council_date)


def draft_rule(draft: Draft) -> charter.Rule:
    """The voting rule of the Council that decides the draft."""
    return draft_composition(draft).rule(charter.Matter(draft.matter))


# Which positions count ------------------------------------------------------------------------


def not_seated_reason(day: dt.date) -> str:
    """Why a member's position is not counted when it does not sit on the Council day."""
    return f"not on the Council on {day.isoformat()}"


SUPERSEDED_REASON = "not current: the member has a position with a later as-of date"


def position_standing(*, is_current: bool, seated: bool, council_day: dt.date) -> str | None:
    """Why a position is not counted in the draft's tally and projection, or None when it is:
    only a member's current position counts, and only if the member sits on the Council day."""
    if not is_current:
        return SUPERSEDED_REASON
    if not seated:
        return not_seated_reason(council_day)
    return None


@dataclass(frozen=True)
class NotCounted:
    """A member's current position that the Council day leaves out (the member has left the
    Council, or had not joined it)."""

    position_id: int
    member: str
    name: str
    stance: str
    as_of: dt.date
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position_id,
            "member": self.member,
            "name": self.name,
            "stance": self.stance,
            "as_of": self.as_of.isoformat(),
            "reason": self.reason,
        }


def recorded_vote_summary(draft: Draft) -> dict[str, Any] | None:
    """The draft's recorded vote as the tally and projection show it, or None before the vote:
    its date and meeting, the outcome the records state (the engine's reading when the records
    give none), the counts (from the ballots, or as recorded for a vote known by its counts;
    zeros for an adoption without a vote) and the vetoing members."""
    vote = RecordedVote.objects.filter(draft=draft).prefetch_related("vetoed_by").first()
    if vote is None:
        return None
    return {
        "id": vote.pk,
        "voted_on": vote.voted_on.isoformat(),
        "meeting_record": vote.meeting_record,
        "recorded_outcome": vote.recorded_outcome or vote.outcome,
        "counts": {value: getattr(vote, value) or 0 for value in Vote.values},
        "vetoed_by": sorted(member.code for member in vote.vetoed_by.all()),
    }


class DraftReading:
    """A draft as the engine reads it now: the Council of its Council day, the current
    positions of the members seated on it (and those left out), and its recorded vote. The
    tally and the full analysis are computed when first asked for."""

    def __init__(
        self, draft: Draft, overrides: Mapping[str, str] | None = None, *, blocs: bool = True
    ) -> None:
        self.draft = draft
        self.blocs = blocs
        self.composition = draft_composition(draft)
        self.rule = self.composition.rule(charter.Matter(draft.matter))
        positions = {}
        left_out = []
        latest: dt.date | None = None
        current = Position.objects.filter(draft=draft).current().select_related("member")
        for position in current.order_by("-member__permanent", "member__name"):
            # A member's current position is its latest by as-of date, so the latest of these
            # is the latest of all the draft's positions.
            latest = position.as_of if latest is None else max(latest, position.as_of)
            code = position.member.code
            if code in self.rule.members:
                positions[code] = position.as_engine_input()
            else:
                left_out.append(
                    NotCounted(
                        position.pk,
                        code,
                        position.member.name,
                        position.stance,
                        position.as_of,
                        not_seated_reason(self.composition.day),
                    )
                )
        if overrides:
            try:
                positions = charter.apply_overrides(self.rule, positions, overrides)
            except charter.EngineError as error:
                raise ValidationError({"overrides": str(error)}) from None
        self.positions: dict[str, charter.PositionInput] = positions
        self.not_counted: tuple[NotCounted, ...] = tuple(left_out)
        self.last_as_of: dt.date | None = latest
        """The latest as-of date of any of the draft's positions (None without one)."""

    @property
    def council_on(self) -> dt.date:
        return self.composition.day

    @cached_property
    def recorded_vote(self) -> dict[str, Any] | None:
        return recorded_vote_summary(self.draft)

    @cached_property
    def tally(self) -> charter.Tally:
        return charter.tally(self.rule, self.positions)

    @cached_property
    def analysis(self) -> charter.Analysis:
        return charter.analyse(
            self.rule,
            self.positions,
            stance_table(),
            priors=engine_priors(self.draft, self.rule),
            blocs=self.blocs,
        )

    def extras(self) -> dict[str, Any]:
        """What the tally and the projection carry beside the engine's figures."""
        recorded = self.recorded_vote
        return {
            "council_on": self.council_on.isoformat(),
            "not_counted": [item.to_dict() for item in self.not_counted],
            "recorded_outcome": recorded["recorded_outcome"] if recorded else None,
            "recorded_vote": recorded,
        }

    def results(self) -> dict[str, Any]:
        """Everything a stored projection keeps (``Projection.results``)."""
        return {**self.analysis.to_dict(), **self.extras()}

    def summary(self) -> dict[str, Any]:
        """What a list of drafts shows (``Projection.summary``)."""
        tally = self.tally
        return {
            "council_on": self.council_on.isoformat(),
            "seated": tally.seated,
            "counts": {stance.value: n for stance, n in tally.counts.items()},
            "permanent_opposed": list(tally.permanent_opposed),
            "outcome_if_held_now": tally.outcome_if_held_now.result.value,
            "votes_needed": tally.votes_needed,
            "not_counted": [item.member for item in self.not_counted],
            "recorded_outcome": self.recorded_vote["recorded_outcome"]
            if self.recorded_vote
            else None,
        }

    def fingerprint(self) -> str:
        """Of everything the stored projection is computed from. The Council day itself is left
        out: the same Council on another day gives the same projection."""
        recorded = self.recorded_vote
        payload = {
            "engine": self.analysis.projection.fingerprint,
            "not_counted": [item.position_id for item in self.not_counted],
            "recorded_vote": recorded,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def draft_reading(
    draft: Draft, overrides: Mapping[str, str] | None = None, *, blocs: bool = True
) -> DraftReading:
    """The draft as it stands, or under ``overrides`` (ISO3 -> stance) without writing
    anything; members follow their records, with blocs unless ``blocs`` is False. A
    ValidationError when its Council day's Council is not fully known."""
    return DraftReading(draft, overrides, blocs=blocs)


def draft_tally(draft: Draft) -> charter.Tally:
    """Who stands where on the draft, and the outcome if it were voted now."""
    return draft_reading(draft).tally


def draft_analysis(
    draft: Draft, overrides: Mapping[str, str] | None = None, *, blocs: bool = True
) -> charter.Analysis:
    """Tally, projection, pivotal members and paths for the draft as it stands, or under
    ``overrides`` (ISO3 -> stance) without writing anything; members follow their records
    (``votes.forecast``), with blocs unless ``blocs`` is False."""
    return draft_reading(draft, overrides, blocs=blocs).analysis


# Stored projections --------------------------------------------------------------------------


def projection_refresh(*, draft_id: int) -> Projection | None:
    """Recompute a draft's projection from the database. Writes a history row, with the
    Council it used, only when the result changed; otherwise marks the latest row as checked.
    Returns the new row, if any. A draft whose Council is not fully known on its Council day
    gets none (it stays stale until the missing terms are entered). Safe to run twice or
    concurrently: the draft's row is locked while it runs."""
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(pk=draft_id).first()
        if draft is None:
            return None
        # Taken before the inputs are read: a change made while this runs shows as stale.
        now = timezone.now()
        try:
            reading = draft_reading(draft)
            fingerprint = reading.fingerprint()
        except ValidationError as error:
            log.info("No projection for draft %s: %s", draft_id, " ".join(error.messages))
            return None
        latest = draft.projections.order_by("-computed_at", "-id").first()
        if (
            latest is not None
            and latest.fingerprint == fingerprint
            and latest.model_version == charter.MODEL_VERSION
        ):
            latest.checked_at = now
            latest.save(update_fields=["checked_at"])
            return None
        projection = reading.analysis.projection
        row = Projection.objects.create(
            draft=draft,
            computed_at=now,
            checked_at=now,
            fingerprint=fingerprint,
            model_version=charter.MODEL_VERSION,
            council_on=reading.council_on,
            p_adopted=projection.p_adopted,
            p_vetoed=projection.p_vetoed,
            p_failed=projection.p_failed,
            expected_yes=projection.expected_yes,
            most_likely=projection.most_likely.value,
            results=reading.results(),
            summary=reading.summary(),
        )
        ProjectionSeat.objects.bulk_create(
            ProjectionSeat(projection=row, member=member, permanent=member.permanent)
            for member in reading.composition.members
        )
        return row


def _count(queryset: QuerySet[Any], field: str = "pk", *, distinct: bool = False) -> Subquery:
    """A correlated COUNT of ``queryset`` as a subquery that gives 0, not NULL, for no rows."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    count = Func(F(field), template=template, output_field=IntegerField())
    return Subquery(queryset.order_by().annotate(n=count).values("n")[:1])


def _aggregate(queryset: QuerySet[Any], field: str, function: str) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(x=Func(F(field), function=function)).values("x")[:1]
    )


def _last_position_at() -> Subquery:
    """When a position on the draft was last recorded."""
    positions = Position.objects.filter(draft=OuterRef("pk"))
    return _aggregate(positions, "created_at", "MAX")


def with_projection_state(
    drafts: DraftQuerySet,
    today: dt.date | None = None,
    *,
    council_day: dt.date | None = None,
) -> DraftQuerySet:
    """Annotate each draft with its dates (``DraftQuerySet.with_dates``), its latest stored
    projection (``projection_id``, ``projection_computed_at``, ``projection_checked_at``,
    ``projected_p_adopted``, ``projection_summary``) and ``projection_stale``, in one query.

    This is the one home of the staleness rule. A draft's stored projection is stale when:

    * there is none (every draft gets one, with or without positions);
    * it came from another version of the engine;
    * a position on the draft was recorded after the projection was last checked;
    * the draft changed after that (its status, dates or matter; recording its vote changes
      its status);
    * the Council seated on the draft's Council day is not the one the projection was
      computed for (its stored seats): a term added, moved or deleted, a member's permanent
      flag changed, or the Council day itself moved (an open draft's "today").

    Comparing the stored seats with the terms as they are now sees deletions and edits made
    by any means, signals or not. ``draft_state`` (one draft), ``stale_drafts`` (the periodic
    repair) and the drafts list all read this annotation.

    ``council_day``, for a single draft whose Council day is already known, stands in for the
    ``with_dates`` expression: the same rule, far cheaper to plan, since the expression is
    repeated in each subquery that uses it.
    """
    latest = Projection.objects.filter(draft=OuterRef("pk")).order_by("-computed_at", "-id")
    seated = Term.objects.covering(OuterRef("council_day"))
    same_seat = ProjectionSeat.objects.filter(
        projection=OuterRef(OuterRef("projection_id")),
        member=OuterRef("member_id"),
        permanent=OuterRef("member__permanent"),
    )
    if council_day is not None:
        dated = drafts.annotate(council_day=Value(council_day, output_field=DateField()))
    else:
        dated = drafts.with_dates(today)
    return (
        dated.annotate(
            projection_id=Subquery(latest.values("id")[:1]),
            projection_computed_at=Subquery(latest.values("computed_at")[:1]),
            projection_checked_at=Subquery(latest.values("checked_at")[:1]),
            projection_model_version=Subquery(latest.values("model_version")[:1]),
            projected_p_adopted=Subquery(latest.values("p_adopted")[:1]),
            projection_summary=Subquery(latest.values("summary")[:1], output_field=JSONField()),
            last_position_at=_last_position_at(),
        )
        .annotate(
            projection_seats=_count(
                ProjectionSeat.objects.filter(projection=OuterRef("projection_id"))
            ),
            council_seats=_count(seated, "member_id", distinct=True),
            council_changed=Exists(seated.exclude(Exists(same_seat))),
        )
        .annotate(
            projection_stale=Case(
                When(
                    Q(projection_id__isnull=True)
                    | ~Q(projection_model_version=charter.MODEL_VERSION)
                    | Q(last_position_at__gt=F("projection_checked_at"))
                    | Q(updated_at__gt=F("projection_checked_at"))
                    | ~Q(projection_seats=F("council_seats"))
                    | Q(council_changed=True),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def stale_drafts(today: dt.date | None = None) -> QuerySet[Draft]:
    """Drafts whose stored projection is missing or stale (see ``with_projection_state``)."""
    drafts = with_projection_state(Draft.objects.all(), today)
    # The plugin does not see the annotations a custom QuerySet method makes.
    return drafts.filter(projection_stale=True)  # type: ignore[misc]  # plugin gap: with_projection_state's annotation unseen


@dataclass(frozen=True)
class DraftState:
    """What a draft's tally and projection depend on, read in one query: an ETag for it, when
    it last changed, its Council day, and (for a projection) its stored projection and whether
    that is stale."""

    etag: str
    last_modified: dt.datetime
    draft_id: int
    council_day: dt.date
    projection_id: int | None = None
    projection_computed_at: dt.datetime | None = None
    projection_stale: bool = False


TALLY_STATE = (
    "pk",
    "updated_at",
    "council_day",
    "last_position_id",
    "last_position_at",
    "terms_changed_at",
    "terms_n",
    "permanent_ids",
)
PROJECTION_STATE = (
    "projection_id",
    "projection_computed_at",
    "projection_checked_at",
    "projection_stale",
)
_ANY_DAY = dt.date(1, 1, 2)  # stand-ins while a statement is compiled, never real values
_ANY_PK = -4_204_242
_ANY_SLUG = "\x00draft-state"


@functools.cache
def _state_statement(vendor: str, kind: str) -> tuple[str, tuple[Any, ...], dict[int, str]]:
    """A one-draft state query, compiled once per process from the annotations lists use, with
    stand-in values, and the places of those values: it runs on every tally and projection
    request, and compiling it costs more than running it.

    ``draft-by-pk`` and ``draft-by-slug`` read what a tally depends on (and the draft's
    Council day); ``projection`` reads the stored projection and its staleness
    (``with_projection_state``) for a draft whose id and Council day are known."""
    if kind == "projection":
        drafts = Draft.objects.filter(pk=_ANY_PK)
        query = with_projection_state(drafts, council_day=_ANY_DAY).values(*PROJECTION_STATE)
    else:
        drafts = (
            Draft.objects.filter(pk=_ANY_PK)
            if kind == "draft-by-pk"
            else Draft.objects.filter(slug=_ANY_SLUG)
        )
        positions = Position.objects.filter(draft=OuterRef("pk"))
        query = (
            drafts.with_dates(_ANY_DAY)
            .annotate(
                last_position_id=_aggregate(positions, "id", "MAX"),
                last_position_at=_last_position_at(),
                # The Council as a whole: any term added, edited or deleted, any member made
                # permanent or not, changes one of these.
                terms_changed_at=_aggregate(Term.objects.all(), "updated_at", "MAX"),
                terms_n=_aggregate(Term.objects.all(), "id", "COUNT"),
                permanent_ids=_aggregate(Member.objects.filter(permanent=True), "id", "SUM"),
            )
            .values(*TALLY_STATE)
        )
    sql, params = query.query.get_compiler(connection=connection).as_sql()
    day = connection.ops.adapt_datefield_value(_ANY_DAY)
    slots = {}
    for index, value in enumerate(params):
        if value in (_ANY_DAY, day):
            slots[index] = "day"
        elif value in (_ANY_PK, _ANY_SLUG):
            slots[index] = "key"
    if sorted(slots.values()) != ["day"] * (len(slots) - 1) + ["key"]:
        raise RuntimeError(f"The {kind} state query's values cannot be placed: {slots}")
    return sql, tuple(params), slots


_PG_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),  # before int: a bool is an int
    (int, "bigint"),
    (dt.datetime, "timestamptz"),  # before date: a datetime is a date
    (dt.date, "date"),
    (str, "text"),
)


@functools.cache
def _prepared_statement(kind: str) -> tuple[str, str]:
    """The PostgreSQL ``PREPARE`` of a one-draft state query, with its parameters' types
    spelt out, and the ``EXECUTE`` that runs it with the values as parameters."""
    sql, params, _ = _state_statement("postgresql", kind)
    if "%%" in sql:
        raise RuntimeError(f"The {kind} state query has a literal %: it cannot be numbered.")
    types = [next(name for py, name in _PG_TYPES if isinstance(v, py)) for v in params]
    pieces = sql.split("%s")
    body = "".join(f"{piece}${n}" for n, piece in enumerate(pieces[:-1], start=1)) + pieces[-1]
    name = "draft_state_" + kind.replace("-", "_")
    prepare = f"PREPARE {name} ({', '.join(types)}) AS {body}"
    return prepare, f"EXECUTE {name} ({', '.join(['%s'] * len(params))})"


def _prepared(kind: str) -> str | None:
    """The ``EXECUTE`` for ``kind`` on this connection, prepared on it first if need be; None
    where a statement is not worth preparing: not PostgreSQL, ``STATE_QUERY_PREPARED`` off, or
    a connection per request (``CONN_MAX_AGE`` 0), which would prepare on every request.

    PostgreSQL plans a statement each time it is sent; this one's plan costs more than running
    it. A prepared statement lives as long as its session, so it is tracked per connection
    (the driver's connection object: a new one after a reconnect is prepared again). It is
    prepared through the driver's own cursor, outside Django's query log: a request makes the
    same queries whether or not its connection had prepared it. Not for a pooler that hands
    one session to many clients (PgBouncer in transaction mode): turn the setting off there."""
    if (
        connection.vendor != "postgresql"
        or not settings.STATE_QUERY_PREPARED
        or not connection.settings_dict.get("CONN_MAX_AGE")
    ):
        return None
    # The thread's own connection wrapper: ``connection`` is a proxy shared by every thread.
    wrapper = connections[DEFAULT_DB_ALIAS]
    raw = wrapper.connection
    done: tuple[object, set[str]] | None = wrapper.__dict__.get("_draft_state_prepared")
    if done is None or done[0] is not raw:
        done = (raw, set())
        wrapper.__dict__["_draft_state_prepared"] = done
    prepare, execute = _prepared_statement(kind)
    if kind not in done[1]:
        with raw.cursor() as cursor:
            cursor.execute(prepare)
        done[1].add(kind)
    return execute


def _state_row(kind: str, key: int | str, day: dt.date) -> dict[str, Any] | None:
    sql, params, slots = _state_statement(connection.vendor, kind)
    values = {"day": connection.ops.adapt_datefield_value(day), "key": key}
    bound = [values[slots[i]] if i in slots else value for i, value in enumerate(params)]
    with connection.cursor() as cursor:
        cursor.execute(_prepared(kind) or sql, bound)
        row = cursor.fetchone()
        names = ["pk" if column[0] == "id" else column[0] for column in cursor.description]
    if row is None:
        return None
    state = dict(zip(names, row, strict=True))
    # SQLite hands back text for dates and times, and integers for booleans.
    for name in (
        "updated_at",
        "last_position_at",
        "terms_changed_at",
        "projection_computed_at",
        "projection_checked_at",
    ):
        if name in state:
            state[name] = _moment(state[name])
    if "council_day" in state and not isinstance(state["council_day"], dt.date):
        state["council_day"] = dt.date.fromisoformat(str(state["council_day"]))
    if "projection_stale" in state:
        state["projection_stale"] = bool(state["projection_stale"])
    return state


def _moment(value: object) -> dt.datetime | None:
    """A stored moment as an aware datetime (SQLite gives naive text, in UTC)."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def draft_state(key: str | int, kind: str) -> DraftState:
    """The state ``kind`` (``tally`` or ``projection``) of the draft whose id, slug or symbol is
    ``key`` depends on, in one query (two for a projection); ``Draft.DoesNotExist`` if there is
    no such draft."""
    text = str(key).strip()
    found = draft_key(key)
    row = None
    if found is not None and found.field == "symbol":
        pk = Draft.objects.filter(symbol__iexact=found.value).values_list("pk", flat=True).first()
        found = None if pk is None else found._replace(field="id", value=pk)
    if found is not None:
        row = _state_row(
            "draft-by-pk" if found.field == "id" else "draft-by-slug",
            found.value,
            timezone.localdate(),
        )
    if row is None:
        raise Draft.DoesNotExist(f"No draft with the id, slug or symbol {text!r}.")
    if kind == "projection":
        row.update(_state_row("projection", row["pk"], row["council_day"]) or {})
    parts: list[object] = [
        kind,
        row["pk"],
        row["updated_at"].isoformat(),
        row["council_day"].isoformat(),
        row["last_position_id"],
        str(row["terms_changed_at"]),
        row["terms_n"],
        row["permanent_ids"],
        settings.VOTE_STANCE_TABLE,
    ]
    moments = [row["updated_at"], row["last_position_at"], row["terms_changed_at"]]
    if kind == "projection":
        parts += [row["projection_id"], str(row["projection_checked_at"]), row["projection_stale"]]
        moments.append(row["projection_checked_at"])
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return DraftState(
        etag=f'"{digest}"',
        last_modified=max(m for m in moments if m is not None),
        draft_id=row["pk"],
        council_day=row["council_day"],
        projection_id=row.get("projection_id"),
        projection_computed_at=row.get("projection_computed_at"),
        projection_stale=row.get("projection_stale", False),
    )


# Sending refreshes ---------------------------------------------------------------------------


REFRESH_PENDING_SECONDS = 60
"""How long a sent refresh keeps others for the same draft from being sent: the task clears
the mark when it starts, so this only matters when a task is lost (the periodic job repairs)."""


def _pending_key(draft_id: int) -> str:
    return f"projection-refresh-pending:{draft_id}"


Span = tuple[dt.date, dt.date | None]


def drafts_decided_within(spans: Iterable[Span]) -> list[int]:
    """The drafts whose Council day falls in any of the (start, end) spans (no end: still
    running): those a change to a term over these days can alter."""
    within = Q()
    for start, end in spans:
        span = Q(council_day__gte=start)
        if end is not None:
            span &= Q(council_day__lte=end)
        within |= span
    if not within:
        return []
    return list(Draft.objects.with_dates().filter(within).values_list("pk", flat=True))


class _RefreshBatch:
    """The refreshes one transaction asks for, sent together when it commits: the seed, or an
    import of the Council's history, saves hundreds of terms and drafts in one transaction,
    and each draft is then refreshed once, not once per row saved."""

    def __init__(self, hooks: list[Any]) -> None:
        self.hooks = hooks
        self.draft_ids: set[int] = set()
        self.spans: set[Span] = set()
        self.sent = False

    def send(self) -> None:
        # Every request registers this; the first to run after the commit sends the batch.
        if self.sent:
            return
        self.sent = True
        for draft_id in sorted(self.draft_ids | set(drafts_decided_within(self.spans))):
            projection_refresh_enqueue(draft_id)


def _batch() -> _RefreshBatch | None:
    """The current transaction's batch, its ``send`` registered with ``on_commit`` once more;
    None outside a transaction (the refresh is then sent at once)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    batch: _RefreshBatch | None = getattr(connection, "_projection_refresh_batch", None)
    # Django starts a new list of commit hooks when a transaction commits or rolls back (or a
    # savepoint rolls back): a batch belongs to the list it was started with.
    if batch is None or batch.sent or batch.hooks is not connection.run_on_commit:
        batch = _RefreshBatch(connection.run_on_commit)
        connection._projection_refresh_batch = batch
    transaction.on_commit(batch.send)
    return batch


def projection_refresh_on_commit(draft_id: int) -> None:
    """Have ``draft_id``'s projection refreshed once the current transaction commits (at
    once outside a transaction)."""
    batch = _batch()
    if batch is None:
        projection_refresh_enqueue(draft_id)
    else:
        batch.draft_ids.add(draft_id)


def council_change_refresh_on_commit(spans: Iterable[Span]) -> None:
    """Once the current transaction commits, send a refresh for each draft whose Council day
    falls in one of ``spans`` (the old and the new days of a changed term)."""
    batch = _batch()
    if batch is None:
        for draft_id in drafts_decided_within(spans):
            projection_refresh_enqueue(draft_id)
    else:
        batch.spans.update(spans)


def projection_refresh_enqueue(draft_id: int) -> bool:
    """Send the refresh task, once: while one is waiting for a worker, asking again sends
    nothing (fifteen positions saved in one transaction, or many readers of a stale
    projection, send one task). If the broker or the cache cannot be reached, log it and leave
    the projection stale for the periodic job to repair: a saved position never fails for want
    of a broker. Returns whether a task was sent."""
    from votes.tasks import refresh_draft_projection

    try:
        if not cache.add(_pending_key(draft_id), 1, timeout=REFRESH_PENDING_SECONDS):
            return False
    except Exception as error:  # the cache is down: send anyway, the task is idempotent
        log.warning("Projection refresh dedup unavailable (%s); sending anyway.", error)
    try:
        # Celery takes a list as well as a tuple; its stubs only a tuple.
        refresh_draft_projection.apply_async(args=[draft_id], retry=False)  # type: ignore[arg-type]  # stub gap: Celery takes a list, the stubs a tuple only
    except Exception as error:
        log.warning(
            "Projection refresh for draft %s not enqueued (%s); it stays stale.", draft_id, error
        )
        projection_refresh_started(draft_id)
        return False
    return True


def projection_refresh_started(draft_id: int) -> None:
    """Clear the "refresh waiting" mark as a refresh starts, so that any change committed
    from now on sends a task of its own."""
    try:
        cache.delete(_pending_key(draft_id))
    except Exception as error:
        log.warning("Could not clear the refresh mark of draft %s (%s).", draft_id, error)
