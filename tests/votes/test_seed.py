"""The seed: what it loads, and that loading it again changes nothing."""

import csv
import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from members.models import Composition
from resolutions.models import Draft, Measure
from votes.models import Position, RecordedVote
from votes.seed import load_seed

SEED_DIR = Path(settings.BASE_DIR) / "seed"


def _rows(name: str) -> list[dict[str, str]]:
    with open(SEED_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _dump() -> dict[str, list[dict[str, object]]]:
    """Every row of every model, field by field."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
    }


def _terms_and_names() -> tuple[int, int]:
    """Terms and names over time in ``council_terms.csv``: a row that continues the previous
    one the next day under another name is a change of name, not a new term."""
    rows = sorted(_rows("council_terms.csv"), key=lambda r: (r["iso3"], r["term_start"]))
    terms = names = 0
    for previous, row in zip([None, *rows], rows, strict=False):
        same_seat = previous is not None and previous["iso3"] == row["iso3"]
        renamed = previous is not None and same_seat and previous["name"] != row["name"]
        continues = (
            previous is not None
            and same_seat
            and previous["term_end"]
            and dt.date.fromisoformat(previous["term_end"]) + dt.timedelta(days=1)
            == dt.date.fromisoformat(row["term_start"])
        )
        terms += not (continues and renamed)
        names += not same_seat or renamed
    return terms, names


def _expected_first_report() -> str:
    """The report of a first load, counted from the seed files themselves."""
    terms = _rows("council_terms.csv")
    term_count, name_count = _terms_and_names()
    drafts = json.loads((SEED_DIR / "drafts.json").read_text(encoding="utf-8"))
    votes = _rows("recorded_vote_records.csv")
    measures = _rows("dprk_sector_measures.csv")
    created = {
        "draft versions": sum(len(d["versions"]) for d in drafts),
        "drafts": len(drafts) + sum(1 for v in votes if v["draft_symbol"]),
        "measures": len(measures),
        "member names": name_count,
        "members": len({t["iso3"] for t in terms}),
        "positions": sum(len(d["positions"]) for d in drafts),
        "provisions": sum(len(d["provisions"]) for d in drafts),
        "recorded votes": len(votes),
        "regimes": len(json.loads((SEED_DIR / "regimes.json").read_text(encoding="utf-8"))),
        "resolutions": len(_rows("dprk_resolutions.csv")),
        "sectors": len({m["sector_slug"] for m in measures}),
        "sponsorships": sum(len(d["penholders"]) + len(d["sponsors"]) for d in drafts),
        "terms": term_count,
    }
    return "Created " + ", ".join(f"{n} {kind}" for kind, n in sorted(created.items()))


@pytest.mark.django_db
def test_the_load_seed_command_prints_what_it_created_then_that_nothing_changed() -> None:
    first, second = StringIO(), StringIO()

    call_command("load_seed", stdout=first)
    call_command("load_seed", stdout=second)

    assert first.getvalue() == _expected_first_report() + "\n"
    assert "387 terms" in first.getvalue() and "12 recorded votes" in first.getvalue()
    assert "138 members" in first.getvalue()
    assert second.getvalue() == "Seed already loaded: nothing changed.\n"


@pytest.fixture
def dprk_2019(seeded: None) -> Draft:
    return Draft.objects.get(regime__slug="dprk-1718", circulated_on=dt.date(2019, 12, 16))


class TestTheLoadedSeed:
    def test_loading_it_again_changes_nothing(self, seeded: None) -> None:
        before = _dump()

        report = load_seed()

        assert str(report) == "Seed already loaded: nothing changed."
        after = _dump()
        assert {label: len(rows) for label, rows in after.items()} == {
            label: len(rows) for label, rows in before.items()
        }
        assert after == before

    def test_the_2019_dprk_draft_would_lift_three_bans_and_ease_three(
        self, dprk_2019: Draft
    ) -> None:
        provisions = {(p.sector.slug, p.action) for p in dprk_2019.provisions.all()}

        assert dprk_2019.symbol is None
        assert dprk_2019.slug == "dprk-relief-2019"
        assert provisions == {
            ("statues", "lift"),
            ("seafood", "lift"),
            ("textiles", "lift"),
            ("overseas-workers", "ease"),
            ("infrastructure-projects", "ease"),
            ("machinery-imports", "ease"),
        }
        for provision in dprk_2019.provisions.all():
            assert "\nSource: " in provision.note, provision  # each with its source
        rail = dprk_2019.provisions.get(sector__slug="infrastructure-projects")
        assert "inter-Korean rail and road" in rail.note
        machinery = dprk_2019.provisions.get(sector__slug="machinery-imports")
        assert "bulldozers" in machinery.note and "CBS News" in machinery.note

    def test_the_measures_carry_the_corrected_facts(self, seeded: None) -> None:
        def detail(sector: str, resolution: int) -> str:
            return Measure.objects.get(sector__slug=sector, resolution__number=resolution).detail

        assert "small arms" in detail("arms", 2270) and "catch-all" in detail("arms", 2270)
        assert "luxury watches" in detail("luxury-goods", 2270)
        assert "porcelain" in detail("luxury-goods", 2321)
        assert "only called upon" in detail("financial-services", 2094)
        assert detail("financial-services", 2270).startswith("mandatory")
        assert "Rajin-Khasan" in detail("joint-ventures", 2375)
        assert "aircraft" in detail("machinery-imports", 2397)

    def test_russia_and_china_hold_the_pen_of_the_2019_draft(self, dprk_2019: Draft) -> None:
        sponsorships = {(s.member.code, s.penholder) for s in dprk_2019.sponsorships.all()}

        assert sponsorships == {("RUS", True), ("CHN", True)}

    def test_every_member_of_the_2019_council_has_a_current_position(
        self, dprk_2019: Draft
    ) -> None:
        # The Council of its circulation (the open draft's own Council day is today's).
        assert dprk_2019.circulated_on is not None
        council = set(Composition.on(dprk_2019.circulated_on).codes)
        current = {
            p.member.code: p.stance
            for p in Position.objects.filter(draft=dprk_2019).current().select_related("member")
        }

        assert set(current) == council
        assert len(council) == 15
        assert {code for code, stance in current.items() if stance == "no"} == {
            "USA",
            "FRA",
            "GBR",
        }
        assert {code for code, stance in current.items() if stance == "yes"} == {"RUS", "CHN"}
        undecided = {code for code, stance in current.items() if stance == "undecided"}
        assert undecided == council - {"USA", "FRA", "GBR", "RUS", "CHN"}
        assert len(undecided) == 10

    def test_the_1718_regime_restricted_coal_in_2270_2321_and_2371(self, seeded: None) -> None:
        coal = Measure.objects.filter(
            sector__slug="coal", sector__regime__slug="dprk-1718"
        ).order_by("resolution__number")

        assert [(m.resolution.number, m.kind) for m in coal] == [
            (2270, "ban"),
            (2321, "cap"),
            (2371, "ban"),
        ]
        assert Measure.objects.filter(sector__regime__slug="dprk-1718").count() == len(
            _rows("dprk_sector_measures.csv")
        )

    def test_there_are_twelve_recorded_votes_with_a_ballot_for_each_seated_member(
        self, seeded: None
    ) -> None:
        votes = list(RecordedVote.objects.prefetch_related("ballots__member"))

        assert len(votes) == 12
        for recorded in votes:
            voters = {b.member.code for b in recorded.ballots.all()}
            assert len(voters) == 15, recorded.label
            assert voters == set(Composition.on(recorded.voted_on).codes), recorded.label

    def test_the_command_on_a_loaded_seed_says_nothing_changed(self, seeded: None) -> None:
        out = StringIO()

        call_command("load_seed", stdout=out)

        assert out.getvalue() == "Seed already loaded: nothing changed.\n"
