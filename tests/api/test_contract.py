"""The endpoint contract under /api/v1/: every endpoint returns the documented keys with the
real values of the seed, and the list filters, ordering and pagination work as documented."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.conftest import API
from votes.models import Position, Projection, RecordedVote
from votes.tasks import refresh_stale_projections

pytestmark = pytest.mark.django_db

COUNCIL_2019 = [
    "CHN", "FRA", "RUS", "GBR", "USA",
    "BEL", "CIV", "DOM", "GNQ", "DEU", "IDN", "KWT", "PER", "POL", "ZAF",
]  # fmt: skip
# The seed's 2019 draft is open without a vote date: today's Council decides it ("today" is
# pinned to 2026-12-02 by the draft_2019 fixture). The 2019 elected members' positions are
# listed, not counted.
COUNCIL_2026 = [
    "CHN", "FRA", "RUS", "GBR", "USA",
    "BHR", "COL", "COD", "DNK", "GRC", "LVA", "LBR", "PAK", "PAN", "SOM",
]  # fmt: skip
ELECTED_2019 = COUNCIL_2019[5:]
P5 = {"CHN", "FRA", "GBR", "RUS", "USA"}
STANCES = {"yes", "leaning_yes", "undecided", "leaning_no", "no", "abstain", "not_participating"}
SEED_DRAFTS = 9  # the 2019 DPRK draft and the eight vetoed drafts of the recorded votes
SEED_VOTES = 12


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content[:2000]
    return response.json()


def _slugs(body: Any) -> list[str]:
    return [item["slug"] for item in body["results"]]


# Root, members, regimes, sectors -----------------------------------------------------------


def test_root_lists_every_endpoint_as_an_absolute_link(
    seeded: None, analyst_client: APIClient
) -> None:
    body = _ok(analyst_client.get(API))
    assert set(body) == {
        "members", "regimes", "sectors", "drafts", "draft", "tally", "projection",
        "scenarios", "positions", "votes", "power_indices", "schema", "docs",
    }  # fmt: skip
    assert body["drafts"] == "http://testserver/api/v1/drafts/"
    assert body["tally"] == "http://testserver/api/v1/drafts/dprk-relief-2019/tally/"
    assert body["power_indices"] == "http://testserver/api/v1/power-indices/"
    for name, link in body.items():
        if name == "scenarios":  # POST only
            response = analyst_client.post(link, {"overrides": {}}, format="json")
        else:
            response = analyst_client.get(link)
        assert response.status_code == 200, name


def test_members_on_a_day_are_the_fifteen_seated_with_permanent_flag_and_term(
    seeded: None, analyst_client: APIClient
) -> None:
    body = _ok(analyst_client.get(API + "members/", {"on": "2019-12-20"}))
    assert body["on"] == "2019-12-20"
    assert (body["seats"], body["known"], body["complete"]) == (15, 15, True)
    assert body["note"] == "the Council on 2019-12-20: all 15 seats known"
    assert [m["code"] for m in body["members"]] == COUNCIL_2019
    by_code = {m["code"]: m for m in body["members"]}
    assert set(by_code["USA"]) == {"code", "name", "permanent", "term"}
    assert by_code["USA"]["name"] == "United States"
    assert by_code["USA"]["permanent"] is True
    assert by_code["USA"]["term"] == {"start": "1945-10-24", "end": None}
    assert by_code["BEL"] == {
        "code": "BEL",
        "name": "Belgium",
        "permanent": False,
        "term": {"start": "2019-01-01", "end": "2020-12-31"},
    }
    assert {code for code, m in by_code.items() if m["permanent"]} == P5


@pytest.fixture
def today_is_2019_12_20(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pins "today" (the seed's terms end in 2027, so the real today is not a fixed Council)."""
    day = dt.date(2019, 12, 20)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


def test_members_default_to_today(
    seeded: None, analyst_client: APIClient, today_is_2019_12_20: dt.date
) -> None:
    body = _ok(analyst_client.get(API + "members/"))
    assert body["on"] == "2019-12-20"
    assert [m["code"] for m in body["members"]] == COUNCIL_2019


def test_members_say_when_only_some_seats_are_known(
    seeded: None, analyst_client: APIClient
) -> None:
    body = _ok(analyst_client.get(API + "members/", {"on": "2028-03-01"}))
    assert (body["seats"], body["known"], body["complete"]) == (15, 10, False)
    assert "known for 10 of 15 seats" in body["note"]
    assert len(body["members"]) == 10
    assert {m["code"] for m in body["members"] if m["permanent"]} == P5


def test_regimes_list_the_1718_regime(seeded: None, analyst_client: APIClient) -> None:
    body = _ok(analyst_client.get(API + "regimes/"))
    assert len(body) == 1
    (regime,) = body
    assert set(regime) == {"slug", "name", "resolution", "committee", "established_on", "source"}
    assert regime["slug"] == "dprk-1718"
    assert regime["resolution"] == 1718
    assert regime["established_on"] == "2006-10-14"
    assert "1718" in regime["committee"]


def test_sectors_carry_their_measures_over_time(seeded: None, analyst_client: APIClient) -> None:
    body = _ok(analyst_client.get(API + "sectors/"))
    by_slug = {s["slug"]: s for s in body}
    assert {"seafood", "textiles", "statues", "coal"} <= set(by_slug)
    seafood = by_slug["seafood"]
    assert set(seafood) == {
        "slug", "name", "regime", "estimated_annual_export_usd", "export_value_source", "measures",
    }  # fmt: skip
    assert seafood["regime"] == "dprk-1718"
    assert {"resolution": 2371, "kind": "ban"}.items() <= seafood["measures"][0].items()
    assert set(seafood["measures"][0]) == {"resolution", "adopted_on", "kind", "detail", "source"}
    coal = by_slug["coal"]["measures"]
    assert [m["resolution"] for m in coal] == [2270, 2321, 2371]
    assert [m["adopted_on"] for m in coal] == sorted(m["adopted_on"] for m in coal)


def test_sectors_filter_by_regime(seeded: None, analyst_client: APIClient) -> None:
    everything = _ok(analyst_client.get(API + "sectors/"))
    dprk = _ok(analyst_client.get(API + "sectors/", {"regime": "dprk-1718"}))
    assert dprk == everything
    assert _ok(analyst_client.get(API + "sectors/", {"regime": "nowhere"})) == []


# Drafts --------------------------------------------------------------------------------------


def test_drafts_list_items_carry_tally_summary_and_projection(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    assert refresh_stale_projections()  # as the workers do after the seed is loaded
    body = _ok(analyst_client.get(API + "drafts/"))
    assert body["count"] == SEED_DRAFTS
    assert set(body) == {"count", "next", "previous", "results"}
    item = next(d for d in body["results"] if d["slug"] == draft_2019.slug)
    assert set(item) == {
        "id", "slug", "symbol", "title", "status", "matter", "regime", "circulated_on",
        "vote_on", "resolution_number", "sponsors", "tally", "projection",
    }  # fmt: skip
    assert item["symbol"] is None
    assert item["status"] == "in_negotiation"
    assert item["regime"] == "dprk-1718"
    assert [s["code"] for s in item["sponsors"]] == ["CHN", "RUS"]
    assert all(s["penholder"] for s in item["sponsors"])
    # The ten undecided are today's elected members, who have no position; the 2019 ones
    # are not counted.
    assert item["tally"] == {
        "council_on": "2026-12-02",
        "seated": 15,
        "counts": {
            "yes": 2, "leaning_yes": 0, "undecided": 10, "leaning_no": 0, "no": 3,
            "abstain": 0, "not_participating": 0,
        },
        "permanent_opposed": ["FRA", "GBR", "USA"],
        "outcome_if_held_now": "failed",
        "votes_needed": 7,
        "not_counted": ELECTED_2019,
        "recorded_outcome": None,
    }  # fmt: skip
    assert set(item["projection"]) == {"p_adopted", "checked_at", "stale"}
    assert item["projection"]["stale"] is False
    vetoed = next(d for d in body["results"] if d["slug"] == "s-2019-961")
    assert vetoed["tally"]["recorded_outcome"] == "vetoed"
    assert vetoed["tally"]["council_on"] == "2019-12-20"
    assert vetoed["tally"]["not_counted"] == []


def test_drafts_list_shows_no_tally_before_a_projection_is_stored(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    """The list shows what is stored (it runs no engine): before the workers have computed a
    draft's projection, its tally is null and its projection stale."""
    body = _ok(analyst_client.get(API + "drafts/"))
    assert {item["slug"]: item["tally"] for item in body["results"]} == dict.fromkeys(_slugs(body))
    assert all(item["projection"]["stale"] is True for item in body["results"])
    assert all(item["projection"]["p_adopted"] is None for item in body["results"])


def test_drafts_list_shows_the_projected_adoption_once_computed(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    projection = _ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/projection/"))
    body = _ok(analyst_client.get(API + "drafts/", {"status": "in_negotiation"}))
    (item,) = body["results"]
    assert item["projection"]["p_adopted"] == pytest.approx(projection["p_adopted"])
    assert item["projection"]["stale"] is False
    assert item["projection"]["checked_at"] is not None


@pytest.mark.parametrize("how", ["slug", "id"])
def test_draft_detail_by_slug_or_id(draft_2019: Any, analyst_client: APIClient, how: str) -> None:
    refresh_stale_projections()
    key = draft_2019.slug if how == "slug" else str(draft_2019.pk)
    body = _ok(analyst_client.get(API + f"drafts/{key}/"))
    assert body["id"] == draft_2019.pk
    assert body["slug"] == draft_2019.slug
    assert {"notes", "sources", "provisions", "versions", "created_at", "updated_at"} <= set(body)
    assert body["status"] == "in_negotiation"
    assert [(s["code"], s["name"], s["penholder"]) for s in body["sponsors"]] == [
        ("CHN", "China", True),
        ("RUS", "Russian Federation", True),
    ]
    provisions = {(p["sector"], p["action"]) for p in body["provisions"]}
    assert provisions == {
        ("statues", "lift"),
        ("seafood", "lift"),
        ("textiles", "lift"),
        ("overseas-workers", "ease"),
        ("infrastructure-projects", "ease"),
        ("machinery-imports", "ease"),
    }
    seafood = next(p for p in body["provisions"] if p["sector"] == "seafood")
    assert seafood["sector_name"] == "Seafood"
    assert len(body["versions"]) == 1
    assert body["versions"][0]["number"] == 1
    assert body["versions"][0]["dated"] == "2019-12-16"
    assert "seafood (2371)" in body["versions"][0]["text"]
    assert body["tally"]["counts"]["no"] == 3


def test_vetoed_draft_detail_by_slug(seeded: None, analyst_client: APIClient) -> None:
    body = _ok(analyst_client.get(API + "drafts/s-2019-961/"))
    assert body["symbol"] == "S/2019/961"
    assert body["status"] == "vetoed"
    assert body["vote_on"] == "2019-12-20"


# Filters, search, ordering, pagination ------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "in_negotiation"}, ["{2019}"]),
        ({"status": "adopted"}, []),
        ({"regime": "dprk-1718"}, ["{2019}", "s-2022-431"]),
        ({"sector": "seafood"}, ["{2019}"]),
        ({"sector": "coal"}, []),
        ({"sponsor": "RUS"}, ["{2019}"]),
        ({"sponsor": "rus"}, ["{2019}"]),
        ({"sponsor": "USA"}, []),
        ({"matter": "procedural"}, []),
        ({"circulated_after": "2019-12-01"}, ["{2019}"]),
        ({"circulated_after": "2019-12-17"}, []),
        ({"circulated_before": "2019-12-16"}, ["{2019}"]),
        ({"circulated_before": "2019-12-15"}, []),
        ({"voted_after": "2019-06-01", "voted_before": "2019-12-31"}, ["s-2019-961", "s-2019-756"]),
        ({"voted_after": "2022-01-01"}, ["s-2022-431", "s-2022-155"]),
        ({"voted_before": "2017-12-31"}, ["s-2017-1060", "s-2017-172"]),
        ({"search": "S/2019/961"}, ["s-2019-961"]),
        ({"search": "easing sanctions"}, ["{2019}"]),
        ({"search": "Idlib"}, ["s-2019-756"]),
        ({"search": "inter-Korean rail"}, ["{2019}"]),  # only in the version's text
    ],
)
def test_drafts_filters(
    draft_2019: Any, analyst_client: APIClient, params: dict[str, str], expected: list[str]
) -> None:
    body = _ok(analyst_client.get(API + "drafts/", params))
    wanted = [draft_2019.slug if slug == "{2019}" else slug for slug in expected]
    assert sorted(_slugs(body)) == sorted(wanted)
    assert body["count"] == len(wanted)


def test_drafts_filter_several_statuses(seeded: None, analyst_client: APIClient) -> None:
    body = _ok(analyst_client.get(API + "drafts/?status=in_negotiation&status=vetoed"))
    assert body["count"] == SEED_DRAFTS
    body = _ok(analyst_client.get(API + "drafts/", {"status": "vetoed"}))
    assert body["count"] == SEED_DRAFTS - 1


def test_drafts_filter_matter_substantive_finds_all(
    seeded: None, analyst_client: APIClient
) -> None:
    assert _ok(analyst_client.get(API + "drafts/", {"matter": "substantive"}))["count"] == 9


def test_drafts_ordering_by_latest_vote(seeded: None, analyst_client: APIClient) -> None:
    body = _ok(analyst_client.get(API + "drafts/", {"ordering": "-vote_on"}))
    voted = [d for d in body["results"] if d["vote_on"]]
    assert [d["vote_on"] for d in voted] == sorted((d["vote_on"] for d in voted), reverse=True)
    assert voted[0]["slug"] == "s-2022-431"
    assert voted[-1]["slug"] == "s-2017-172"
    ascending = _ok(analyst_client.get(API + "drafts/", {"ordering": "vote_on"}))
    assert next(d["slug"] for d in ascending["results"] if d["vote_on"]) == "s-2017-172"


def test_drafts_default_order_is_latest_circulated_first(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    body = _ok(analyst_client.get(API + "drafts/", {"circulated_after": "2000-01-01"}))
    assert _slugs(body) == [draft_2019.slug]


def test_drafts_pagination_with_page_size(seeded: None, analyst_client: APIClient) -> None:
    first = _ok(analyst_client.get(API + "drafts/", {"page_size": "2", "ordering": "symbol"}))
    assert first["count"] == SEED_DRAFTS
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    seen = _slugs(first)
    link = first["next"]
    while link:
        page = _ok(analyst_client.get(link))
        assert len(page["results"]) <= 2
        assert page["previous"] is not None
        seen += _slugs(page)
        link = page["next"]
    assert len(seen) == len(set(seen)) == SEED_DRAFTS
    last = _ok(analyst_client.get(API + "drafts/", {"page_size": 2, "page": 5}))
    assert len(last["results"]) == 1
    assert last["next"] is None


# Tally and projection -----------------------------------------------------------------------


def test_tally_of_the_2019_draft(draft_2019: Any, analyst_client: APIClient) -> None:
    body = _ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/tally/"))
    assert {
        "quota", "seated", "counts", "permanent_opposed", "outcome_if_held_now",
        "votes_needed", "as_of",
    } <= set(body)  # fmt: skip
    assert body["quota"] == 9
    assert body["seated"] == 15
    assert set(body["counts"]) == STANCES
    assert (body["counts"]["yes"], body["counts"]["no"], body["counts"]["undecided"]) == (2, 3, 10)
    assert sum(body["counts"].values()) == 15
    assert body["permanent_opposed"] == ["FRA", "GBR", "USA"]
    assert body["outcome_if_held_now"] == "failed"
    assert body["votes_needed"] == 7
    assert body["as_of"] == "2019-12-30"
    assert body["draft"] == draft_2019.slug
    # Open, without a vote date: today's Council. The 2019 elected members have left it.
    assert body["council_on"] == "2026-12-02"
    assert [p["member"] for p in body["not_counted"]] == ELECTED_2019
    assert body["not_counted"][0] == {
        "position": Position.objects.get(draft=draft_2019, member__code="BEL").pk,
        "member": "BEL",
        "name": "Belgium",
        "stance": "undecided",
        "as_of": "2019-12-30",
        "reason": "not on the Council on 2026-12-02",
    }
    assert body["recorded_outcome"] is None
    assert body["recorded_vote"] is None


def test_tally_of_a_vetoed_draft_carries_its_recorded_vote(
    seeded: None, analyst_client: APIClient
) -> None:
    """Nobody recorded positions on S/2019/961, so the forecast is fifteen undecided; beside it
    is what happened: vetoed by China and Russia, 13-2-0."""
    body = _ok(analyst_client.get(API + "drafts/s-2019-961/tally/"))
    assert body["council_on"] == "2019-12-20"
    assert body["counts"]["undecided"] == 15
    assert body["recorded_outcome"] == "vetoed"
    assert body["recorded_vote"] == {
        "id": _vote_id("S/2019/961"),
        "voted_on": "2019-12-20",
        "meeting_record": "S/PV.8697",
        "recorded_outcome": "vetoed",
        "counts": {"yes": 13, "no": 2, "abstain": 0, "not_participating": 0},
        "vetoed_by": ["CHN", "RUS"],
    }


def test_projection_of_the_2019_draft(draft_2019: Any, analyst_client: APIClient) -> None:
    refresh_stale_projections()
    body = _ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/projection/"))
    assert {
        "p_adopted", "p_vetoed", "p_failed", "expected_yes", "yes_distribution", "most_likely",
        "pivotal", "closest_path", "computed_at", "stale", "computed_in_request", "council_on",
        "not_counted", "recorded_outcome", "recorded_vote",
    } <= set(body)  # fmt: skip
    assert 0 <= body["p_adopted"] < 0.01
    assert body["p_adopted"] + body["p_vetoed"] + body["p_failed"] == pytest.approx(1, abs=1e-9)
    assert len(body["yes_distribution"]) == 16
    assert sum(body["yes_distribution"]) == pytest.approx(1, abs=1e-9)
    assert body["expected_yes"] == pytest.approx(
        sum(k * p for k, p in enumerate(body["yes_distribution"]))
    )
    assert body["most_likely"] == "vetoed"  # the elected members follow their records: yes
    assert body["closest_path"]["elected_only_feasible"] is False
    assert {"feasible", "changes", "reason", "elected_only_reason"} <= set(body["closest_path"])
    assert {p["member"] for p in body["pivotal"]} == set(COUNCIL_2026)
    assert {"member", "permanent", "p_adopted_if_yes", "p_adopted_if_no", "swing"} <= set(
        body["pivotal"][0]
    )
    assert body["computed_at"] is not None
    assert body["stale"] is False
    assert body["computed_in_request"] is False
    assert body["council_on"] == "2026-12-02"
    assert [p["member"] for p in body["not_counted"]] == ELECTED_2019


def test_projection_of_a_voted_draft_without_positions_carries_the_recorded_vote(
    seeded: None, analyst_client: APIClient
) -> None:
    refresh_stale_projections()
    body = _ok(analyst_client.get(API + "drafts/s-2022-431/projection/"))
    assert body["p_adopted"] + body["p_vetoed"] + body["p_failed"] == pytest.approx(1)
    assert len(body["yes_distribution"]) == 16
    assert body["stale"] is False
    assert body["council_on"] == "2022-05-26"
    assert body["recorded_outcome"] == "vetoed"
    assert body["recorded_vote"]["counts"] == {
        "yes": 13,
        "no": 2,
        "abstain": 0,
        "not_participating": 0,
    }
    assert body["recorded_vote"]["vetoed_by"] == ["CHN", "RUS"]


# Scenarios ----------------------------------------------------------------------------------


def test_scenario_with_western_abstentions_raises_adoption_and_writes_nothing(
    draft_2019: Any, analyst_client: APIClient, row_counts: Any
) -> None:
    url = API + f"drafts/{draft_2019.slug}/scenarios/"
    baseline = _ok(analyst_client.post(url, {"overrides": {}}, format="json"))
    before = row_counts()
    overrides = {"USA": "abstain", "FRA": "abstain", "GBR": "abstain"}
    body = _ok(analyst_client.post(url, {"overrides": overrides}, format="json"))
    assert row_counts() == before
    assert Projection.objects.filter(draft=draft_2019).count() == 0
    assert body["overrides"] == overrides
    assert body["p_adopted"] > baseline["p_adopted"]
    assert body["p_adopted"] + body["p_vetoed"] + body["p_failed"] == pytest.approx(1)
    assert len(body["yes_distribution"]) == 16
    assert body["tally"]["permanent_opposed"] == []
    assert body["tally"]["counts"]["abstain"] == 3
    assert {"pivotal", "closest_path", "most_likely", "expected_yes"} <= set(body)
    # The stored positions are unchanged: the tally still shows three permanent noes.
    tally = _ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/tally/"))
    assert tally["permanent_opposed"] == ["FRA", "GBR", "USA"]


def test_scenario_without_overrides_matches_the_projection(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    scenario = _ok(
        analyst_client.post(
            API + f"drafts/{draft_2019.slug}/scenarios/", {"overrides": {}}, format="json"
        )
    )
    projection = _ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/projection/"))
    assert scenario["p_adopted"] == pytest.approx(projection["p_adopted"])
    assert scenario["yes_distribution"] == pytest.approx(projection["yes_distribution"])


# Positions ----------------------------------------------------------------------------------


def test_positions_list_current_and_history(draft_2019: Any, analyst_client: APIClient) -> None:
    url = API + f"drafts/{draft_2019.slug}/positions/"
    current = _ok(analyst_client.get(url))
    assert len(current) == 15
    assert {p["member"]["code"] for p in current} == set(COUNCIL_2019)
    usa = next(p for p in current if p["member"]["code"] == "USA")
    assert set(usa) == {
        "id", "draft", "member", "stance", "confidence", "as_of", "source", "source_url",
        "entered_by", "created_at", "current", "counted", "reason",
    }  # fmt: skip
    assert usa["member"] == {"code": "USA", "name": "United States", "permanent": True}
    assert (usa["stance"], usa["confidence"], usa["as_of"]) == ("no", 0.9, "2019-12-30")
    assert usa["draft"] == draft_2019.slug
    assert (usa["current"], usa["counted"], usa["reason"]) == (True, True, None)
    assert [p["member"]["permanent"] for p in current] == [True] * 5 + [False] * 10
    # The 2019 elected members are not on today's Council, which decides the open draft.
    for position in current[5:]:
        assert (position["current"], position["counted"]) == (True, False)
        assert position["reason"] == "not on the Council on 2026-12-02"
    history = _ok(analyst_client.get(url, {"history": "true"}))
    assert len(history) == 15


NEW_POSITION = {
    "member": "BEL",
    "stance": "leaning_yes",
    "confidence": 0.6,
    "as_of": "2019-12-31",
    "source": "Statement of Belgium, 2019-12-31",
    "source_url": "https://example.org/belgium",
}


def test_editor_records_a_position_that_becomes_current(
    draft_2019: Any, editor_client: APIClient, editor: Any
) -> None:
    url = API + f"drafts/{draft_2019.slug}/positions/"
    body = _ok(editor_client.post(url, NEW_POSITION, format="json"), 201)
    assert body["member"]["code"] == "BEL"
    assert (body["stance"], body["confidence"], body["as_of"]) == ("leaning_yes", 0.6, "2019-12-31")
    assert body["source"] == NEW_POSITION["source"]
    assert body["source_url"] == NEW_POSITION["source_url"]
    assert body["entered_by"] == editor.username
    assert body["draft"] == draft_2019.slug
    stored = Position.objects.get(pk=body["id"])
    assert stored.entered_by == editor

    # Current, but Belgium has left the Council that decides the draft: not counted.
    assert (body["current"], body["counted"]) == (True, False)
    assert body["reason"] == "not on the Council on 2026-12-02"

    current = _ok(editor_client.get(url))
    assert len(current) == 15
    belgium = next(p for p in current if p["member"]["code"] == "BEL")
    assert belgium["id"] == body["id"]
    assert belgium["stance"] == "leaning_yes"

    history = _ok(editor_client.get(url, {"history": "true"}))
    assert len(history) == 16
    assert history[0]["id"] == body["id"]  # newest first
    assert [p["stance"] for p in history if p["member"]["code"] == "BEL"] == [
        "leaning_yes",
        "undecided",
    ]
    replaced = next(p for p in history if p["member"]["code"] == "BEL" and p["id"] != body["id"])
    assert (replaced["current"], replaced["counted"]) == (False, False)
    assert replaced["reason"] == "not current: the member has a position with a later as-of date"
    tally = _ok(editor_client.get(API + f"drafts/{draft_2019.slug}/tally/"))
    assert tally["counts"]["leaning_yes"] == 0
    assert tally["counts"]["undecided"] == 10
    assert tally["as_of"] == "2019-12-31"
    listed = next(p for p in tally["not_counted"] if p["member"] == "BEL")
    assert (listed["position"], listed["stance"]) == (body["id"], "leaning_yes")

    # A permanent member's new position is counted at once.
    usa = {**NEW_POSITION, "member": "USA", "stance": "abstain", "source": "US mission"}
    counted = _ok(editor_client.post(url, usa, format="json"), 201)
    assert (counted["current"], counted["counted"], counted["reason"]) == (True, True, None)
    tally = _ok(editor_client.get(API + f"drafts/{draft_2019.slug}/tally/"))
    assert (tally["counts"]["abstain"], tally["counts"]["no"]) == (1, 2)


def test_position_superseding_the_current_one_is_accepted(
    draft_2019: Any, editor_client: APIClient
) -> None:
    url = API + f"drafts/{draft_2019.slug}/positions/"
    current = Position.objects.filter(draft=draft_2019, member__code="BEL").get()
    body = _ok(
        editor_client.post(url, {**NEW_POSITION, "supersedes": current.pk}, format="json"), 201
    )
    assert body["stance"] == "leaning_yes"


def test_position_superseding_an_old_one_is_a_conflict(
    draft_2019: Any, editor_client: APIClient, row_counts: Any
) -> None:
    url = API + f"drafts/{draft_2019.slug}/positions/"
    old = Position.objects.filter(draft=draft_2019, member__code="BEL").get()
    newer = _ok(editor_client.post(url, NEW_POSITION, format="json"), 201)
    before = row_counts()
    response = editor_client.post(
        url, {**NEW_POSITION, "stance": "no", "supersedes": old.pk}, format="json"
    )
    body = _ok(response, 409)
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == "stale_version"
    assert body["errors"][0]["field"] == "supersedes"
    assert body["errors"][0]["code"] == "stale_version"
    assert str(newer["id"]) in body["errors"][0]["message"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"as_of": "2001-05-01"},
            "as_of",
            "2001-05-01 is before the draft's first date (2019-12-16): a position cannot be "
            "older than the draft.",
        ),
        (
            {"as_of": "0001-01-01"},
            "as_of",
            "0001-01-01 is before the draft's first date (2019-12-16): a position cannot be "
            "older than the draft.",
        ),
        # Germany sat in 2019-2020: today's position (the admin's "Today") is refused.
        (
            {"member": "DEU", "as_of": "2026-12-02"},
            "member",
            "Germany is not on the Security Council on 2026-12-02.",
        ),
    ],
)
def test_a_position_outside_the_drafts_dates_or_its_members_seat_is_refused(
    draft_2019: Any,
    editor_client: APIClient,
    row_counts: Any,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = row_counts()
    response = editor_client.post(
        API + f"drafts/{draft_2019.slug}/positions/", {**NEW_POSITION, **change}, format="json"
    )
    body = _ok(response, 400)
    code = "not_seated" if field == "member" else "invalid"
    assert body["errors"] == [{"field": field, "message": message, "code": code}]
    assert row_counts() == before


def test_a_position_after_the_vote_is_refused(seeded: None, editor_client: APIClient) -> None:
    response = editor_client.post(
        API + "drafts/s-2019-961/positions/",
        {**NEW_POSITION, "as_of": "2019-12-21"},
        format="json",
    )
    body = _ok(response, 400)
    assert body["errors"] == [
        {
            "field": "as_of",
            "message": "2019-12-21 is after the vote on it (2019-12-20).",
            "code": "invalid",
        }
    ]


def test_an_older_position_supersedes_nothing(
    draft_2019: Any, editor_client: APIClient, row_counts: Any
) -> None:
    url = API + f"drafts/{draft_2019.slug}/positions/"
    usa = Position.objects.get(draft=draft_2019, member__code="USA")  # as of 2019-12-30
    older = {**NEW_POSITION, "member": "USA", "as_of": "2019-12-20", "stance": "yes"}
    before = row_counts()
    body = _ok(editor_client.post(url, {**older, "supersedes": usa.pk}, format="json"), 409)
    assert body["errors"][0]["field"] == "as_of"
    assert "is older and cannot replace it" in body["errors"][0]["message"]
    assert row_counts() == before
    # Without supersedes it is kept as history, and says it is not current.
    kept = _ok(editor_client.post(url, older, format="json"), 201)
    assert (kept["current"], kept["counted"]) == (False, False)
    current = _ok(editor_client.get(url))
    assert next(p for p in current if p["member"]["code"] == "USA")["id"] == usa.pk


# Recorded votes -----------------------------------------------------------------------------


def _vote_id(symbol: str) -> int:
    return RecordedVote.objects.get(draft__symbol=symbol).pk


def test_votes_list(seeded: None, analyst_client: APIClient) -> None:
    body = _ok(analyst_client.get(API + "votes/"))
    assert body["count"] == SEED_VOTES
    item = body["results"][0]
    assert {
        "id", "draft", "resolution_number", "voted_on", "matter", "meeting_record", "subject",
        "recorded_outcome", "outcome", "vetoed_by", "counts", "source",
    } <= set(item)  # fmt: skip
    assert item["draft"] == "s-2022-431"  # latest first
    assert [v["voted_on"] for v in body["results"]] == sorted(
        (v["voted_on"] for v in body["results"]), reverse=True
    )
    for vote in body["results"]:
        assert vote["outcome"] == vote["recorded_outcome"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"voted_after": "2019-01-01", "voted_before": "2019-12-31"}, 3),
        ({"voted_after": "2022-01-01"}, 2),
        ({"voted_before": "2017-08-05"}, 2),
        ({"outcome": "adopted"}, 4),
        ({"outcome": "vetoed"}, 8),
        ({"outcome": "failed"}, 0),
        ({"member": "USA", "member_vote": "no"}, 2),
        ({"member": "usa", "member_vote": "no"}, 2),
        ({"member": "RUS", "member_vote": "no"}, 6),
        ({"member": "BEL"}, 3),
        ({"member_vote": "abstain"}, 6),
        ({"draft": "s-2019-961"}, 1),
        ({"draft": "S/2019/961"}, 1),
        ({"draft": "s-1999-1"}, 0),
    ],
)
def test_votes_filters(
    seeded: None, analyst_client: APIClient, params: dict[str, str], expected: int
) -> None:
    body = _ok(analyst_client.get(API + "votes/", params))
    assert body["count"] == expected
    assert len({v["id"] for v in body["results"]}) == expected


def test_votes_filter_by_member_vote_finds_the_vetoes(
    seeded: None, analyst_client: APIClient
) -> None:
    body = _ok(analyst_client.get(API + "votes/", {"member": "USA", "member_vote": "no"}))
    assert sorted(v["draft"] for v in body["results"]) == ["s-2017-1060", "s-2018-516"]
    assert all(v["vetoed_by"] == ["USA"] for v in body["results"])


def test_vote_detail_of_s_2019_961(seeded: None, analyst_client: APIClient) -> None:
    body = _ok(analyst_client.get(API + f"votes/{_vote_id('S/2019/961')}/"))
    assert body["draft"] == "s-2019-961"
    assert body["voted_on"] == "2019-12-20"
    assert body["meeting_record"] == "S/PV.8697"
    assert body["outcome"] == "vetoed"
    assert body["recorded_outcome"] == "vetoed"
    assert body["vetoed_by"] == ["CHN", "RUS"]
    assert body["counts"] == {"yes": 13, "no": 2, "abstain": 0, "not_participating": 0}
    assert len(body["ballots"]) == 15
    ballots = {b["member"]: b for b in body["ballots"]}
    assert set(ballots) == set(COUNCIL_2019)
    assert ballots["RUS"] == {
        "member": "RUS",
        "name": "Russian Federation",
        "permanent": True,
        "vote": "no",
    }
    assert ballots["USA"]["vote"] == "yes"


def test_vote_detail_of_an_adopted_resolution(seeded: None, analyst_client: APIClient) -> None:
    vote = RecordedVote.objects.get(resolution_number=2397)
    body = _ok(analyst_client.get(API + f"votes/{vote.pk}/"))
    assert body["draft"] is None
    assert body["resolution_number"] == 2397
    assert body["outcome"] == "adopted"
    assert body["vetoed_by"] == []
    assert body["counts"]["yes"] == 15


def _ballots_2019(**votes: str) -> dict[str, str]:
    return {code: votes.get(code, "abstain") for code in COUNCIL_2019}


def test_editor_records_a_vote_and_gets_the_engine_outcome(
    draft_2019: Any, editor_client: APIClient, editor: Any
) -> None:
    # Ten yes votes but three permanent noes: a veto (nine yes votes were reached).
    ballots = _ballots_2019(
        **dict.fromkeys(["RUS", "CHN", *COUNCIL_2019[5:13]], "yes"),
        USA="no",
        GBR="no",
        FRA="no",
    )
    payload = {
        "draft": draft_2019.slug,
        "voted_on": "2019-12-20",
        "meeting_record": "S/PV.9999",
        "subject": "DPRK (test)",
        "ballots": ballots,
    }
    body = _ok(editor_client.post(API + "votes/", payload, format="json"), 201)
    assert body["draft"] == draft_2019.slug
    assert body["voted_on"] == "2019-12-20"
    assert body["outcome"] == "vetoed"
    assert body["vetoed_by"] == ["FRA", "GBR", "USA"]
    assert body["counts"] == {"yes": 10, "no": 3, "abstain": 2, "not_participating": 0}
    assert len(body["ballots"]) == 15
    recorded = RecordedVote.objects.get(pk=body["id"])
    assert recorded.entered_by == editor
    assert recorded.ballots.count() == 15
    detail = _ok(editor_client.get(API + f"votes/{body['id']}/"))
    assert detail["outcome"] == "vetoed"
    listed = _ok(editor_client.get(API + "votes/", {"draft": draft_2019.slug}))
    assert [v["id"] for v in listed["results"]] == [body["id"]]


def test_editor_records_an_adopted_resolution(seeded: None, editor_client: APIClient) -> None:
    payload = {
        "resolution_number": 9990,
        "voted_on": "2019-12-20",
        "ballots": _ballots_2019(**dict.fromkeys(COUNCIL_2019[:10], "yes")),
    }
    body = _ok(editor_client.post(API + "votes/", payload, format="json"), 201)
    assert body["resolution_number"] == 9990
    assert body["draft"] is None
    assert body["outcome"] == "adopted"
    assert body["counts"] == {"yes": 10, "no": 0, "abstain": 5, "not_participating": 0}


def test_votes_outcome_filter_reads_the_engine_outcome_of_a_new_vote(
    seeded: None, editor_client: APIClient
) -> None:
    payload = {
        "resolution_number": 9991,
        "voted_on": "2019-12-20",
        "ballots": _ballots_2019(**dict.fromkeys(COUNCIL_2019, "yes")),
    }
    created = _ok(editor_client.post(API + "votes/", payload, format="json"), 201)
    assert created["recorded_outcome"] == ""  # the API records no outcome of its own
    adopted = _ok(editor_client.get(API + "votes/", {"outcome": "adopted"}))
    assert created["id"] in [v["id"] for v in adopted["results"]]
    assert adopted["count"] == 5
    vetoed = _ok(editor_client.get(API + "votes/", {"outcome": "vetoed"}))
    assert created["id"] not in [v["id"] for v in vetoed["results"]]


# Power indices ------------------------------------------------------------------------------


def test_power_indices_exact_fractions_and_floats(seeded: None, analyst_client: APIClient) -> None:
    body = _ok(analyst_client.get(API + "power-indices/", {"on": "2019-12-20"}))
    assert (body["on"], body["matter"], body["quota"], body["seated"]) == (
        "2019-12-20",
        "substantive",
        9,
        15,
    )
    by_code = {m["member"]: m for m in body["members"]}
    assert set(by_code) == set(COUNCIL_2019)
    usa = by_code["USA"]
    assert set(usa) == {
        "member", "name", "permanent", "shapley_shubik", "shapley_shubik_float", "banzhaf_raw",
        "banzhaf_raw_float", "banzhaf_normalised", "banzhaf_normalised_float",
    }  # fmt: skip
    assert usa["shapley_shubik"] == "421/2145"
    assert usa["shapley_shubik_float"] == pytest.approx(421 / 2145)
    assert by_code["BEL"]["shapley_shubik"] == "4/2145"
    assert sum(Fraction(m["shapley_shubik"]) for m in body["members"]) == 1
    assert sum(Fraction(m["banzhaf_normalised"]) for m in body["members"]) == 1
    for member in body["members"]:
        for name in ("shapley_shubik", "banzhaf_raw", "banzhaf_normalised"):
            assert member[f"{name}_float"] == pytest.approx(float(Fraction(member[name])))


def test_power_indices_procedural_matter_has_no_veto(
    seeded: None, analyst_client: APIClient
) -> None:
    body = _ok(
        analyst_client.get(API + "power-indices/", {"on": "2019-12-20", "matter": "procedural"})
    )
    assert body["matter"] == "procedural"
    assert {m["shapley_shubik"] for m in body["members"]} == {"1/15"}


def test_power_indices_default_to_today(
    seeded: None, analyst_client: APIClient, today_is_2019_12_20: dt.date
) -> None:
    body = _ok(analyst_client.get(API + "power-indices/"))
    assert body["on"] == "2019-12-20"
    assert body["seated"] == 15
    assert {m["member"] for m in body["members"]} == set(COUNCIL_2019)


# Schema and docs ----------------------------------------------------------------------------


def test_schema_is_openapi_3_with_every_path_and_the_error_shape(
    seeded: None, analyst_client: APIClient
) -> None:
    response = analyst_client.get(API + "schema/", {"format": "json"})
    assert response.status_code == 200
    assert "openapi" in response["Content-Type"]
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/members/", "/api/v1/regimes/", "/api/v1/sectors/", "/api/v1/drafts/",
        "/api/v1/drafts/{key}/", "/api/v1/drafts/{key}/tally/",
        "/api/v1/drafts/{key}/projection/", "/api/v1/drafts/{key}/scenarios/",
        "/api/v1/drafts/{key}/positions/", "/api/v1/votes/", "/api/v1/votes/{id}/",
        "/api/v1/power-indices/",
    } <= paths  # fmt: skip
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code", "errors"}
    assert set(error["properties"]["errors"]["items"]["required"]) == {"field", "message", "code"}
    post = schema["paths"]["/api/v1/drafts/{key}/positions/"]["post"]
    assert {"201", "400", "401", "403", "404", "409", "429"} <= set(post["responses"])
    yaml = analyst_client.get(API + "schema/")
    assert yaml.status_code == 200
    assert yaml.content.startswith(b"openapi: 3.")


def _nullable(schema: dict[str, Any], prop: dict[str, Any]) -> bool:
    if prop.get("nullable"):
        return True
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return bool(schema["components"]["schemas"][name].get("nullable"))
    return any(_nullable(schema, p) for p in prop.get("oneOf", []) + prop.get("anyOf", []))


def test_schema_declares_nullable_every_field_the_api_returns_as_null(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    """A client generated from the schema must be able to read the real responses: every field
    that comes back null is declared nullable (seed drafts outside a regime have no regime;
    seed positions have no entered_by)."""
    schema = analyst_client.get(API + "schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    vote = RecordedVote.objects.get(resolution_number=2397)
    samples = {
        "DraftList": _ok(analyst_client.get(API + "drafts/"))["results"],
        "DraftDetail": [
            _ok(analyst_client.get(API + "drafts/s-2019-961/")),
            _ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/")),
        ],
        "Position": _ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/positions/")),
        "RecordedVote": _ok(analyst_client.get(API + "votes/"))["results"],
        "RecordedVoteDetail": [_ok(analyst_client.get(API + f"votes/{vote.pk}/"))],
        "Tally": [
            _ok(analyst_client.get(API + "drafts/s-2019-961/tally/")),
            _ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/tally/")),
        ],
        # Before a projection is stored (computed_at null), and once it is.
        "Projection": [_ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/projection/"))],
    }
    refresh_stale_projections()
    samples["Projection"].append(
        _ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/projection/"))
    )
    samples["DraftList"] += _ok(analyst_client.get(API + "drafts/"))["results"]
    undeclared = set()
    for component, items in samples.items():
        properties = components[component]["properties"]
        for item in items:
            for key, value in item.items():
                assert key in properties, (component, key)
                if value is None and not _nullable(schema, properties[key]):
                    undeclared.add(f"{component}.{key}")
    assert undeclared == set()


def test_docs_serve_swagger_ui_from_our_own_static_files(
    seeded: None, analyst_client: APIClient
) -> None:
    response = analyst_client.get(API + "docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page, [
        line for line in page.splitlines() if "http" in line
    ]


def test_timestamps_are_iso_8601(draft_2019: Any, analyst_client: APIClient) -> None:
    refresh_stale_projections()
    body = _ok(analyst_client.get(API + f"drafts/{draft_2019.slug}/projection/"))
    computed = dt.datetime.fromisoformat(body["computed_at"].replace("Z", "+00:00"))
    assert computed.tzinfo is not None
    assert not math.isnan(body["expected_yes"])


def test_schema_says_what_the_server_refuses(seeded: None, analyst_client: APIClient) -> None:
    """Request bodies are closed at every depth, page numbers start at 1, dates are dates."""
    schema = analyst_client.get(API + "schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    def closed(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                component = components[node["$ref"].rsplit("/", 1)[-1]]
                if "properties" in component:
                    assert component.get("additionalProperties") is False, node["$ref"]
                closed(component)
            for value in node.values():
                closed(value)
        elif isinstance(node, list):
            for value in node:
                closed(value)

    bodies = [
        operation["requestBody"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        if "requestBody" in operation
    ]
    assert len(bodies) == 5  # positions, votes, scenarios, a draft's and a term's PATCH
    for body in bodies:
        closed(body)

    parameters = [
        (path, parameter)
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
    ]
    pages = [p for _, p in parameters if p["name"] in {"page", "page_size"}]
    assert len(pages) == 8  # drafts, votes, a draft's history and a member's
    assert all(p["schema"] == {"type": "integer", "minimum": 1} for p in pages)
    dates = {
        (path, p["name"])
        for path, p in parameters
        if p["schema"].get("format") == "date" and p["in"] == "query"
    }
    assert {
        ("/api/v1/members/", "on"),
        ("/api/v1/power-indices/", "on"),
        ("/api/v1/drafts/", "voted_after"),
        ("/api/v1/votes/", "voted_before"),
    } <= dates
    position = components["PositionInputRequest"]["properties"]
    assert position["as_of"]["format"] == "date"
    assert position["supersedes"]["type"] == "integer"
