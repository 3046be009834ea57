"""What the site's draft pages read: one function per page (the dashboard, the drafts list,
a draft, its live panel, its share image), so that every query a page makes is in one place
and the page tests can hold each to a fixed number of queries.

Nothing here computes a rule: the Council of a draft is ``draft_composition``, the projection
is ``draft_analysis`` (the same call the scenario API makes, with the same overrides), stored
projections and their staleness come from ``with_projection_state`` and ``stale_drafts``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString

import charter
from members.models import Composition, Member
from members.selectors import horseshoe, member_name
from resolutions.api import drafts_with_sponsors
from resolutions.models import (
    Draft,
    DraftQuerySet,
    DraftVersion,
    Measure,
    Provision,
    SanctionsRegime,
    Sector,
    Sponsorship,
)
from votes import wording
from votes.forms import DraftSearchForm
from votes.models import Ballot, Position, Projection, RecordedVote, Stance
from votes.projections import (
    draft_analysis,
    draft_composition,
    draft_state,
    stale_drafts,
    stance_table,
    with_projection_state,
)
from votes.services import recorded_vote_outcome
from web.charts import line_chart_svg
from web.diff import Diff, diff_texts
from web.seats import Seat, seat_diagram_svg

DASHBOARD_ROWS = 8
"""The dashboard shows the top of each list; the full lists are paginated pages."""

HISTORY_ROWS = 100
CHART_POINTS = 200
OPEN = Draft.Status.open_values()
_CODE = re.compile(r"[A-Z]{3}")


def draft_or_404(key: str) -> Draft:
    """The draft whose id, slug or symbol is ``key`` (``Draft.objects.by_key``), or a 404."""
    try:
        return Draft.objects.select_related("regime").by_key(key)
    except (Draft.DoesNotExist, ValueError):
        raise Http404(f"No draft with the id, slug or symbol {key!r}.") from None


def with_outcome(drafts: DraftQuerySet) -> DraftQuerySet:
    """Drafts with their latest stored projection: probability of adoption and most likely
    outcome (``with_projection_state`` and one more column of the same row)."""
    latest = Projection.objects.filter(draft=OuterRef("pk")).order_by("-computed_at", "-id")
    return with_projection_state(drafts).annotate(
        projected_most_likely=Subquery(latest.values("most_likely")[:1])
    )


def rows_for(ids: list[int]) -> list[Draft]:
    """The drafts ``ids``, in that order, with sponsors, stored projection and staleness.

    Lists choose their page of ids first, with a plain query, and annotate only those rows:
    annotating before ``ORDER BY ... LIMIT`` would compute every draft's projection columns."""
    found = {d.pk: d for d in with_outcome(drafts_with_sponsors().filter(pk__in=ids))}
    return mark_stale(found[pk] for pk in ids if pk in found)


def mark_stale(drafts: Iterable[Draft]) -> list[Draft]:
    """Set ``projection_is_stale`` on each draft, by the rule of ``stale_drafts``, in one
    query for all of them."""
    rows = list(drafts)
    stale = set(stale_drafts().filter(pk__in=[d.pk for d in rows]).values_list("pk", flat=True))
    for draft in rows:
        # An attribute for the templates beside the annotations; no model field declares it.
        draft.projection_is_stale = draft.pk in stale  # type: ignore[attr-defined]  # wrong on purpose: a flag for the templates, no field
    return rows


# --- The dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    open_drafts: list[Draft]
    open_count: int
    scheduled: list[Draft]
    changes: list[Position]
    recent_votes: list[RecordedVote]


def dashboard_page(today: dt.date) -> Dashboard:
    """The top of each list: open drafts with their projected outcome, votes to come, the
    latest positions recorded, the latest recorded votes."""
    open_drafts = Draft.objects.filter(status__in=OPEN)
    top = open_drafts.order_by(F("circulated_on").desc(nulls_last=True), "-id")
    scheduled = open_drafts.filter(vote_on__gte=today).order_by("vote_on", "id")
    top_ids = list(top.values_list("pk", flat=True)[:DASHBOARD_ROWS])
    scheduled_ids = list(scheduled.values_list("pk", flat=True)[:DASHBOARD_ROWS])
    rows = {d.pk: d for d in rows_for([*top_ids, *scheduled_ids])}
    top_rows = [rows[pk] for pk in top_ids if pk in rows]
    scheduled_rows = [rows[pk] for pk in scheduled_ids if pk in rows]
    changes = Position.objects.select_related("member", "draft").order_by("-id")
    votes = RecordedVote.objects.select_related("draft").order_by("-voted_on", "-id")
    return Dashboard(
        open_drafts=top_rows,
        open_count=open_drafts.count(),
        scheduled=scheduled_rows,
        changes=list(changes[:DASHBOARD_ROWS]),
        recent_votes=list(votes[:DASHBOARD_ROWS]),
    )


# --- The drafts list -----------------------------------------------------------------------

SORTS: Mapping[str, tuple[Any, ...]] = {
    "newest": (F("circulated_on").desc(nulls_last=True), "-id"),
    "oldest": (F("circulated_on").asc(nulls_last=True), "id"),
    "vote": (F("vote_on").desc(nulls_last=True), "-id"),
    "adoption": (F("projected_p_adopted").desc(nulls_last=True), "-id"),
    "symbol": (F("symbol").asc(nulls_last=True), "title", "id"),
    "title": ("title", "id"),
}
"""The orderings of the drafts list, by the names of ``DraftSearchForm``'s sort choices."""


@dataclass(frozen=True)
class DraftsList:
    form: DraftSearchForm
    page: Page[int]
    rows: list[Draft]
    total: int
    query: str  # the filters as a query string, for sorting, paging and the CSV link


def drafts_page(params: QueryDict) -> DraftsList:
    """The drafts that match the visitor's search and filters, sorted, one page of them.
    Filters that do not validate are shown with their error and left out."""
    form = DraftSearchForm(
        params,
        regimes=SanctionsRegime.objects.order_by("name").values_list("slug", "name"),
        sectors=Sector.objects.order_by("name").values_list("slug", "name"),
        members=Member.objects.order_by("name").values_list("code", "name"),
    )
    form.is_valid()
    given = form.cleaned_data
    drafts = Draft.objects.all()
    if text := (given.get("q") or "").strip():
        in_text = DraftVersion.objects.filter(draft=OuterRef("pk"), text__icontains=text)
        drafts = drafts.filter(
            Q(symbol__icontains=text) | Q(title__icontains=text) | Q(Exists(in_text))
        )
    status = given.get("status")
    if status == "open":
        drafts = drafts.filter(status__in=OPEN)
    elif status:
        drafts = drafts.filter(status=status)
    if regime := given.get("regime"):
        drafts = drafts.filter(regime__slug=regime)
    if sector := given.get("sector"):
        drafts = drafts.filter(
            Exists(Provision.objects.filter(draft=OuterRef("pk"), sector__slug=sector))
        )
    if sponsor := given.get("sponsor"):
        drafts = drafts.filter(
            Exists(Sponsorship.objects.filter(draft=OuterRef("pk"), member__code=sponsor))
        )
    if year := given.get("year"):
        drafts = drafts.filter(Q(circulated_on__year=year) | Q(vote_on__year=year))
    sort = given.get("sort") or "newest"
    if sort == "adoption":  # the one sort that needs a projection column for every row
        latest = Projection.objects.filter(draft=OuterRef("pk")).order_by("-computed_at", "-id")
        drafts = drafts.annotate(projected_p_adopted=Subquery(latest.values("p_adopted")[:1]))
    ids = drafts.order_by(*SORTS[sort]).values_list("pk", flat=True)
    paginator = Paginator(ids, given.get("per_page") or 25)
    page = paginator.get_page(params.get("page"))
    rows = rows_for(list(page.object_list))
    query = params.copy()
    for name in ("page", "format"):
        query.pop(name, None)
    return DraftsList(form, page, rows, paginator.count, query.urlencode())


# --- A draft's live panel: seats, projection, closest path, positions ----------------------


@dataclass(frozen=True)
class SeatRow:
    """One member at the table for this draft, as the page's table and diagram show it."""

    member: Member
    name: str
    stance: str
    p_yes: float | None
    position: Position | None
    overridden: bool = False

    @property
    def code(self) -> str:
        return self.member.code


@dataclass(frozen=True)
class Influence:
    name: str
    code: str
    permanent: bool
    p_if_yes: float
    p_if_no: float
    swing: float


@dataclass
class Panel:
    """What a draft's panel shows for one set of what-if overrides (none: as recorded)."""

    draft: Draft
    composition: Composition
    etag: str
    last_position_id: int
    overrides: dict[str, str] = field(default_factory=dict)
    error: str = ""
    analysis: charter.Analysis | None = None
    baseline: charter.Analysis | None = None
    seats: list[SeatRow] = field(default_factory=list)
    diagram: SafeString | None = None
    verdict: str = ""
    path: str = ""
    pivotal: list[Influence] = field(default_factory=list)
    not_counted: list[Position] = field(default_factory=list)
    incomplete: str = ""
    has_positions: bool = False

    @property
    def since(self) -> str:
        """The state this panel shows, as the live poll sends it back (the ETag's hex)."""
        return self.etag.strip('"')

    @property
    def whatif(self) -> bool:
        return bool(self.overrides)

    @property
    def whatif_summary(self) -> str:
        """The overrides in words: "France: abstain; United States: abstain"."""
        return "; ".join(
            f"{s.name}: {Stance(s.stance).label.lower()}" for s in self.seats if s.overridden
        )

    @property
    def query(self) -> str:
        """The overrides as the query string of a shareable address."""
        query = QueryDict(mutable=True)
        for code, stance in sorted(self.overrides.items()):
            query[code] = stance
        return query.urlencode()


def overrides_from(params: QueryDict) -> tuple[dict[str, str], list[str]]:
    """What-if overrides from a query string: ``?USA=abstain&FRA=abstain``. An empty value
    means "as recorded". Returns the overrides and what was wrong with the rest."""
    overrides: dict[str, str] = {}
    errors: list[str] = []
    for key in params:
        if not _CODE.fullmatch(key):
            continue
        value = params.get(key, "")
        if not value:
            continue
        if value not in Stance.values:
            errors.append(f"{key}: {value!r} is not a stance.")
            continue
        overrides[key] = value
    return overrides, errors


def draft_panel(draft: Draft, overrides: Mapping[str, str] | None = None) -> Panel:
    """The draft as it stands, or under ``overrides`` (nothing is written), in a fixed
    number of queries."""
    overrides = dict(overrides or {})
    composition = draft_composition(draft)
    state = draft_state(draft.pk, "tally")
    positions = list(
        Position.objects.filter(draft=draft).current().select_related("member", "entered_by")
    )
    last = Position.objects.filter(draft=draft).aggregate(last=Max("id"))["last"] or 0
    panel = Panel(draft, composition, state.etag, last, has_positions=bool(positions))
    seated = set(composition.codes)
    panel.not_counted = [p for p in positions if p.member.code not in seated]
    if not composition.complete:
        panel.incomplete = composition.describe()
        return panel
    try:
        analysis = draft_analysis(draft, overrides)
    except ValidationError as error:
        panel.error = " ".join(error.messages)
        overrides = {}
        analysis = draft_analysis(draft)
    panel.overrides = overrides
    panel.analysis = analysis
    if overrides:
        panel.baseline = draft_analysis(draft)
    day = composition.day
    names = {m.code: member_name(m, day) for m in composition.members}
    by_code = {p.member.code: p for p in positions}
    table = stance_table()
    for member in horseshoe(list(composition.members), lambda m: m.permanent):
        position = by_code.get(member.code)
        stance = overrides.get(member.code) or (position.stance if position else "undecided")
        if member.code in overrides:
            confidence = 1.0
        else:
            confidence = float(position.confidence) if position else 0.0
        chances = charter.vote_probabilities(
            charter.PositionInput(charter.Stance(stance), confidence), table
        )
        panel.seats.append(
            SeatRow(
                member, names[member.code], stance, chances.yes, position, member.code in overrides
            )
        )
    outcome = analysis.tally.outcome_if_held_now
    panel.verdict = wording.verdict(outcome, names)
    panel.diagram = seat_diagram_svg(
        [_seat(row) for row in panel.seats],
        verdict=panel.verdict,
        quota=analysis.tally.quota,
        yes_count=outcome.yes,
        id_prefix="seats",
        interactive=True,
    )
    panel.path = wording.closest_path(analysis.closest_path, names)
    panel.pivotal = [
        Influence(
            names[i.member],
            i.member,
            i.permanent,
            i.p_adopted_if_yes,
            i.p_adopted_if_no,
            i.swing,
        )
        for i in analysis.pivotal[:5]
        if i.swing > 0
    ]
    return panel


def _seat(row: SeatRow) -> Seat:
    if row.overridden:
        detail = "What-if: " + Stance(row.stance).label.lower()
    elif row.position is not None:
        source = row.position.source
        detail = f"As of {row.position.as_of.isoformat()}: " + (
            source if len(source) <= 140 else source[:139] + "…"
        )
    else:
        detail = "No position recorded"
    return Seat(row.code, row.name, row.member.permanent, row.stance, row.p_yes, detail)


@dataclass(frozen=True)
class LiveChange:
    """What the live status line says after a poll found news."""

    positions: list[Position]

    def sentence(self, names: Mapping[str, str]) -> str:
        if not self.positions:
            return "Updated: the draft changed."
        said = [
            f"{names.get(p.member.code, p.member.name)}: {Stance(p.stance).label.lower()}"
            for p in self.positions
        ]
        count = len(self.positions)
        head = "New position" if count == 1 else f"{count} new positions"
        return f"{head}: {'; '.join(said)}."


def live_changes(draft: Draft, after: int) -> LiveChange:
    """The positions recorded on ``draft`` since the one with id ``after`` (at most five)."""
    new = Position.objects.filter(draft=draft, id__gt=after).select_related("member")
    return LiveChange(list(new.order_by("id")[:5]))


# --- The draft page ------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionDiff:
    old: DraftVersion
    new: DraftVersion
    diff: Diff


@dataclass(frozen=True)
class RecordedView:
    vote: RecordedVote
    ballots: list[Ballot]
    diagram: SafeString | None
    verdict: str
    counts: dict[str, int]


@dataclass
class DraftPage:
    draft: Draft
    sponsorships: list[Any]
    panel: Panel
    history: list[Position]
    history_total: int
    chart: SafeString
    chart_points: list[tuple[dt.datetime, float]]
    projection_stale: bool
    provisions: list[Provision]
    versions: list[DraftVersion]
    diff: VersionDiff | None
    recorded: RecordedView | None
    errors: list[str]


def draft_page(draft: Draft, params: QueryDict) -> DraftPage:
    """Everything a draft's page shows, in a fixed number of queries whatever the number of
    drafts, positions or projections."""
    overrides, errors = overrides_from(params)
    panel = draft_panel(draft, overrides)
    history = Position.objects.filter(draft=draft).select_related("member", "entered_by")
    projections = Projection.objects.filter(draft=draft).order_by("-computed_at", "-id")
    points = [(when, p) for when, p in projections.values_list("computed_at", "p_adopted")]
    points = points[:CHART_POINTS][::-1]
    chart = line_chart_svg(
        points,
        title="Probability of adoption over time",
        y_label="Probability of adoption",
        id_prefix="history",
    )
    provisions = draft.provisions.select_related("sector").prefetch_related(
        Prefetch(
            "sector__measures",
            queryset=Measure.objects.select_related("resolution").order_by(
                "resolution__adopted_on", "resolution__number"
            ),
        )
    )
    versions = list(draft.versions.order_by("number"))
    return DraftPage(
        draft=draft,
        sponsorships=list(draft.sponsorships.select_related("member")),
        panel=panel,
        history=list(history.latest_first()[:HISTORY_ROWS]),
        history_total=history.count(),
        chart=chart,
        chart_points=points,
        projection_stale=draft_state(draft.pk, "projection").projection_stale,
        provisions=list(provisions),
        versions=versions,
        diff=_version_diff(versions, params, errors),
        recorded=_recorded(draft),
        errors=errors,
    )


def _version_diff(
    versions: list[DraftVersion], params: QueryDict, errors: list[str]
) -> VersionDiff | None:
    """The diff of the two versions the visitor chose (``?from=1&to=3``), by default the last
    two."""
    if len(versions) < 2:
        return None
    numbers = {v.number: v for v in versions}
    chosen = []
    for name, default in (("from", versions[-2]), ("to", versions[-1])):
        text = params.get(name, "")
        version = numbers.get(int(text)) if text.isdigit() else None
        if text and version is None:
            errors.append(f"There is no version {text!r} of this draft.")
        chosen.append(version or default)
    old, new = chosen
    return VersionDiff(old, new, diff_texts(old.text, new.text))


def _recorded(draft: Draft) -> RecordedView | None:
    vote = (
        RecordedVote.objects.filter(draft=draft)
        .prefetch_related(Prefetch("ballots", queryset=Ballot.objects.select_related("member")))
        .first()
    )
    if vote is None:
        return None
    return recorded_view(vote)


def recorded_view(vote: RecordedVote) -> RecordedView:
    """A recorded vote with its ballots drawn as the seat diagram (its ballots prefetched)."""
    ballots = list(vote.ballots.all())
    counts = dict.fromkeys(("yes", "no", "abstain", "not_participating"), 0)
    for ballot in ballots:
        counts[ballot.vote] += 1
    if not ballots:
        return RecordedView(vote, [], None, "", counts)
    names = {b.member.code: member_name(b.member, vote.voted_on) for b in ballots}
    outcome = recorded_vote_outcome(vote)
    sentence = wording.verdict(outcome, names, past=True)
    seats = [
        Seat(b.member.code, names[b.member.code], b.member.permanent, b.vote, None, "Ballot cast")
        for b in horseshoe(ballots, lambda b: b.member.permanent)
    ]
    diagram = seat_diagram_svg(
        seats, verdict=sentence, quota=outcome.quota, yes_count=outcome.yes, id_prefix="ballots"
    )
    return RecordedView(vote, ballots, diagram, sentence, counts)


def share_state(draft: Draft) -> str:
    """What the share image depends on, as a cache key part: the draft's tally state."""
    return draft_state(draft.pk, "tally").etag.strip('"')


def today() -> dt.date:
    return timezone.localdate()
