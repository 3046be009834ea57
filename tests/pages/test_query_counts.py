"""Every page makes the same number of queries with 2 extra drafts as with 50 (each with
sponsors, versions, positions, a projection and a recorded vote): nothing is read per row."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.pages.conftest import DPRK

PAGES = [
    "/",
    "/drafts/",
    "/drafts/?q=draft&sort=adoption&status=open",
    f"/drafts/{DPRK}/",
    f"/drafts/{DPRK}/?USA=abstain",
    f"/drafts/{DPRK}/panel/?USA=abstain",
    f"/embed/drafts/{DPRK}/",
    f"/drafts/{DPRK}/share.svg",
    "/votes/",
    "/votes/?member=USA&veto=no",
    "/members/",
    "/members/USA/",
    "/members/compare/?a=USA&b=CHN",
    "/sectors/",
    "/sectors/seafood/",
]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("url", PAGES)
def test_the_page_needs_as_many_queries_with_50_drafts_as_with_2(
    url: str, seeded: None, public: None, many_drafts: Callable[[int], None]
) -> None:
    client = Client()
    many_drafts(2)
    _queries(client, url)  # warm caches that are filled once per process
    small = _queries(client, url)

    many_drafts(48)
    # New recorded votes change the record the priors are counted from: they are counted again
    # once, on the first read after the change, whatever the number of drafts.
    _queries(client, url)
    large = _queries(client, url)

    assert large == small, f"{url}: {small} queries with 2 drafts, {large} with 50"
