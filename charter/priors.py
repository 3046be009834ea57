"""Priors from the Council's record, estimated by counting ballots.

What a member is expected to do on a draft, before anything is said about it, is estimated
here from recorded votes (:class:`VoteRecord`, one per vote, with every seated member's
ballot). There is no optimiser: every figure is a ratio of counts with a documented smoothing,
so that a member with few votes is drawn toward its group and nothing is ever 0 or 1.

**Two kinds of vote.** A vote is *contested* when at least one member does not vote yes;
otherwise it is a *consensus* vote. The chance that a draft is contested is estimated for its
topic and direction (Beta smoothing toward the overall rate); members' records come from the
contested votes only, because on a consensus vote everyone votes yes.

**A member's record** on contested votes (shares of yes, abstain, no, not participating) is
smoothed along a chain, each level drawn toward the one above with a fixed pseudo-count
(Dirichlet smoothing, see :class:`Smoothing`):

    group (permanent or elected)  ->  member  ->  member on the topic  ->  ... and direction

``share = (count + strength * parent_share) / (total + strength)``. The group level itself is
drawn toward equal shares with ``Smoothing.base``.

**Blocs** are sought among the permanent members, the only ones who sit long enough for their
co-voting to be measured. For a set S of them, on the contested votes where all sat, the
chance-corrected agreement is ``w = (agree - expected) / (1 - expected)``, where ``agree`` is
the share of those votes on which all of S voted alike and ``expected`` the share the members'
records would give if they voted independently (``sum over votes v of prod p_i(v)``, as in
Fleiss' kappa). Sets are taken from the largest down when ``w`` reaches
``Smoothing.bloc_threshold`` and they share no member with a set already taken. A bloc's common
vote is the distribution of the vote they agreed on, smoothed toward equal shares, and on a
topic toward the bloc's overall common vote.

**Recency.** A vote counts ``0.5 ** (age / half_life)`` (its age on the day the priors are
for): the Council of 2020 is not the Council of 1995. Records and blocs use
``Smoothing.half_life_years``, the chance of a contested draft the much shorter
``Smoothing.rate_half_life_years``.

:class:`PriorCounts` accumulates votes one by one (the back-test adds each day's votes after
forecasting them); :meth:`PriorCounts.priors` takes a snapshot, :class:`Priors`, which answers
for any Council and draft (:meth:`Priors.for_council`) and can be stored as plain data
(:meth:`Priors.to_dict`, :meth:`Priors.from_dict`).
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

from .blocs import Bloc, CouncilPriors
from .outcome import classify
from .projection import VoteProbabilities
from .rule import (
    CHARTER_IN_FORCE,
    EngineError,
    JSONValue,
    Matter,
    Result,
    Rule,
    Vote,
    charter_size_and_quota,
)

FORMAT_VERSION = 1
"""Version of the stored form of :class:`Priors` (:meth:`Priors.to_dict`)."""

BALLOTS = (Vote.YES, Vote.ABSTAIN, Vote.NO, Vote.NOT_PARTICIPATING)
"""The order of the four shares in every count and record."""

COMMON = (Vote.YES, Vote.ABSTAIN, Vote.NO)
"""The order of a bloc's common vote (not participating counts as abstaining)."""

ALL_TOPICS = "*"

GROUPS = ("permanent", "elected")


class Direction(StrEnum):
    """Whether a draft imposes (or tightens) measures or lifts (or eases) them."""

    IMPOSES = "imposes"
    LIFTS = "lifts"


@dataclass(frozen=True)
class BallotRecord:
    """One member's ballot in a recorded vote."""

    member: str
    permanent: bool
    vote: Vote

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "vote", Vote(self.vote))
        except ValueError:
            raise EngineError(f"{self.member}: {self.vote!r} is not a vote") from None


@dataclass(frozen=True)
class VoteRecord:
    """A recorded vote with every seated member's ballot, and what was known about the draft.

    ``topic`` is a key from :func:`topic_of` ("" when unknown); ``direction`` whether the draft
    imposed or lifted measures (None when unknown or mixed); ``outcome`` the recorded outcome
    (None: read it from the ballots).
    """

    key: str
    voted_on: date
    ballots: tuple[BallotRecord, ...]
    topic: str = ""
    direction: Direction | None = None
    matter: Matter = Matter.SUBSTANTIVE
    outcome: Result | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ballots", tuple(self.ballots))
        codes = [ballot.member for ballot in self.ballots]
        if len(set(codes)) != len(codes):
            raise EngineError(f"{self.key}: a member has two ballots")

    @property
    def contested(self) -> bool:
        """Whether at least one member did not vote yes."""
        return any(ballot.vote is not Vote.YES for ballot in self.ballots)

    def rule(self) -> Rule:
        """The rule of the vote: its members as seated, the Charter's quota on its day."""
        _, quota = charter_size_and_quota(self.voted_on)
        return Rule(
            members=tuple(ballot.member for ballot in self.ballots),
            permanent=frozenset(ballot.member for ballot in self.ballots if ballot.permanent),
            quota=min(quota, len(self.ballots)),
            matter=self.matter,
        )

    @property
    def adopted(self) -> bool:
        """Whether the draft was adopted (the recorded outcome, else the ballots' reading)."""
        if self.outcome is not None:
            return self.outcome is Result.ADOPTED
        ballots = {ballot.member: ballot.vote for ballot in self.ballots}
        return classify(self.rule(), ballots).result is Result.ADOPTED


@dataclass(frozen=True)
class BallotShares:
    """A member's shares of yes, abstain, no and not participating."""

    yes: float
    abstain: float
    no: float
    not_participating: float

    def votes(self) -> VoteProbabilities:
        """As the engine's three votes: not participating counts as abstaining."""
        total = self.yes + self.no + self.abstain + self.not_participating
        return VoteProbabilities.trusted(
            self.yes / total, self.no / total, (self.abstain + self.not_participating) / total
        )

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "yes": self.yes,
            "abstain": self.abstain,
            "no": self.no,
            "not_participating": self.not_participating,
        }


@dataclass(frozen=True)
class Smoothing:
    """The pseudo-counts of the estimation, in votes (see the module docstring).

    ``base``: total pseudo-count spreading a group's shares toward equal shares.
    ``member``: how many votes of its group a member's record starts from.
    ``topic`` and ``direction``: the same for a member's record on a topic, and on a direction.
    ``contested``: for the chance that a draft on a topic is contested, toward the overall rate.
    ``bloc_base`` and ``bloc_topic``: for a bloc's common vote, overall and on a topic.
    ``bloc_threshold``: the chance-corrected agreement from which a set of permanent members is
    a bloc. ``half_life_years``: the age at which a vote counts half in the records and blocs
    (None: every vote counts fully). ``rate_half_life_years``: the same for the chance that a
    draft is contested, which follows the Council's climate closely: the share of contested
    votes went from under 10% before 2013 to 45% in 2022-2024.

    The defaults were chosen on the back-test of ``docs/FORECAST.md`` (the only data there
    is), among a small grid shown there; the figures are therefore in-sample for these few
    numbers, though every forecast is still made from earlier votes only.
    """

    base: float = 2.0
    member: float = 10.0
    topic: float = 20.0
    direction: float = 10.0
    contested: float = 6.0
    bloc_base: float = 1.5
    bloc_topic: float = 5.0
    bloc_threshold: float = 0.3
    half_life_years: float | None = 5.0
    rate_half_life_years: float | None = 0.5

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if name in ("half_life_years", "rate_half_life_years") and value is None:
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
                or (name in ("base", "bloc_base") and value <= 0)
                or (name.endswith("half_life_years") and value < 0.5)
            ):
                raise EngineError(f"smoothing {name} must be a positive number, got {value!r}")
            object.__setattr__(self, name, float(value))
        if self.bloc_threshold > 1.0:
            raise EngineError("smoothing bloc_threshold must be at most 1")

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return dict(asdict(self))


DEFAULT_SMOOTHING = Smoothing()


# --- topics ------------------------------------------------------------------------------------

TOPIC_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("korea", "dprk"),
    ("dprk", "dprk"),
    ("palestin", "palestine"),
    ("occupied arab", "palestine"),
    ("jerusalem", "palestine"),
    ("israel", "palestine"),
    ("syria", "middle-east"),
    ("middle east", "middle-east"),
    ("ukraine", "ukraine"),
    ("tribunal", "tribunals"),
    ("residual mechanism", "tribunals"),
    ("south sudan", "sudan"),
    ("sudan", "sudan"),
    ("darfur", "sudan"),
    ("somalia", "somalia"),
    ("eritrea", "eritrea-ethiopia"),
    ("ethiopia", "eritrea-ethiopia"),
    ("congo", "dr-congo"),
    ("zaire", "dr-congo"),
    ("great lakes", "dr-congo"),
    ("western sahara", "western-sahara"),
    ("cyprus", "cyprus"),
    ("ivoire", "cote-divoire"),
    ("liberia", "liberia"),
    ("sierra leone", "sierra-leone"),
    ("terroris", "terrorism"),
    ("libya", "libya"),
    ("afghan", "afghanistan"),
    ("tajik", "tajikistan"),
    ("iraq", "iraq"),
    ("kuwait", "iraq"),
    ("iran", "iran"),
    ("haiti", "haiti"),
    ("angola", "angola"),
    ("bosnia", "former-yugoslavia"),
    ("yugoslav", "former-yugoslavia"),
    ("croatia", "former-yugoslavia"),
    ("kosovo", "former-yugoslavia"),
    ("macedonia", "former-yugoslavia"),
    ("bihac", "former-yugoslavia"),
    ("protection force", "former-yugoslavia"),
    ("1160 (1998)", "former-yugoslavia"),
    ("central african", "central-african-republic"),
    ("georgia", "georgia"),
    ("rwanda", "rwanda"),
    ("burundi", "burundi"),
    ("guinea-bissau", "guinea-bissau"),
    ("mali", "mali"),
    ("yemen", "yemen"),
    ("myanmar", "myanmar"),
    ("venezuela", "venezuela"),
    ("timor", "timor-leste"),
    ("colombia", "colombia"),
    ("non-proliferation", "non-proliferation"),
    ("weapons of mass destruction", "non-proliferation"),
    ("sanctions", "sanctions-general"),
)
"""Keywords of agenda items and subjects, first match wins, mapped to one topic key, so that
the agenda of a recorded vote ("The situation in the Middle East"), the subject of a vote in
the database ("Syria: chemical weapons sanctions") and a regime's name ("Democratic People's
Republic of Korea") meet on one key. Agenda items that match none keep their own slug."""

_PREFIXES = re.compile(
    r"^(the )?(situation|question) (in|concerning|between|of) (the )?|^the |^reports? of the ",
)


def topic_of(text: str | None) -> str:
    """The topic key of an agenda item, subject or regime name ("" for none)."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    folded = folded.replace("’", "'")
    for keyword, topic in TOPIC_KEYWORDS:
        if keyword in folded:
            return topic
    stripped = _PREFIXES.sub("", folded.strip())
    words = re.findall(r"[a-z0-9]+", stripped)[:6]
    return "-".join(words)


# --- counting ----------------------------------------------------------------------------------


def _years(day: date) -> float:
    return (day.toordinal() - CHARTER_IN_FORCE.toordinal()) / 365.25


def _weight(half_life: float | None, day: date) -> float:
    """A vote's weight before the snapshot's scaling: ``2 ** (years since 1945 / half_life)``,
    so that dividing by the weight of the snapshot's day gives ``0.5 ** (age / half_life)``."""
    return 1.0 if half_life is None else 2.0 ** (_years(day) / half_life)


def _key(*parts: str) -> str:
    for part in parts:
        if "|" in part:
            raise EngineError(f"{part!r}: a code or topic cannot contain '|'")
    return "|".join(parts)


def _group(permanent: bool) -> str:
    return GROUPS[0] if permanent else GROUPS[1]


def _ballot_index(vote: Vote) -> int:
    return BALLOTS.index(vote)


def _common_index(vote: Vote) -> int:
    return 1 if vote is Vote.NOT_PARTICIPATING else COMMON.index(vote)


@dataclass
class _Tables:
    """Weighted counts. ``votes[key] = [total, contested]``; ``ballots[key]`` the four shares'
    counts on contested votes; ``agree[set] = [seated together, agreed yes, abstain, no]``;
    ``agree_topic[set|topic] = [agreed yes, abstain, no]``."""

    votes: dict[str, list[float]] = field(default_factory=dict)
    ballots: dict[str, list[float]] = field(default_factory=dict)
    agree: dict[str, list[float]] = field(default_factory=dict)
    agree_topic: dict[str, list[float]] = field(default_factory=dict)

    def scaled(self, factor: float, rate_factor: float) -> _Tables:
        def scale(table: dict[str, list[float]], by: float) -> dict[str, list[float]]:
            return {key: [value * by for value in row] for key, row in table.items()}

        return _Tables(
            scale(self.votes, rate_factor),
            scale(self.ballots, factor),
            scale(self.agree, factor),
            scale(self.agree_topic, factor),
        )


def _add(table: dict[str, list[float]], key: str, size: int, index: int, weight: float) -> None:
    row = table.get(key)
    if row is None:
        row = table[key] = [0.0] * size
    row[index] += weight


class PriorCounts:
    """Counts of recorded votes, added one at a time; :meth:`priors` snapshots them."""

    def __init__(self, smoothing: Smoothing = DEFAULT_SMOOTHING) -> None:
        self.smoothing = smoothing
        self._tables = _Tables()
        self.version = 0
        self._first: date | None = None
        self._last: date | None = None
        self._n_votes = 0
        self._n_contested = 0

    def add(self, vote: VoteRecord) -> None:
        """Count one recorded vote."""
        if not vote.ballots:
            return
        self.version += 1
        weight = _weight(self.smoothing.half_life_years, vote.voted_on)
        rate_weight = _weight(self.smoothing.rate_half_life_years, vote.voted_on)
        self._first = vote.voted_on if self._first is None else min(self._first, vote.voted_on)
        self._last = vote.voted_on if self._last is None else max(self._last, vote.voted_on)
        self._n_votes += 1
        contested = vote.contested
        self._n_contested += contested
        topic = vote.topic
        direction = vote.direction.value if vote.direction else ""
        tables = self._tables
        vote_keys = ["", _key("t", topic)] if topic else [""]
        if direction:
            vote_keys += [_key("td", ALL_TOPICS, direction)]
            if topic:
                vote_keys.append(_key("td", topic, direction))
        for key in vote_keys:
            _add(tables.votes, key, 2, 0, rate_weight)
            if contested:
                _add(tables.votes, key, 2, 1, rate_weight)
        if not contested:
            return
        for ballot in vote.ballots:
            index = _ballot_index(ballot.vote)
            code = ballot.member
            keys = [_key("g", _group(ballot.permanent)), _key("m", code)]
            if topic:
                keys.append(_key("mt", code, topic))
            if direction:
                keys.append(_key("mtd", code, ALL_TOPICS, direction))
                if topic:
                    keys.append(_key("mtd", code, topic, direction))
            for key in keys:
                _add(tables.ballots, key, 4, index, weight)
        by_code = {ballot.member: ballot for ballot in vote.ballots if ballot.permanent}
        codes = sorted(by_code)
        for size in range(2, len(codes) + 1):
            for members in itertools.combinations(codes, size):
                key = _key("s", *members)
                _add(tables.agree, key, 4, 0, weight)
                votes = {_common_index(by_code[code].vote) for code in members}
                if len(votes) == 1:
                    index = votes.pop()
                    _add(tables.agree, key, 4, index + 1, weight)
                    if topic:
                        _add(tables.agree_topic, f"{key}|{topic}", 3, index, weight)

    def add_all(self, votes: Iterable[VoteRecord]) -> None:
        for vote in votes:
            self.add(vote)

    def priors(self, as_of: date | None = None) -> Priors:
        """The priors of the votes counted so far, weighed by their age on ``as_of`` (default:
        the day of the last vote counted).

        They read these counts without copying them, and refuse to answer once another vote
        has been added (an :class:`EngineError`): a snapshot can never see a later vote. Call
        :meth:`Priors.detached` for priors that outlive the counts."""
        day = as_of or self._last or CHARTER_IN_FORCE
        factor = 1.0 / _weight(self.smoothing.half_life_years, day)
        rate_factor = 1.0 / _weight(self.smoothing.rate_half_life_years, day)
        return Priors(
            smoothing=self.smoothing,
            as_of=day,
            first=self._first,
            last=self._last,
            n_votes=self._n_votes,
            n_contested=self._n_contested,
            tables=self._tables,
            factor=factor,
            rate_factor=rate_factor,
            owner=self,
            version=self.version,
        )


def estimate(
    votes: Iterable[VoteRecord],
    *,
    smoothing: Smoothing = DEFAULT_SMOOTHING,
    as_of: date | None = None,
) -> Priors:
    """Priors from ``votes`` (every vote counted; see :class:`PriorCounts`)."""
    counts = PriorCounts(smoothing)
    counts.add_all(votes)
    return counts.priors(as_of)


def _smooth(counts: list[float] | None, parent: list[float], strength: float) -> list[float]:
    if counts is None:
        return parent
    total = math.fsum(counts)
    return [(c + strength * p) / (total + strength) for c, p in zip(counts, parent, strict=True)]


@dataclass(frozen=True)
class Priors:
    """Priors estimated from recorded votes, for any Council and draft.

    ``as_of`` is the day the votes were weighed for; ``first`` and ``last`` the days of the
    first and last vote counted (the window), ``n_votes`` and ``n_contested`` how many votes
    were counted (unweighted).
    """

    smoothing: Smoothing
    as_of: date
    first: date | None
    last: date | None
    n_votes: int
    n_contested: int
    tables: _Tables = field(repr=False)
    factor: float = 1.0
    rate_factor: float = 1.0
    owner: PriorCounts | None = field(default=None, repr=False, compare=False)
    version: int = 0

    def _count(self, table: dict[str, list[float]], key: str) -> list[float] | None:
        if self.owner is not None and self.owner.version != self.version:
            raise EngineError(
                "these priors were taken before more votes were counted; take new ones"
            )
        row = table.get(key)
        factor = self.rate_factor if table is self.tables.votes else self.factor
        if row is None or factor == 1.0:
            return row
        return [value * factor for value in row]

    def detached(self) -> Priors:
        """The same priors with their own copy of the counts."""
        self._count(self.tables.votes, "")
        return Priors(
            self.smoothing,
            self.as_of,
            self.first,
            self.last,
            self.n_votes,
            self.n_contested,
            self.tables.scaled(self.factor, self.rate_factor),
        )

    # --- estimates ------------------------------------------------------------------------

    def contested_rate(self, topic: str = "", direction: Direction | None = None) -> float:
        """The chance that a draft on ``topic`` (and ``direction``) is contested."""
        s = self.smoothing
        total, contested = self._count(self.tables.votes, "") or [0.0, 0.0]
        rate = (contested + 1.0) / (total + 2.0)
        keys = [_key("t", topic)] if topic else []
        if direction is not None:
            keys.append(_key("td", topic or ALL_TOPICS, direction.value))
        for key in keys:
            total, contested = self._count(self.tables.votes, key) or [0.0, 0.0]
            rate = (contested + s.contested * rate) / (total + s.contested)
        return rate

    def record(
        self,
        code: str,
        permanent: bool,
        topic: str = "",
        direction: Direction | None = None,
    ) -> BallotShares:
        """The member's record on contested votes, smoothed along group, member, topic and
        direction (see the module docstring)."""
        s = self.smoothing
        ballots = self.tables.ballots
        count = self._count
        shares = _smooth(count(ballots, _key("g", _group(permanent))), [0.25] * 4, s.base)
        shares = _smooth(count(ballots, _key("m", code)), shares, s.member)
        if topic:
            shares = _smooth(count(ballots, _key("mt", code, topic)), shares, s.topic)
        if direction is not None:
            key = _key("mtd", code, topic or ALL_TOPICS, direction.value)
            shares = _smooth(count(ballots, key), shares, s.direction)
        return BallotShares(*shares)

    def _votes_record(self, code: str) -> list[float]:
        # Whether a member is permanent decides its group; a bloc is made of permanent members.
        row = self.record(code, True).votes()
        return [row.yes, row.abstain, row.no]

    @cached_property
    def _bloc_weights(self) -> dict[tuple[str, ...], float]:
        weights: dict[tuple[str, ...], float] = {}
        for key in self.tables.agree:
            row = self._count(self.tables.agree, key)
            assert row is not None
            seated, agreed = row[0], row[1:]
            if seated <= 0.0:
                continue
            members = tuple(key.split("|")[1:])
            records = [self._votes_record(code) for code in members]
            expected = math.fsum(math.prod(r[i] for r in records) for i in range(3))
            agree = math.fsum(agreed) / seated
            w = (agree - expected) / (1.0 - expected) if expected < 1.0 else 0.0
            weights[members] = min(0.99, max(0.0, w))
        return weights

    def bloc_weights(self) -> dict[tuple[str, ...], float]:
        """The chance-corrected agreement of every set of permanent members seen together on
        contested votes (see the module docstring), clipped to [0, 0.99]."""
        return dict(self._bloc_weights)

    @cached_property
    def _blocs(self) -> tuple[tuple[tuple[str, ...], float], ...]:
        weights = self._bloc_weights
        chosen: list[tuple[tuple[str, ...], float]] = []
        taken: set[str] = set()
        for members, weight in sorted(weights.items(), key=lambda i: (-len(i[0]), -i[1], i[0])):
            if weight >= self.smoothing.bloc_threshold and not taken.intersection(members):
                chosen.append((members, weight))
                taken.update(members)
        return tuple(chosen)

    def blocs(self) -> tuple[tuple[tuple[str, ...], float], ...]:
        """The blocs: sets of permanent members whose weight reaches the threshold, taken from
        the largest set down (ties: the higher weight, then by codes), sharing no member."""
        return self._blocs

    def common_vote(self, members: tuple[str, ...], topic: str = "") -> VoteProbabilities:
        """The bloc's vote when it votes as one, overall or on ``topic``."""
        s = self.smoothing
        key = _key("s", *members)
        agreed = (self._count(self.tables.agree, key) or [0.0, 0.0, 0.0, 0.0])[1:]
        shares = _smooth(agreed, [1.0 / 3.0] * 3, s.bloc_base)
        if topic:
            topical = self._count(self.tables.agree_topic, f"{key}|{topic}")
            shares = _smooth(topical, shares, s.bloc_topic)
        yes, abstain, no = shares
        return VoteProbabilities(yes, no, abstain)

    def for_council(
        self, rule: Rule, topic: str = "", direction: Direction | None = None
    ) -> CouncilPriors:
        """The engine's priors for a draft on ``topic`` (and ``direction``) before the Council
        of ``rule``: each member's record, the chance of a consensus draft, and the blocs whose
        members all sit."""
        records = {
            code: self.record(code, code in rule.permanent, topic, direction).votes()
            for code in rule.members
        }
        seated = rule.member_set
        blocs = tuple(
            Bloc(members, weight, self.common_vote(members, topic))
            for members, weight in self.blocs()
            if all(code in seated and code in rule.permanent for code in members)
        )
        return CouncilPriors(
            records=records,
            consensus=1.0 - self.contested_rate(topic, direction),
            blocs=blocs,
            source=self.describe(),
        )

    def describe(self) -> str:
        """``"1,716 recorded votes, 1994-01-06 to 2025-06-30 (271 contested)"``."""
        if self.first is None or self.last is None:
            return "no recorded votes"
        half = self.smoothing.half_life_years
        rate = self.smoothing.rate_half_life_years
        weighing = "" if half is None else f"; half-life {half:g} years"
        if rate is not None:
            weighing += (
                f"{'' if half is not None else '; half-life'} ({rate:g} for the contested share)"
            )
        if half is not None or rate is not None:
            weighing += f" to {self.as_of}"
        return (
            f"{self.n_votes:,} recorded votes, {self.first.isoformat()} to "
            f"{self.last.isoformat()} ({self.n_contested:,} contested{weighing})"
        )

    # --- stored form ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, JSONValue]:
        """Plain data (JSON-ready) from which :meth:`from_dict` rebuilds the same priors."""
        tables = self.detached().tables
        return {
            "format": FORMAT_VERSION,
            "smoothing": self.smoothing.to_dict(),
            "as_of": self.as_of.isoformat(),
            "first": None if self.first is None else self.first.isoformat(),
            "last": None if self.last is None else self.last.isoformat(),
            "n_votes": self.n_votes,
            "n_contested": self.n_contested,
            "votes": {key: list(row) for key, row in sorted(tables.votes.items())},
            "ballots": {key: list(row) for key, row in sorted(tables.ballots.items())},
            "agree": {key: list(row) for key, row in sorted(tables.agree.items())},
            "agree_topic": {key: list(row) for key, row in sorted(tables.agree_topic.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Priors:
        """Priors from :meth:`to_dict`'s data; errors name what is wrong."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT_VERSION:
            raise EngineError(f"stored priors must be a mapping with format {FORMAT_VERSION}")
        try:
            given = data["smoothing"]
            if not isinstance(given, Mapping):
                raise TypeError(f"smoothing must be a mapping, not {given!r}")
            smoothing = Smoothing(**given)

            def whole(value: object) -> int:
                if not isinstance(value, int | float | str):
                    raise TypeError(f"{value!r} is not a number")
                return int(value)

            def day(value: object) -> date | None:
                return None if value is None else date.fromisoformat(str(value))

            def table(name: str, size: int) -> dict[str, list[float]]:
                rows = data[name]
                if not isinstance(rows, Mapping):
                    raise EngineError(f"stored priors: {name} must be a mapping")
                result = {}
                for key, row in rows.items():
                    values = [float(v) for v in row]
                    if len(values) != size or any(not math.isfinite(v) or v < 0 for v in values):
                        raise EngineError(f"stored priors: {name}[{key!r}] is not {size} counts")
                    result[str(key)] = values
                return result

            as_of = day(data["as_of"])
            if as_of is None:
                raise EngineError("stored priors: as_of is missing")
            return cls(
                smoothing=smoothing,
                as_of=as_of,
                first=day(data["first"]),
                last=day(data["last"]),
                n_votes=whole(data["n_votes"]),
                n_contested=whole(data["n_contested"]),
                tables=_Tables(
                    table("votes", 2),
                    table("ballots", 4),
                    table("agree", 4),
                    table("agree_topic", 3),
                ),
            )
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, EngineError):
                raise
            raise EngineError(f"stored priors are incomplete or malformed: {error}") from None
