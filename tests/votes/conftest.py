"""Fixtures of the votes tests: "today" is pinned, because an open draft without a vote date
is decided by today's Council, and the seed's terms are complete only until the end of 2026."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone

from tests.api.conftest import SEED_TODAY


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """2026-12-02, unless a test moves it with ``move_today``."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: SEED_TODAY)
    return SEED_TODAY


@pytest.fixture
def move_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    def move(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return move


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Refresh marks and cached answers live in the cache: each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
