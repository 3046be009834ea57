"""The dashboard: open drafts with an honest projected outcome, scheduled votes, the latest
position changes, the latest votes; the top of each list only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from resolutions.models import Draft
from tests.factories import DraftFactory
from tests.pages.conftest import DPRK
from votes.models import Projection
from votes.projections import projection_refresh
from votes.selectors import DASHBOARD_ROWS

pytestmark = pytest.mark.django_db


def test_it_shows_the_open_2019_draft_with_under_a_tenth_of_a_percent(
    seeded: None, public: None
) -> None:
    draft = Draft.objects.get(slug=DPRK)
    projection_refresh(draft_id=draft.pk)
    p = Projection.objects.filter(draft=draft).latest().p_adopted
    assert 0 < p < 0.001

    body = Client().get("/").content.decode()

    assert f'data-draft="{DPRK}"' in body
    assert "under 0.1%" in body
    assert ">0%<" not in body
    # Three permanent members against: its likeliest end is a veto (the forecast's records).
    most_likely = Projection.objects.filter(draft=draft).latest().most_likely
    assert most_likely == "vetoed"
    assert f"badge badge--{most_likely}" in body


def test_it_lists_the_latest_positions_with_who_what_when_and_source(
    seeded: None, public: None
) -> None:
    body = Client().get("/").content.decode()

    assert "Latest position changes" in body
    assert "Position not reported: Reuters 2019-12-30" in body
    assert "as of" in body


def test_a_scheduled_vote_is_listed_with_its_date(seeded: None, public: None) -> None:
    day = timezone.localdate() + dt.timedelta(days=3)
    DraftFactory.create(
        title="A draft due soon", circulated_on=day - dt.timedelta(days=5), vote_on=day
    )

    body = Client().get("/").content.decode()

    assert "A draft due soon" in body
    assert day.strftime("%Y-%m-%d") in body


def test_it_shows_only_the_top_of_each_list(
    seeded: None, public: None, many_drafts: Callable[[int], None]
) -> None:
    many_drafts(DASHBOARD_ROWS + 5)

    body = Client().get("/").content.decode()

    open_rows = body.split('data-list="open-drafts"')[1].split("</table>")[0]
    assert open_rows.count("data-draft=") == DASHBOARD_ROWS
    assert f"All {DASHBOARD_ROWS + 6} open drafts" in body


def test_a_title_with_markup_is_shown_as_text(seeded: None, public: None) -> None:
    DraftFactory.create(title="<script>alert(1)</script>", circulated_on=dt.date(2026, 1, 1))

    body = Client().get("/").content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
