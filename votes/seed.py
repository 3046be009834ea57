"""Load the seed data kept in ``seed/`` (made from public sources; see ``seed/SOURCES.md``).

Every step looks for what is already there first, so a second run changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from members.models import Member, MemberName, Term
from members.services import term_create
from resolutions.models import (
    Draft,
    DraftVersion,
    Measure,
    Provision,
    Resolution,
    SanctionsRegime,
    Sector,
    Sponsorship,
)
from votes.importers import import_file
from votes.models import ImportedFile, Position, RecordedVote
from votes.services import PositionEntry, positions_record, recorded_vote_create

SEED_DIR = Path(settings.BASE_DIR) / "seed"
VOTE_LETTERS = {
    "Y": "yes",
    "N": "no",
    "A": "abstain",
    "": "not_participating",
    "X": "not_participating",
}


@dataclass
class SeedReport:
    created: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, was_created: bool) -> None:
        if was_created:
            self.created[kind] += 1

    def __str__(self) -> str:
        if not self.created:
            return "Seed already loaded: nothing changed."
        return "Created " + ", ".join(f"{n} {kind}" for kind, n in sorted(self.created.items()))


def _rows(name: str) -> list[dict[str, str]]:
    with open(SEED_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _json(name: str) -> Any:
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@transaction.atomic
def load_seed() -> SeedReport:
    """Load terms, the 1718 regime, its resolutions, sectors and measures, the December 2019
    draft with its positions, and the recorded votes. Idempotent."""
    report = SeedReport()
    _load_terms(report)
    _load_regimes(report)
    _load_resolutions_and_measures(report)
    _load_drafts(report)
    _load_recorded_votes(report)
    return report


@dataclass
class _SeatRows:
    """One seat's rows of ``council_terms.csv``, in date order."""

    rows: list[dict[str, str]] = field(default_factory=list)

    def terms(self) -> list[tuple[dt.date, dt.date | None, str]]:
        """The terms: a row continuing the previous one the next day under another name is a
        name change during a term (Upper Volta to Burkina Faso), not a new term."""
        terms: list[tuple[dt.date, dt.date | None, list[str]]] = []
        previous: dict[str, str] | None = None
        for row in self.rows:
            start, end = _day(row["term_start"]), _date(row["term_end"])
            if (
                previous is not None
                and terms[-1][1] is not None
                and start == terms[-1][1] + dt.timedelta(days=1)
                and row["name"] != previous["name"]
            ):
                sources = terms[-1][2] + [row["source"]]
                terms[-1] = (terms[-1][0], end, sources)
            else:
                terms.append((start, end, [row["source"]]))
            previous = row
        return [(start, end, " | ".join(dict.fromkeys(src))) for start, end, src in terms]

    def names(self) -> list[tuple[str, dt.date, dt.date | None, str]]:
        """The names over time, each from the first to the last day of the rows that carry it
        (no end while the last row is open)."""
        names: list[tuple[str, dt.date, dt.date | None, str]] = []
        for row in self.rows:
            start, end = _day(row["term_start"]), _date(row["term_end"])
            if names and names[-1][0] == row["name"]:
                names[-1] = (row["name"], names[-1][1], end, names[-1][3])
            else:
                names.append((row["name"], start, end, row["source"]))
        return names


def _day(text: str) -> dt.date:
    day = _date(text)
    if day is None:
        raise ValueError("a date is required")
    return day


def _load_terms(report: SeedReport) -> None:
    seats: dict[str, _SeatRows] = defaultdict(_SeatRows)
    for row in sorted(_rows("council_terms.csv"), key=lambda r: (r["iso3"], r["term_start"])):
        seats[row["iso3"]].rows.append(row)
    codes_of_the_time = {(r["iso3"], r["name"]): r for r in _rows("member_codes.csv")}
    for code, seat in seats.items():
        names = seat.names()
        member, created = Member.objects.get_or_create(
            code=code,
            defaults={"name": names[-1][0], "permanent": seat.rows[0]["permanent"] == "true"},
        )
        report.add("members", created)
        for name, start, end, source in names:
            other = codes_of_the_time.get((code, name))
            _, created = MemberName.objects.get_or_create(
                member=member,
                start=start,
                defaults={
                    "name": name,
                    "end": end,
                    "code": other["code"] if other else "",
                    "source": source
                    + (f" | code {other['code']}: {other['source']}" if other else ""),
                },
            )
            report.add("member names", created)
        for start, end, source in seat.terms():
            if not Term.objects.filter(member=member, start=start).exists():
                term_create(member=member, start=start, end=end, source=source)
                report.add("terms", True)


def _load_regimes(report: SeedReport) -> None:
    for item in _json("regimes.json"):
        _, created = SanctionsRegime.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "resolution": item["resolution"],
                "committee": item["committee"],
                "established_on": _day(item["established_on"]),
                "source": item["source"],
            },
        )
        report.add("regimes", created)


def _load_resolutions_and_measures(report: SeedReport) -> None:
    regime = SanctionsRegime.objects.get(slug="dprk-1718")
    for row in _rows("dprk_resolutions.csv"):
        _, created = Resolution.objects.get_or_create(
            number=int(row["resolution"]),
            defaults={
                "adopted_on": _day(row["adopted_on"]),
                "regime": regime,
                "meeting_record": row["meeting_record"],
                "press_release": row["press_release"],
                "vote_text": row["vote_yes_no_abstain"],
                "source": row["source"],
            },
        )
        report.add("resolutions", created)
    resolutions = {r.number: r for r in Resolution.objects.all()}
    for row in _rows("dprk_sector_measures.csv"):
        sector, created = Sector.objects.get_or_create(
            slug=row["sector_slug"], defaults={"name": row["sector"], "regime": regime}
        )
        report.add("sectors", created)
        _, created = Measure.objects.get_or_create(
            sector=sector,
            resolution=resolutions[int(row["resolution"])],
            defaults={"kind": row["measure"], "detail": row["detail"], "source": row["source"]},
        )
        report.add("measures", created)


def _load_drafts(report: SeedReport) -> None:
    for item in _json("drafts.json"):
        regime = SanctionsRegime.objects.get(slug=item["regime"]) if item["regime"] else None
        circulated_on = _date(item["circulated_on"])
        lookup = (
            {"symbol": item["symbol"]}
            if item["symbol"]
            else {"symbol": None, "title": item["title"], "circulated_on": circulated_on}
        )
        draft = Draft.objects.filter(**lookup).first()
        if draft is None:
            draft = Draft(
                slug="" if item["symbol"] else item["key"],
                symbol=item["symbol"],
                title=item["title"],
                regime=regime,
                matter=item["matter"],
                status=item["status"],
                circulated_on=circulated_on,
                vote_on=_date(item["vote_on"]),
                notes=item["notes"],
                sources=item["sources"],
            )
            draft.full_clean(exclude=["slug"])
            draft.save()
            report.add("drafts", True)
        for code in item["penholders"] + item["sponsors"]:
            _, created = Sponsorship.objects.get_or_create(
                draft=draft,
                member=Member.objects.get(code=code),
                defaults={"penholder": code in item["penholders"]},
            )
            report.add("sponsorships", created)
        for version in item["versions"]:
            _, created = DraftVersion.objects.get_or_create(
                draft=draft,
                number=version["number"],
                defaults={
                    "dated": _day(version["dated"]),
                    "text": version["text"],
                    "source": version["source"],
                },
            )
            report.add("draft versions", created)
        for provision in item["provisions"]:
            _, created = Provision.objects.get_or_create(
                draft=draft,
                sector=Sector.objects.get(slug=provision["sector"]),
                action=provision["action"],
                defaults={"note": f"{provision['note']}\nSource: {provision['source']}"},
            )
            report.add("provisions", created)
        _load_positions(report, draft, item["positions"])


def _load_positions(report: SeedReport, draft: Draft, positions: list[dict[str, Any]]) -> None:
    entries = []
    for item in positions:
        member = Member.objects.get(code=item["member"])
        as_of = _date(item["as_of"])
        assert as_of is not None
        if Position.objects.filter(
            draft=draft, member=member, stance=item["stance"], as_of=as_of, source=item["source"]
        ).exists():
            continue
        entries.append(
            PositionEntry(member, item["stance"], item["confidence"], as_of, item["source"])
        )
    if entries:
        positions_record(draft=draft, entries=entries)
        report.created["positions"] += len(entries)


def _load_recorded_votes(report: SeedReport) -> None:
    ballots: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for row in _rows("recorded_votes.csv"):
        ballots[(row["draft_symbol"], row["resolution"])][row["iso3"]] = VOTE_LETTERS[row["vote"]]
    dprk = SanctionsRegime.objects.get(slug="dprk-1718")
    for row in _rows("recorded_vote_records.csv"):
        key = (row["draft_symbol"], row["resolution"])
        voted_on = _date(row["voted_on"])
        assert voted_on is not None
        draft = None
        if row["draft_symbol"]:
            draft, created = Draft.objects.get_or_create(
                symbol=row["draft_symbol"],
                defaults={
                    "title": row["subject"],
                    "regime": dprk if row["subject"].startswith("DPRK") else None,
                    "status": row["recorded_outcome"],
                    "vote_on": voted_on,
                    "sources": row["source"],
                },
            )
            report.add("drafts", created)
            exists = RecordedVote.objects.filter(draft=draft).exists()
        else:
            exists = RecordedVote.objects.filter(resolution_number=int(row["resolution"])).exists()
        if exists:
            continue
        recorded_vote_create(
            voted_on=voted_on,
            ballots=ballots[key],
            draft=draft,
            resolution_number=int(row["resolution"]) if row["resolution"] else None,
            meeting_record=row["meeting_record"],
            subject=row["subject"],
            recorded_outcome=row["recorded_outcome"],
            source=row["source"],
        )
        report.add("recorded votes", True)


HISTORY_FILES = [
    # Ballots first: the outcomes table then finds most votes since 1994 already recorded.
    ("sc_ballots_1994_2025.csv", ["ballots"]),
    ("undl_sc_voting_sample.csv", ["undl"]),
    ("unsc_outcomes_1946_2022.csv", ["outcomes"]),
]


def load_history(*, progress: Any = None) -> list[str]:
    """Load the Council's recorded decisions kept in ``seed/history/`` (the 1994–2025 ballots,
    the UN Digital Library sample, the 1946–2022 outcomes table), each all or nothing. A file
    loaded before is skipped by its hash, so a second run is quick and adds nothing."""
    lines = []
    for name, layouts in HISTORY_FILES:
        path = SEED_DIR / "history" / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if ImportedFile.objects.filter(sha256=digest).exists():
            lines.append(f"{name}: already loaded.")
            continue
        report = import_file(path, expect=layouts, progress=progress)
        if report.problems:
            problems = "; ".join(str(p) for p in report.problems[:5])
            raise ValueError(f"{name}: {report.summary()} {problems}")
        ImportedFile.objects.create(name=name, sha256=digest, summary=report.summary())
        lines.append(f"{name}: {report.summary()}")
    return lines
