"""import_votes and export_votes: the three layouts, the rules, bad files, round trips."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from votes.importers import import_file
from votes.models import Ballot, RecordedVote, VoteKind

HISTORY = Path(settings.BASE_DIR) / "seed" / "history"
UNDL = HISTORY / "undl_sc_voting_sample.csv"
BALLOTS = HISTORY / "sc_ballots_1994_2025.csv"


def _snapshot() -> list[tuple[Any, ...]]:
    """What a user sees of every vote: its fields, ballots and vetoes."""
    votes = RecordedVote.objects.prefetch_related("ballots__member", "vetoes__member")
    return sorted(
        (
            v.kind,
            v.draft_symbol,
            v.resolution_number,
            v.voted_on,
            v.matter,
            v.meeting_record,
            v.subject,
            (v.yes, v.no, v.abstain, v.not_participating),
            v.outcome,
            v.note,
            v.source_url,
            tuple(sorted((b.member.code, b.vote) for b in v.ballots.all())),
            tuple(sorted(x.member.code for x in v.vetoes.all())),
        )
        for v in votes
    )


def _head(path: Path, votes: int, tmp_path: Path, key: tuple[str, ...]) -> Path:
    """The first ``votes`` decisions of a file, as a file of their own."""
    out = tmp_path / path.name
    with path.open(encoding="utf-8") as source, out.open("w", encoding="utf-8") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames or [], lineterminator="\n")
        writer.writeheader()
        seen: list[tuple[str, ...]] = []
        for row in reader:
            this = tuple(row[k] for k in key)
            if this not in seen:
                seen.append(this)
            if len(seen) > votes:
                break
            writer.writerow(row)
    return out


@pytest.mark.django_db
def test_the_undl_sample_imports_with_the_codes_and_names_of_the_time(seeded: None) -> None:
    report = import_file(UNDL)

    assert (report.layout, report.read, report.invalid) == ("undl", 42, 0)
    assert report.created + report.unchanged + report.ballots_added == 42
    r1950 = RecordedVote.objects.get(resolution_number=79)  # 1950: SUN is the USSR's seat
    codes = {b.member.code: b.vote for b in r1950.ballots.select_related("member")}
    assert (
        len(codes) == 11
        and codes["RUS"] == "not_participating"
        and codes["YUG"] == ("not_participating")
    )
    assert (r1950.yes, r1950.not_participating, r1950.kind) == (9, 2, VoteKind.BALLOTS)
    zaire = RecordedVote.objects.filter(voted_on__year=1982, ballots__member__code="COD")
    assert zaire.exists()
    without = RecordedVote.objects.get(resolution_number=1999)
    assert without.kind == VoteKind.WITHOUT_VOTE and without.ballots.count() == 0
    assert without.outcome == "adopted" and "without vote" in without.note.lower()
    rwanda = RecordedVote.objects.filter(note__contains="Rwanda was not represented").get()
    assert rwanda.ballots.get(member__code="RWA").vote == "not_participating"


@pytest.mark.django_db
def test_importing_the_same_file_twice_adds_nothing(seeded: None) -> None:
    import_file(UNDL)
    before = _snapshot()

    again = import_file(UNDL)

    assert (again.created, again.ballots_added, again.invalid) == (0, 0, 0)
    assert again.unchanged == 42
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "fmt", "votes", "key"),
    [
        (UNDL, "undl", 42, ("undl_id",)),
        (BALLOTS, "ballots", 80, ("draft_symbol", "resolution", "voted_on")),
    ],
)
def test_each_layout_round_trips_through_its_export(
    seeded: None, tmp_path: Path, path: Path, fmt: str, votes: int, key: tuple[str, ...]
) -> None:
    source = _head(path, votes, tmp_path, key)
    with transaction.atomic():
        sid = transaction.savepoint()
        imported = import_file(source)
        assert imported.invalid == 0
        first = _snapshot()
        exported = tmp_path / f"export.{fmt}.csv"
        call_command(
            "export_votes", "--format", fmt, "--output", str(exported), stdout=io.StringIO()
        )
        transaction.savepoint_rollback(sid)  # back to the seed alone
    assert _snapshot() != first
    again = import_file(exported)

    assert again.invalid == 0
    assert _snapshot() == first


@pytest.mark.django_db
def test_the_recorded_votes_layout_matches_the_seeds_votes(seeded: None) -> None:
    report = import_file(Path(settings.BASE_DIR) / "seed" / "recorded_votes.csv")

    assert (report.layout, report.read, report.unchanged, report.created) == (
        "recorded_votes",
        12,
        12,
        0,
    )


def _ballots_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "votes.csv"
    header = "draft_symbol,resolution,voted_on,matter,subject,iso3,vote,extra_column\n"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


COUNCIL_2017 = [
    "CHN", "FRA", "GBR", "RUS", "USA",
    "BOL", "EGY", "ETH", "ITA", "JPN", "KAZ", "SEN", "SWE", "UKR", "URY",
]  # fmt: skip


def _vote_rows(resolution: str, day: str, codes: list[str], letter: str = "Y") -> list[str]:
    return [f",{resolution},{day},substantive,test,{c},{letter},x" for c in codes]


@pytest.mark.django_db
def test_a_bad_file_writes_nothing_and_reports_every_bad_row(seeded: None, tmp_path: Path) -> None:
    rows = [
        *_vote_rows("9001", "2017-03-01", COUNCIL_2017),  # good
        *_vote_rows("9002", "2017-03-02", [*COUNCIL_2017[:14], "XXX"]),  # unknown member
        *_vote_rows("9003", "2017-03-03", [*COUNCIL_2017[:14], "DEU"]),  # not seated
        *_vote_rows("9004", "2017-03-04", COUNCIL_2017[:14]),  # a ballot missing
        *_vote_rows("9001", "2017-03-01", COUNCIL_2017),  # duplicate of the first
    ]
    path = _ballots_file(tmp_path, rows)
    before = _snapshot()

    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_votes", str(path), stdout=io.StringIO(), stderr=(err := io.StringIO()))

    assert _snapshot() == before
    problems = err.getvalue()
    assert "line 31: unknown member 'XXX'" in problems
    assert "line 46: Germany (DEU) is not on the Security Council on 2017-03-03" in problems
    assert "missing: URY" in problems
    assert "line 61: a duplicate of the vote at line 2" in problems


@pytest.mark.django_db
def test_skip_invalid_loads_the_good_rows_and_dry_run_nothing(seeded: None, tmp_path: Path) -> None:
    rows = [
        *_vote_rows("9001", "2017-03-01", COUNCIL_2017),
        *_vote_rows("9002", "2017-03-02", [*COUNCIL_2017[:14], "XXX"]),
    ]
    path = _ballots_file(tmp_path, rows)

    call_command("import_votes", str(path), "--dry-run", stdout=io.StringIO(), stderr=io.StringIO())
    assert not RecordedVote.objects.filter(resolution_number=9001).exists()

    out = io.StringIO()
    call_command("import_votes", str(path), "--skip-invalid", stdout=out, stderr=io.StringIO())
    assert RecordedVote.objects.get(resolution_number=9001).ballots.count() == 15
    assert not RecordedVote.objects.filter(resolution_number=9002).exists()
    assert "added 1" in out.getvalue() and "1 invalid" in out.getvalue()


@pytest.mark.django_db
def test_undl_totals_that_disagree_with_the_ballots_are_refused(
    seeded: None, tmp_path: Path
) -> None:
    lines = UNDL.read_text(encoding="utf-8").splitlines()
    header, first_vote = lines[0], [line for line in lines[1:] if line.startswith("278798,")]
    bad = [line.replace(",13,0,2,0,15,", ",14,0,1,0,15,") for line in first_vote]
    path = tmp_path / "undl.csv"
    path.write_text("\n".join([header, *bad]) + "\n", encoding="utf-8")

    report = import_file(path)

    assert report.invalid == 1 and not report.written
    assert "the file's totals say 14-0-1-0" in report.problems[0].message


@pytest.mark.django_db
def test_counts_only_records_gain_their_ballots_from_a_later_file(
    seeded: None, tmp_path: Path
) -> None:
    outcomes = _head(
        HISTORY / "unsc_outcomes_1946_2022.csv",
        200,
        tmp_path,
        ("meeting_record", "date", "document"),
    )
    assert import_file(outcomes).invalid == 0
    r79 = RecordedVote.objects.get(resolution_number=79)
    assert r79.kind == VoteKind.COUNTS_ONLY and r79.ballots.count() == 0

    report = import_file(UNDL)

    r79 = RecordedVote.objects.get(resolution_number=79)
    assert report.ballots_added >= 1
    assert r79.kind == VoteKind.BALLOTS and r79.ballots.count() == 11
    assert Counter(b.vote for b in r79.ballots.all())["yes"] == r79.yes


@pytest.mark.django_db
def test_imported_votes_and_ballots_each_have_their_record_in_the_audit_trail(
    seeded: None, tmp_path: Path
) -> None:
    outcomes = _head(
        HISTORY / "unsc_outcomes_1946_2022.csv",
        200,
        tmp_path,
        ("meeting_record", "date", "document"),
    )
    before = RecordedVote.objects.count()
    created = import_file(outcomes).created
    import_file(UNDL)

    r79 = RecordedVote.objects.get(resolution_number=79)
    trail = list(r79.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.history_change_reason) for h in trail] == [
        ("+", "imported (outcomes)"),
        ("~", "ballots attached to a record of counts"),
    ]
    assert (trail[0].kind, trail[1].kind) == (VoteKind.COUNTS_ONLY, VoteKind.BALLOTS)
    imported = RecordedVote.history.filter(history_change_reason="imported (outcomes)")
    assert (
        imported.count()
        == created
        == RecordedVote.objects.count()
        - before
        - (RecordedVote.history.filter(history_change_reason="imported (undl)").count())
    )
    ballots = Ballot.history.filter(recorded_vote_id=r79.pk)
    assert ballots.count() == 11
    assert {b.history_change_reason for b in ballots} == {"ballots attached to a record of counts"}
