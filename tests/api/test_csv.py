"""``?format=csv`` on the drafts, positions and votes lists: text/csv, a header row and one
row per item (every item, never a page)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import API
from votes.tasks import refresh_stale_projections

pytestmark = pytest.mark.django_db


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.splitlines()[0].count(",") > 0  # a header row
    return list(csv.DictReader(io.StringIO(text)))


def test_drafts_csv_has_one_row_per_draft_with_flattened_columns(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    refresh_stale_projections()  # as the workers do: the list shows the stored tallies
    rows = _csv(analyst_client.get(API + "drafts/", {"format": "csv"}))
    assert len(rows) == 9
    assert {"id", "slug", "symbol", "title", "status", "sponsors"} <= set(rows[0])
    assert {"tally.counts.yes", "tally.permanent_opposed", "projection.p_adopted"} <= set(rows[0])
    by_slug = {row["slug"]: row for row in rows}
    ours = by_slug[draft_2019.slug]
    assert ours["symbol"] == ""
    assert ours["status"] == "in_negotiation"
    assert ours["sponsors"] == "CHN;RUS"
    assert ours["tally.counts.yes"] == "2"
    assert ours["tally.counts.no"] == "3"
    assert ours["tally.counts.undecided"] == "10"
    assert ours["tally.permanent_opposed"] == "FRA;GBR;USA"
    assert ours["tally.outcome_if_held_now"] == "failed"
    vetoed = by_slug["s-2019-961"]
    assert vetoed["symbol"] == "S/2019/961"
    assert vetoed["status"] == "vetoed"
    assert vetoed["vote_on"] == "2019-12-20"


def test_drafts_csv_is_not_paginated_and_keeps_filters(
    seeded: None, analyst_client: APIClient
) -> None:
    rows = _csv(analyst_client.get(API + "drafts/", {"format": "csv", "page_size": "2"}))
    assert len(rows) == 9
    rows = _csv(analyst_client.get(API + "drafts/", {"format": "csv", "status": "vetoed"}))
    assert len(rows) == 8
    assert {row["status"] for row in rows} == {"vetoed"}
    rows = _csv(
        analyst_client.get(API + "drafts/", {"format": "csv", "ordering": "-vote_on", "page": "1"})
    )
    dated = [row["vote_on"] for row in rows if row["vote_on"]]
    assert dated == sorted(dated, reverse=True)


def test_drafts_csv_has_every_row_beyond_one_page(seeded: None, analyst_client: APIClient) -> None:
    from resolutions.models import SanctionsRegime
    from tests.factories import DraftFactory

    regime = SanctionsRegime.objects.get(slug="dprk-1718")
    DraftFactory.create_batch(52, regime=regime)
    json_page = analyst_client.get(API + "drafts/").json()
    assert json_page["count"] == 61
    assert len(json_page["results"]) == 50
    rows = _csv(analyst_client.get(API + "drafts/", {"format": "csv"}))
    assert len(rows) == 61
    assert len({row["id"] for row in rows}) == 61


def test_positions_csv(draft_2019: Any, analyst_client: APIClient) -> None:
    url = API + f"drafts/{draft_2019.slug}/positions/"
    rows = _csv(analyst_client.get(url, {"format": "csv"}))
    assert len(rows) == 15
    assert {"id", "member.code", "member.name", "member.permanent", "stance", "confidence"} <= set(
        rows[0]
    )
    by_code = {row["member.code"]: row for row in rows}
    assert by_code["USA"]["stance"] == "no"
    assert by_code["USA"]["member.name"] == "United States"
    assert float(by_code["USA"]["confidence"]) == pytest.approx(0.9)
    assert by_code["USA"]["as_of"] == "2019-12-30"
    assert by_code["RUS"]["stance"] == "yes"
    assert by_code["CIV"]["member.name"] == "Côte d'Ivoire"  # UTF-8 survives
    # The source holds commas: quoted, still one column.
    assert "France and Britain" in by_code["USA"]["source"]
    history = _csv(analyst_client.get(url, {"format": "csv", "history": "true"}))
    assert len(history) == 15


def test_positions_csv_history_grows_with_a_new_position(
    draft_2019: Any, analyst_client: APIClient, editor_client: APIClient
) -> None:
    url = API + f"drafts/{draft_2019.slug}/positions/"
    response = editor_client.post(
        url,
        {
            "member": "BEL",
            "stance": "yes",
            "confidence": 0.6,
            "as_of": "2019-12-31",
            "source": "Belgium",
        },
        format="json",
    )
    assert response.status_code == 201
    assert len(_csv(analyst_client.get(url, {"format": "csv"}))) == 15
    history = _csv(analyst_client.get(url, {"format": "csv", "history": "true"}))
    assert len(history) == 16
    assert history[0]["member.code"] == "BEL"
    assert history[0]["stance"] == "yes"


def test_votes_csv(seeded: None, analyst_client: APIClient) -> None:
    rows = _csv(analyst_client.get(API + "votes/", {"format": "csv", "page_size": "2"}))
    assert len(rows) == 12
    assert {"id", "draft", "voted_on", "outcome", "vetoed_by", "counts.yes", "counts.no"} <= set(
        rows[0]
    )
    by_draft = {row["draft"]: row for row in rows if row["draft"]}
    row = by_draft["s-2019-961"]
    assert row["outcome"] == "vetoed"
    assert row["recorded_outcome"] == "vetoed"
    assert row["vetoed_by"] == "CHN;RUS"
    assert (row["counts.yes"], row["counts.no"], row["counts.abstain"]) == ("13", "2", "0")
    adopted = [row for row in rows if row["resolution_number"] == "2397"]
    assert len(adopted) == 1
    assert adopted[0]["outcome"] == "adopted"
    assert adopted[0]["vetoed_by"] == ""
    assert adopted[0]["draft"] == ""


def test_votes_csv_keeps_filters(seeded: None, analyst_client: APIClient) -> None:
    rows = _csv(analyst_client.get(API + "votes/", {"format": "csv", "outcome": "adopted"}))
    assert sorted(row["resolution_number"] for row in rows) == ["2371", "2375", "2393", "2397"]


def test_csv_by_accept_header(seeded: None, analyst_client: APIClient) -> None:
    rows = _csv(analyst_client.get(API + "votes/", HTTP_ACCEPT="text/csv"))
    assert len(rows) == 12


def test_errors_stay_json_when_csv_was_asked_for(seeded: None, analyst_client: APIClient) -> None:
    """Errors have one shape, JSON {detail, errors}, whatever format was asked for: a client
    must be able to read why its download failed."""
    response = analyst_client.get(API + "drafts/", {"format": "csv", "status": "bogus"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["errors"][0]["field"] == "status"
    assert body["code"] == "invalid"


# Safe to open in a spreadsheet, and the same columns whatever the rows -----------------------

FORMULAS = ['=HYPERLINK("http://x.example","open")', "+1+1", "-2+3", "@SUM(A1:A9)"]


def _header(response: Any) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return next(csv.reader(io.StringIO(response.content.decode("utf-8"))))


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_position_source_that_looks_like_a_formula_is_written_as_text(
    draft_2019: Any, analyst_client: APIClient, editor_client: APIClient, formula: str
) -> None:
    url = API + f"drafts/{draft_2019.slug}/positions/"
    position = {
        "member": "BEL",
        "stance": "yes",
        "confidence": 0.6,
        "as_of": "2019-12-31",
        "source": formula,
    }
    assert editor_client.post(url, position, format="json").status_code == 201

    rows = _csv(analyst_client.get(url, {"format": "csv"}))

    belgium = next(row for row in rows if row["member.code"] == "BEL")
    assert belgium["source"] == "'" + formula
    assert belgium["confidence"] == "0.6"  # numbers are left as they are
    # The JSON keeps the text as it was given.
    assert (
        next(p for p in analyst_client.get(url).json() if p["member"]["code"] == "BEL")["source"]
        == formula
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_in_the_drafts_csv(
    seeded: None, analyst_client: APIClient, start: str
) -> None:
    from resolutions.models import SanctionsRegime
    from tests.factories import DraftFactory

    DraftFactory.create(title=f"{start}cmd|' /C calc'!A0", regime=SanctionsRegime.objects.first())

    rows = _csv(analyst_client.get(API + "drafts/", {"format": "csv"}))

    titles = [row["title"] for row in rows if row["title"].endswith("cmd|' /C calc'!A0")]
    assert titles == [f"'{start}cmd|' /C calc'!A0"]
    # Text that only contains those characters further on is left alone.
    assert any(row["title"] == "Ukraine" for row in rows)


def test_numbers_stay_numbers_and_text_that_looks_like_one_gets_the_quote() -> None:
    from api.renderers import CSVRenderer

    text = CSVRenderer().render([{"number": -1.5, "count": -3, "text": "-1.5", "flag": False}])

    assert text.decode("utf-8") == "number,count,text,flag\r\n-1.5,-3,'-1.5,False\r\n"


@pytest.mark.parametrize(
    ("path", "empty", "full"),
    [
        ("drafts/", {"status": "withdrawn"}, {}),
        ("votes/", {"voted_after": "2030-01-01"}, {}),
        ("votes/", {"outcome": "failed", "member": "XXX"}, {}),
    ],
)
def test_an_empty_result_keeps_the_header_of_a_full_one(
    seeded: None, analyst_client: APIClient, path: str, empty: dict[str, str], full: dict[str, str]
) -> None:
    empty_response = analyst_client.get(API + path, {"format": "csv", **empty})
    full_response = analyst_client.get(API + path, {"format": "csv", **full})

    assert empty_response.content.decode("utf-8").count("\n") == 1  # the header alone
    assert len(_csv(full_response)) > 0
    assert _header(empty_response) == _header(full_response)
    assert {"id", "tally.counts.yes", "counts.yes"} & set(_header(empty_response))


def test_a_draft_without_positions_has_the_positions_header(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    from tests.factories import DraftFactory

    bare = DraftFactory.create(regime=draft_2019.regime)
    empty = analyst_client.get(API + f"drafts/{bare.slug}/positions/", {"format": "csv"})
    full = analyst_client.get(API + f"drafts/{draft_2019.slug}/positions/", {"format": "csv"})

    assert empty.content.decode("utf-8").count("\n") == 1
    assert _header(empty) == _header(full)
    assert {"member.code", "stance", "confidence", "source"} <= set(_header(empty))


def test_a_draft_whose_tally_is_unknown_has_empty_tally_cells_not_a_column_of_its_own(
    seeded: None, analyst_client: APIClient
) -> None:
    """A draft with no date the Council could be read for has no tally (null in JSON): its
    row has the same columns as every other, with empty tally cells."""
    from resolutions.models import SanctionsRegime
    from tests.factories import DraftFactory

    DraftFactory.create(title="Undated", circulated_on=None, regime=SanctionsRegime.objects.first())

    response = analyst_client.get(API + "drafts/", {"format": "csv"})
    rows = _csv(response)

    undated = next(row for row in rows if row["title"] == "Undated")
    assert "tally" not in _header(response)
    assert undated["tally.seated"] == "" and undated["tally.counts.yes"] == ""
