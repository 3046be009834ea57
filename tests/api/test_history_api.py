"""Browsing the Council's history through the API: members with their names over time and
voting records, votes filtered by year, outcome, member, veto and text, and the figures for
charts (vetoes by member and year, outcomes by year) checked against the facts file."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.api.conftest import API
from votes.importers import import_file

HISTORY = Path(settings.BASE_DIR) / "seed" / "history"
OUTCOMES = HISTORY / "unsc_outcomes_1946_2022.csv"
NAMES = {"USSR": "RUS", "Russian Federation": "RUS", "USA": "USA", "United States": "USA"}
NAMES |= {"UK": "GBR", "United Kingdom": "GBR", "France": "FRA", "China": "CHN"}


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content[:2000]
    return response.json()


def _error(response: Any, status: int, field: str) -> str:
    assert response.status_code == status, response.content[:2000]
    body = response.json()
    assert [e["field"] for e in body["errors"]] == [field], body
    return str(body["errors"][0]["message"])


@pytest.fixture
def undl(seeded: None) -> None:
    assert import_file(HISTORY / "undl_sc_voting_sample.csv").invalid == 0


def test_the_council_of_1960_answers_with_the_names_of_the_time(
    seeded: None, analyst_client: APIClient
) -> None:
    body = _ok(analyst_client.get(API + "members/", {"on": "1960-06-01"}))

    assert (body["seats"], body["known"], body["complete"]) == (11, 11, True)
    names = {m["code"]: m["name"] for m in body["members"]}
    assert names["RUS"] == "Union of Soviet Socialist Republics"
    assert names["CHN"] == "Republic of China"


def test_a_day_before_the_first_meeting_is_a_400(seeded: None, analyst_client: APIClient) -> None:
    message = _error(analyst_client.get(API + "members/", {"on": "1946-01-16"}), 400, "on")
    assert "first met (1946-01-17)" in message
    message = _error(analyst_client.get(API + "power-indices/", {"on": "1946-01-16"}), 400, "on")
    assert "first met (1946-01-17)" in message


def test_a_member_gives_its_terms_names_over_time_and_voting_record(
    undl: None, analyst_client: APIClient
) -> None:
    body = _ok(analyst_client.get(API + "members/RUS/"))

    assert (body["code"], body["name"], body["permanent"]) == ("RUS", "Russian Federation", True)
    assert body["names"] == [
        {
            "name": "Union of Soviet Socialist Republics",
            "code": "SUN",
            "start": "1945-10-24",
            "to": "1991-12-24",
        },
        {"name": "Russian Federation", "code": "RUS", "start": "1991-12-25", "to": None},
    ]
    assert body["terms"] == [{"start": "1945-10-24", "end": None}]
    years = {row["year"]: row for row in body["voting_record"]}
    assert years[1950]["X"] == 1  # absent over the representation of China
    assert (
        sum(r["Y"] + r["N"] + r["A"] + r["X"] for r in body["voting_record"])
        == (body["totals"]["votes"])
    )
    assert _ok(analyst_client.get(API + "members/SUN/"))["code"] == "RUS"


def test_an_unknown_member_is_a_json_404(seeded: None, analyst_client: APIClient) -> None:
    response = analyst_client.get(API + "members/XYZ/")
    assert response.status_code == 404
    assert "XYZ" in response.json()["detail"]


def test_votes_filter_by_years_member_veto_and_text(undl: None, analyst_client: APIClient) -> None:
    old = _ok(analyst_client.get(API + "votes/", {"year_from": 1946, "year_to": 1965}))
    assert old["count"] >= 4
    assert all("1946" <= v["voted_on"][:4] <= "1965" for v in old["results"])
    r79 = next(v for v in old["results"] if v["resolution_number"] == 79)
    assert r79["counts"] == {"yes": 9, "no": 0, "abstain": 0, "not_participating": 2}
    ballots = {b["member"]: b for b in r79["ballots"]}
    assert ballots["RUS"]["name"] == "Union of Soviet Socialist Republics"
    assert ballots["RUS"]["vote"] == "not_participating"
    assert r79["meeting_record_url"] == f"https://undocs.org/{r79['meeting_record']}"

    vetoed = _ok(analyst_client.get(API + "votes/", {"vetoed_by": "RUS"}))
    assert vetoed["count"] == 6 and all("RUS" in v["vetoed_by"] for v in vetoed["results"])
    assert all(v["outcome"] == "vetoed" for v in vetoed["results"])

    syria = _ok(analyst_client.get(API + "votes/", {"q": "chemical"}))
    assert syria["count"] >= 1 and all(
        "chemical" in (v["subject"] + v["note"]).lower() for v in syria["results"]
    )
    without = _ok(analyst_client.get(API + "votes/", {"kind": "without_vote"}))
    assert without["count"] == 1
    assert without["results"][0]["ballots"] is None and without["results"][0]["counts"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [({"year_from": "1900x"}, "year_from"), ({"vetoed_by": "Atlantis"}, "vetoed_by")],
)
def test_bad_vote_filters_are_400s(
    seeded: None, analyst_client: APIClient, params: dict[str, str], field: str
) -> None:
    _error(analyst_client.get(API + "votes/", params), 400, field)


def _facts() -> list[dict[str, str]]:
    with OUTCOMES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_stats_agree_with_the_facts_file(seeded: None, analyst_client: APIClient) -> None:
    call_command("import_outcomes", str(OUTCOMES), stdout=io.StringIO(), stderr=io.StringIO())
    rows = _facts()
    outcome = {"adopted": "adopted", "vetoed": "vetoed", "not_adopted": "failed"}

    body = _ok(analyst_client.get(API + "stats/outcomes/", {"by": "year", "year_to": "2022"}))

    assert (body["year_from"], body["year_to"]) == (1946, 2022)
    assert [y["year"] for y in body["years"]] == list(range(1946, 2023))
    by_year = Counter((r["date"][:4], outcome[r["outcome"]]) for r in rows)
    for year in body["years"]:
        for key in ("adopted", "vetoed", "failed"):
            assert year[key] == by_year[(str(year["year"]), key)], (year, key)
    totals = body["totals"]
    assert (totals["adopted"], totals["vetoed"], totals["failed"]) == (2640, 212, 108)
    assert totals["total"] == 2960

    vetoes = _ok(analyst_client.get(API + "stats/vetoes/", {"by": "member,year"}))

    cast = Counter(
        (NAMES[name.strip()], int(r["date"][:4]))
        for r in rows
        for name in r["vetoed_by"].split(";")
        if name.strip()
    )
    assert vetoes["vetoed_drafts"] == 212
    assert vetoes["vetoes_cast"] == sum(cast.values())
    series = {m["member"]: m for m in vetoes["members"]}
    assert set(series) == {"CHN", "FRA", "GBR", "RUS", "USA"}
    for code, member in series.items():
        assert member["total"] == sum(n for (c, _), n in cast.items() if c == code)
        assert {y["year"]: y["vetoes"] for y in member["years"] if y["vetoes"]} == {
            year: n for (c, year), n in cast.items() if c == code
        }
    assert series["RUS"]["names"][0]["name"] == "Union of Soviet Socialist Republics"

    by_year_only = _ok(analyst_client.get(API + "stats/vetoes/", {"by": "year"}))
    assert "members" not in by_year_only
    assert sum(y["vetoed_drafts"] for y in by_year_only["years"]) == 212


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("stats/vetoes/", {"by": "colour"}, "by"),
        ("stats/outcomes/", {"by": "member"}, "by"),
        ("stats/outcomes/", {"year_from": "1990", "year_to": "1980"}, "year_to"),
        ("stats/vetoes/", {"year_from": "nineteen"}, "year_from"),
    ],
)
def test_bad_stats_parameters_are_400s(
    seeded: None, analyst_client: APIClient, path: str, params: dict[str, str], field: str
) -> None:
    _error(analyst_client.get(API + path, params), 400, field)
