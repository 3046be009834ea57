"""import_outcomes: every decision of 1946–2022 recorded with its counts, classified as the
record has it, vetoing members linked to their seats."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

import charter
from votes.importers import load_misprints
from votes.models import RecordedVote, Veto, VoteKind

OUTCOMES = Path(settings.BASE_DIR) / "seed" / "history" / "unsc_outcomes_1946_2022.csv"
RECORDED = {"adopted": "adopted", "vetoed": "vetoed", "not_adopted": "failed"}
NAMES = {"USSR": "RUS", "Russian Federation": "RUS", "USA": "USA", "United States": "USA"}
NAMES |= {"UK": "GBR", "United Kingdom": "GBR", "France": "FRA", "China": "CHN"}


def _rows() -> list[dict[str, str]]:
    with OUTCOMES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_all_2960_decisions_are_recorded_and_classified_as_the_record_has_them(
    seeded: None,
) -> None:
    rows = _rows()
    out = io.StringIO()

    call_command("import_outcomes", str(OUTCOMES), stdout=out, stderr=io.StringIO())

    assert "2960 decisions read (outcomes)" in out.getvalue()
    assert "0 invalid" in out.getvalue()
    # The seed's twelve votes with ballots are in the table too: matched, not duplicated.
    assert RecordedVote.objects.exclude(kind=VoteKind.BALLOTS).count() + 12 == len(rows) == 2960
    assert Counter(v.outcome for v in RecordedVote.objects.all()) == Counter(
        RECORDED[r["outcome"]] for r in rows
    )
    misprints = load_misprints()
    checked = with_counts = 0
    unnamed: dict[tuple[str, str], int] = {}
    by_resolution: dict[int, RecordedVote] = {}
    by_meeting: dict[tuple[str, str, int], RecordedVote] = {}
    by_symbol: dict[tuple[str, str], list[RecordedVote]] = {}
    for vote in RecordedVote.objects.prefetch_related("vetoes__member"):
        day = vote.voted_on.isoformat()
        if vote.resolution_number:
            by_resolution[vote.resolution_number] = vote
        elif vote.draft_symbol:
            by_symbol.setdefault((vote.draft_symbol, day), []).append(vote)
        else:
            by_meeting[(vote.meeting_record, day, vote.sequence)] = vote
    for row in rows:
        if row["resolution"]:
            vote = by_resolution[int(row["resolution"])]
        elif not row["draft_symbol"]:
            # Told apart by their order at the meeting (three vetoes at S/PV.49).
            at = (row["meeting_record"], row["date"])
            unnamed[at] = unnamed.get(at, 0) + 1
            vote = by_meeting[(*at, unnamed[at])]
        else:
            same = by_symbol[(row["draft_symbol"], row["date"])]
            vote = next((v for v in same if v.meeting_record == row["meeting_record"]), same[0])
        assert vote.outcome == RECORDED[row["outcome"]], row  # classified as recorded
        named = sorted({NAMES[n.strip()] for n in row["vetoed_by"].split(";") if n.strip()})
        assert sorted(v.member.code for v in vote.vetoes.all()) == named, row
        if row["yes"].isdigit():
            with_counts += 1
            voted_on = dt.date.fromisoformat(row["date"])
            seats, quota = charter.charter_size_and_quota(voted_on)
            engine = charter.classify_counts(
                yes=int(row["yes"]),
                no=int(row["no"]),
                abstain=int(row["abstain"]),
                quota=quota,
                matter=charter.Matter.SUBSTANTIVE,
                permanent_no=named,
                seated=seats,
            )
            key = (row["meeting_record"], row["date"], row["document"])
            if key in misprints:
                assert engine.result.value != vote.outcome and misprints[key] in vote.note
            else:
                assert engine.result.value == vote.outcome, row
            checked += 1
        else:
            assert vote.kind in (VoteKind.COUNTS_ONLY, VoteKind.WITHOUT_VOTE)
            assert vote.yes is None
    assert with_counts == checked == 2833
    assert RecordedVote.objects.filter(kind=VoteKind.WITHOUT_VOTE).count() == 55
    assert (
        Veto.objects.filter(member__code="RUS", recorded_vote__voted_on__year__lt=1992).count()
        >= 89
    )


@pytest.mark.django_db
def test_counts_only_votes_are_marked_and_store_the_seats_that_did_not_vote(seeded: None) -> None:
    call_command("import_outcomes", str(OUTCOMES), stdout=io.StringIO(), stderr=io.StringIO())

    r218 = RecordedVote.objects.get(resolution_number=218)  # 1965: 7-0-4 adopts with 11 seats
    assert (r218.kind, r218.yes, r218.no, r218.abstain) == (VoteKind.COUNTS_ONLY, 7, 0, 4)
    assert (r218.not_participating, r218.outcome) == (0, "adopted")
    first = RecordedVote.objects.get(resolution_number=1)
    assert first.kind == VoteKind.WITHOUT_VOTE and first.outcome == "adopted"
    spanish = RecordedVote.objects.filter(meeting_record="S/PV.49", resolution_number=None)
    assert sorted(v.sequence for v in spanish) == [1, 2, 3]
    assert all(v.vetoes.get().member.code == "RUS" for v in spanish)

    out = io.StringIO()
    call_command("import_outcomes", str(OUTCOMES), stdout=out, stderr=io.StringIO())
    assert "added 0" in out.getvalue() and "2960 already recorded" in out.getvalue()
