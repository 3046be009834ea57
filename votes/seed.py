"""Load the seed data kept in ``seed/`` (made from public sources; see ``seed/SOURCES.md``).

Every step looks for what is already there first, so a second run changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from members.models import Member, Term
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
from votes.models import Position, RecordedVote
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


def _load_terms(report: SeedReport) -> None:
    for row in _rows("council_terms.csv"):
        member, created = Member.objects.get_or_create(
            code=row["iso3"],
            defaults={"name": row["name"], "permanent": row["permanent"] == "true"},
        )
        report.add("members", created)
        start = _date(row["term_start"])
        assert start is not None
        if not Term.objects.filter(member=member, start=start).exists():
            term_create(
                member=member, start=start, end=_date(row["term_end"]), source=row["source"]
            )
            report.add("terms", True)


def _load_regimes(report: SeedReport) -> None:
    for item in _json("regimes.json"):
        _, created = SanctionsRegime.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "resolution": item["resolution"],
                "committee": item["committee"],
                "established_on": _date(item["established_on"]),
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
                "adopted_on": _date(row["adopted_on"]),
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
                    "dated": _date(version["dated"]),
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
                defaults={"note": provision["note"]},
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
