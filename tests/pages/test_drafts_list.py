"""The drafts list: search in symbol, title and text; filters; sorting; pages; a CSV of the
rows shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client

from resolutions.models import DraftVersion
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db


def _rows(body: str) -> list[str]:
    table = body.split('data-list="drafts"')[1].split("</table>")[0]
    return [chunk.split('"')[0] for chunk in table.split('data-draft="')[1:]]


def test_it_lists_every_seed_draft_as_links(seeded: None, public: None) -> None:
    body = Client().get("/drafts/").content.decode()

    assert len(_rows(body)) == 9
    assert 'href="/drafts/s-2022-431/"' in body
    assert 'href="/drafts/dprk-relief-2019/"' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=S/2022/431", ["s-2022-431"]),
        ("q=easing+sanctions", ["dprk-relief-2019"]),
        ("q=inter-Korean", ["dprk-relief-2019"]),  # only in the text of its version
        ("status=open", ["dprk-relief-2019"]),
        ("sector=seafood", ["dprk-relief-2019"]),
        ("sponsor=RUS", ["dprk-relief-2019"]),
        ("year=2022", ["s-2022-431", "s-2022-155"]),
    ],
)
def test_search_and_filters(seeded: None, public: None, query: str, expected: list[str]) -> None:
    assert _rows(Client().get(f"/drafts/?{query}").content.decode()) == expected


def test_a_bad_filter_is_explained_next_to_its_field(seeded: None, public: None) -> None:
    body = Client().get("/drafts/?year=abc&status=nonsense").content.decode()

    assert 'id="id_year_error">Enter a whole number.' in body
    assert 'id="id_status_error">Select a valid choice.' in body
    assert len(_rows(body)) == 9


def test_sorting_and_pages(seeded: None, public: None, many_drafts: Callable[[int], None]) -> None:
    many_drafts(30)
    DraftFactory.create(title="Aardvark draft", circulated_on=dt.date(1990, 1, 1))

    first = Client().get("/drafts/?sort=title").content.decode()
    assert _rows(first)[0].startswith("draft-") and "Aardvark draft" in first
    assert len(_rows(first)) == 25
    assert "Page 1 of 2" in first

    second = Client().get("/drafts/?sort=title&page=2").content.decode()
    assert len(_rows(second)) == 40 - 25
    assert set(_rows(first)).isdisjoint(_rows(second))

    oldest = Client().get("/drafts/?sort=oldest&per_page=50").content.decode()
    assert "Aardvark draft" in oldest.split('data-draft="')[1]


def test_the_csv_holds_exactly_the_rows_shown(
    seeded: None, public: None, many_drafts: Callable[[int], None]
) -> None:
    many_drafts(30)
    page = Client().get("/drafts/?sort=title&page=2").content.decode()

    response = Client().get("/drafts/?sort=title&page=2&format=csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["url"].split("/")[2] for r in rows] == _rows(page)
    assert "download" in page and "format=csv" in page


def test_the_csv_writes_small_probabilities_honestly(seeded: None, public: None) -> None:
    from resolutions.models import Draft
    from votes.projections import projection_refresh

    projection_refresh(draft_id=Draft.objects.get(slug="dprk-relief-2019").pk)

    rows = list(
        csv.DictReader(
            io.StringIO(Client().get("/drafts/?format=csv&status=open").content.decode())
        )
    )

    assert rows[0]["projected_adoption"] == "under 0.1%"
    assert 0 < float(rows[0]["p_adopted"]) < 0.001


def test_search_in_text_finds_a_later_version(seeded: None, public: None) -> None:
    draft = DraftFactory.create(title="Plain title")
    DraftVersion.objects.create(draft=draft, number=1, dated=dt.date(2019, 12, 16), text="cobalt")

    assert _rows(Client().get("/drafts/?q=cobalt").content.decode()) == [draft.slug]
