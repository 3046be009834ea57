"""The forecast on the Django side: reading recorded votes, the stored priors and their refresh,
what the engine is given for a draft, and what the API shows of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from rest_framework.test import APIClient

import charter
from members.models import Member
from resolutions.models import Draft
from tests.api.conftest import API, _user, token_client
from votes import forecast
from votes.models import PriorSet, Projection
from votes.services import recorded_vote_create
from votes.tasks import refresh_priors

HISTORY = Path(settings.BASE_DIR) / "seed" / "history" / "sc_ballots_1994_2025.csv"
HEADER = HISTORY.read_text(encoding="utf-8").splitlines()[0]


@pytest.fixture
def dprk_draft(seeded: None) -> Draft:
    return Draft.objects.get(symbol=None, regime__slug="dprk-1718")


@pytest.fixture
def analyst_client(db: None) -> APIClient:
    return token_client(_user("ana", "analyst"))


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


def lines_of(*votes: str) -> list[str]:
    """The rows of the history file for the votes whose draft symbol or resolution is named."""
    rows = HISTORY.read_text(encoding="utf-8").splitlines()[1:]
    return [row for row in rows if row.split(",")[0] in votes or row.split(",")[1] in votes]


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- reading recorded votes ------------------------------------------------------------------


def test_it_reads_the_shared_ballots_layout_one_vote_at_a_time(tmp_path: Path) -> None:
    path = write(tmp_path, "ballots.csv", [HEADER, *lines_of("S/2022/431", "2623", "893")])
    votes = list(forecast.read_votes(path))
    assert [v.key for v in votes] == [
        "S/RES/893@1994-01-06",
        "S/RES/2623@2022-02-27",
        "S/2022/431@2022-05-26",
    ]
    first, procedural, veto = votes
    assert len(first.ballots) == 15 and not first.contested
    assert first.topic == "rwanda"
    assert procedural.matter is charter.Matter.PROCEDURAL and procedural.adopted
    assert veto.outcome is charter.Result.VETOED and veto.topic == "dprk"
    noes = {b.member for b in veto.ballots if b.vote is charter.Vote.NO}
    assert noes == {"CHN", "RUS"}
    assert {b.member for b in veto.ballots if b.permanent} == {"CHN", "FRA", "GBR", "RUS", "USA"}


def test_the_whole_shared_file_is_1716_votes_of_15_ballots() -> None:
    votes = list(forecast.read_votes(HISTORY))
    assert len(votes) == 1716
    assert {len(v.ballots) for v in votes} == {15}
    assert sum(v.adopted for v in votes) == 1630
    assert sum(v.contested for v in votes) == 271
    assert sum(v.matter is charter.Matter.PROCEDURAL for v in votes) == 1


def test_it_reads_the_seeds_recorded_votes_with_permanence_from_the_database(seeded: None) -> None:
    votes = list(forecast.read_votes(Path(settings.BASE_DIR) / "seed" / "recorded_votes.csv"))
    assert len(votes) == 12
    veto = next(v for v in votes if v.key == "S/2017/172@2017-02-28")
    assert veto.topic == "middle-east"
    assert {b.member for b in veto.ballots if b.permanent} == {"CHN", "FRA", "GBR", "RUS", "USA"}
    assert not veto.adopted  # no recorded outcome in that layout: read from the ballots
    # The same votes, read from the database, have the same keys.
    assert {v.key for v in forecast.database_votes()} == {v.key for v in votes}


def test_it_reads_the_un_digital_librarys_layout_with_the_seats_of_the_time(seeded: None) -> None:
    sample = Path(settings.BASE_DIR) / "seed" / "history" / "undl_sc_voting_sample.csv"
    votes = {v.key: v for v in forecast.read_votes(sample)}

    # 42 decisions in the sample; resolution 1999 (2011) was adopted without a vote: no ballots.
    assert len(votes) == 41
    assert "S/RES/1999@2011-07-13" not in votes
    korea = votes["S/RES/79@1950-01-17"]
    assert len(korea.ballots) == 11
    assert korea.adopted
    # The file's SUN is the seat the Russian Federation holds today.
    assert {b.member for b in korea.ballots if b.permanent} == {"CHN", "FRA", "GBR", "RUS", "USA"}
    # The USSR stayed away from the Council in 1950; so did Yugoslavia on that vote.
    absent = {b.member for b in korea.ballots if b.vote is charter.Vote.NOT_PARTICIPATING}
    assert absent == {"RUS", "YUG"}
    assert all(len([b for b in v.ballots if b.permanent]) == 5 for v in votes.values())


def test_the_outcomes_table_is_not_a_file_of_ballots(tmp_path: Path) -> None:
    outcomes = Path(settings.BASE_DIR) / "seed" / "history" / "unsc_outcomes_1946_2022.csv"
    with pytest.raises(forecast.VoteFileError, match="counts, not ballots"):
        list(forecast.read_votes(outcomes))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["a,b,c", "1,2,3"], "not a layout of recorded ballots"),
        (
            [HEADER, *(r.replace(",Y,UN", ",Q,UN") for r in lines_of("894"))],
            "line 2: 'Q' is not a vote",
        ),
        (
            [HEADER, *lines_of("894")[:2], *lines_of("895"), *lines_of("894")[2:]],
            "are not together",
        ),
        (
            [HEADER, *(r.replace("1994-01-14", "14/01/1994") for r in lines_of("894"))],
            "is not a date",
        ),
    ],
)
def test_a_file_it_cannot_read_is_refused_naming_the_line(
    tmp_path: Path, lines: list[str], message: str
) -> None:
    path = write(tmp_path, "bad.csv", lines)
    with pytest.raises(forecast.VoteFileError, match=message):
        list(forecast.read_votes(path))


def test_database_votes_carry_topic_direction_and_outcome(seeded: None) -> None:
    votes = {v.key: v for v in forecast.database_votes()}
    veto = votes["S/2022/431@2022-05-26"]
    assert veto.topic == "dprk"
    assert veto.outcome is charter.Result.VETOED
    assert len(veto.ballots) == 15


def test_counts_only_decisions_add_nothing_to_the_votes_with_ballots(
    seeded: None, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from votes.importers import import_file

    before = sorted(v.key for v in forecast.database_votes())
    outcomes = Path(settings.BASE_DIR) / "seed" / "history" / "unsc_outcomes_1946_2022.csv"
    lines = outcomes.read_text(encoding="utf-8").splitlines()
    part = tmp_path / "outcomes-1946.csv"
    part.write_text("\n".join(lines[:41]) + "\n", encoding="utf-8")

    with django_capture_on_commit_callbacks() as callbacks:
        report = import_file(part, expect=["outcomes"])

    assert report.written and report.created == 40
    # An import that wrote something re-estimates the priors once it has committed.
    assert forecast.priors_refresh_enqueue in callbacks
    assert sorted(v.key for v in forecast.database_votes()) == before


# --- stored priors and their refresh -----------------------------------------------------------


def test_a_refresh_stores_the_priors_with_their_window_and_sources(seeded: None) -> None:
    row = forecast.prior_set_refresh()
    assert row is not None
    # The seed's vote on S/2017/172 (2017-02-28) is not in the shared file: it adds one.
    assert row.n_votes == 1717
    assert row.n_contested == 272
    assert (row.window_start, row.window_end) == (dt.date(1994, 1, 6), dt.date(2025, 6, 4))
    assert "sc_ballots_1994_2025.csv (1,716 votes)" in row.sources
    assert "database (12 recorded votes, 1 not in the files)" in row.sources
    assert row.model_version == charter.MODEL_VERSION
    assert charter.Priors.from_dict(row.data).n_votes == 1717
    # Nothing changed: nothing stored.
    assert forecast.prior_set_refresh() is None
    assert PriorSet.objects.count() == 1


def test_a_new_recorded_vote_changes_the_priors(seeded: None, tmp_path: Path) -> None:
    small = write(tmp_path, "small.csv", [HEADER, *lines_of("894", "895")])
    first = forecast.prior_set_refresh(files=(small,))
    assert first is not None and first.n_votes == 2 + 12
    council = Member.objects.seated_on(dt.date(2019, 12, 30))
    recorded_vote_create(
        voted_on=dt.date(2019, 12, 30),
        draft_symbol="S/2019/9999",
        ballots={m.code: "no" if m.code == "RUS" else "yes" for m in council},
        subject="DPRK non-proliferation (sanctions)",
    )
    second = forecast.prior_set_refresh(files=(small,))
    assert second is not None and second.n_votes == 15 and second.n_contested > first.n_contested
    assert forecast.current_priors().n_votes == 15


def test_saving_a_vote_refreshes_the_priors_and_the_projections_after_commit(
    dprk_draft: Draft, django_capture_on_commit_callbacks: Any
) -> None:
    council = Member.objects.seated_on(dt.date(2019, 12, 30))
    assert not PriorSet.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        recorded_vote_create(
            voted_on=dt.date(2019, 12, 30),
            resolution_number=9998,
            ballots={m.code: "yes" for m in council},
            subject="DPRK non-proliferation (sanctions)",
        )
    row = PriorSet.objects.get()
    assert row.n_votes == 1718  # the file's 1,716, S/2017/172 from the seed, and this one
    latest = Projection.objects.filter(draft=dprk_draft).latest()
    assert latest.results["assumptions"]["source"].startswith("1,718 recorded votes")


def test_the_refresh_task_says_what_it_did(seeded: None) -> None:
    from votes.projections import projection_refresh

    draft = Draft.objects.get(symbol=None, regime__slug="dprk-1718")
    assert projection_refresh(draft_id=draft.pk) is not None  # on the in-memory priors
    result = refresh_priors.delay().get()
    assert result["prior_set"] == PriorSet.objects.get().pk
    assert result["projections_changed"] == 0  # the same priors: nothing to recompute
    assert refresh_priors.delay().get() == {"prior_set": None, "projections_changed": 0}
    council = Member.objects.seated_on(dt.date(2019, 12, 30))
    recorded_vote_create(
        voted_on=dt.date(2019, 12, 30),
        draft_symbol="S/2019/9997",
        ballots={m.code: "no" if m.code in ("FRA", "GBR", "USA") else "yes" for m in council},
        subject="DPRK non-proliferation (sanctions)",
    )
    changed = refresh_priors.delay().get()
    assert changed["prior_set"] != result["prior_set"]
    assert changed["projections_changed"] == 1  # the 2019 draft, on the new record


def test_without_stored_priors_the_refresh_is_done_in_memory(seeded: None) -> None:
    assert not PriorSet.objects.exists()
    priors = forecast.current_priors()
    assert priors.n_votes == 1717  # the file's votes and the seed's S/2017/172
    assert priors.last == dt.date(2025, 6, 4)
    # The refresh stores the same priors, so the projections computed meanwhile stand.
    row = forecast.prior_set_refresh()
    assert row is not None and charter.Priors.from_dict(row.data) == priors.detached()


# --- what the engine is given ----------------------------------------------------------------


def test_a_draft_is_forecast_on_its_regimes_topic_and_its_direction(dprk_draft: Draft) -> None:
    assert forecast.draft_topic(dprk_draft) == "dprk"
    assert forecast.draft_direction(list(dprk_draft.provisions.all())) is charter.Direction.LIFTS
    rule = charter.Rule(
        ("CHN", "FRA", "GBR", "RUS", "USA"), frozenset({"CHN", "FRA", "GBR", "RUS", "USA"}), 3
    )
    priors = forecast.engine_priors(dprk_draft, rule)
    assert set(priors.records) == set(rule.members)
    assert priors.consensus is not None and 0 < priors.consensus < 1
    assert [bloc.members for bloc in priors.blocs] == [("FRA", "GBR", "USA"), ("CHN", "RUS")]


def test_the_2019_draft_stays_very_unlikely_and_fifteen_undecided_follow_the_record(
    dprk_draft: Draft,
) -> None:
    from votes.projections import draft_analysis

    reported = draft_analysis(dprk_draft)
    assert reported.projection.p_adopted < 0.05
    undecided = dict.fromkeys((item.member for item in reported.inputs), "undecided")
    everyone_undecided = draft_analysis(dprk_draft, undecided)
    assert everyone_undecided.projection.p_adopted > 0.5  # the Council's record, not 2.2%
    no_blocs = draft_analysis(dprk_draft, blocs=False)
    assert no_blocs.projection.p_adopted < 0.05
    assert not no_blocs.assumptions.blocs_enabled


# --- the API ---------------------------------------------------------------------------------


def test_the_projection_shows_inputs_assumptions_and_paths_with_their_chances(
    dprk_draft: Draft, analyst_client: APIClient
) -> None:
    response = analyst_client.get(API + f"drafts/{dprk_draft.slug}/projection/")
    assert response.status_code == 200, response.content
    body = response.json()
    inputs = {item["member"]: item for item in body["inputs"]}
    assert len(inputs) == 15
    usa = inputs["USA"]
    assert (usa["stance"], usa["confidence"], usa["known"]) == ("no", 0.9, True)
    assert usa["bloc"] == ["FRA", "GBR", "USA"]
    assert usa["stated"]["no"] == pytest.approx(0.9 + 0.1 * usa["prior"]["no"])
    assert usa["used"]["no"] > 0.9
    assert set(usa["prior"]) == {"yes", "no", "abstain"}
    assumptions = body["assumptions"]
    assert assumptions["blocs_enabled"] is True
    assert assumptions["source"].startswith("1,717 recorded votes, 1994-01-06 to 2025-06-04")
    assert [b["members"] for b in assumptions["blocs"]] == [["FRA", "GBR", "USA"], ["CHN", "RUS"]]
    path = body["closest_path"]
    assert path["feasible"] and 0 < path["probability"] < 0.05
    assert path["n_changes"] == len(path["changes"]) >= 3
    assert path["summary"].endswith("on their records")
    assert body["path_to_failure"]["target"] == "not_adopted"


def test_a_what_if_can_switch_the_blocs_off(dprk_draft: Draft, analyst_client: APIClient) -> None:
    url = API + f"drafts/{dprk_draft.slug}/scenarios/"
    on = analyst_client.post(url, {"overrides": {}}, format="json").json()
    off = analyst_client.post(url, {"overrides": {}, "blocs": False}, format="json").json()
    assert on["blocs"] is True and off["blocs"] is False
    assert off["assumptions"]["blocs_enabled"] is False and off["assumptions"]["blocs"] == []
    assert off["p_adopted"] != on["p_adopted"]
    assert all(item["bloc"] is None for item in off["inputs"])
    refused = analyst_client.post(url, {"overrides": {}, "blocs": "maybe"}, format="json")
    assert refused.status_code == 400
    assert "blocs" in refused.json()["detail"]
