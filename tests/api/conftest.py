"""Fixtures for the REST API tests: the seed (loaded once per module), a user in each role,
API clients signed in with tokens, public reads, and a clean cache (throttle counts and cached
tallies live there) for each test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

API = "/api/v1/"
SEED_TITLE_2019 = "Draft resolution easing sanctions on the DPRK (Russian Federation and China)"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


def _user(username: str, role: str | None = None, *, superuser: bool = False) -> Any:
    users = get_user_model()
    if superuser:
        user = users.objects.create_superuser(username, f"{username}@example.org", None)
    else:
        user = users.objects.create_user(username, f"{username}@example.org", None)
    if role:
        # get_or_create: a flush by a transactional test elsewhere removes migrated groups.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def analyst(db: None) -> Any:
    return _user("ana", "analyst")


@pytest.fixture
def editor(db: None) -> Any:
    return _user("eddie", "editor")


@pytest.fixture
def admin_member(db: None) -> Any:
    """A user in the admin group (not a superuser)."""
    return _user("adele", "admin")


@pytest.fixture
def superuser(db: None) -> Any:
    return _user("root", superuser=True)


@pytest.fixture
def no_role_user(db: None) -> Any:
    """Signed in, in no group at all."""
    return _user("nobody")


def token_client(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def analyst_client(analyst: Any) -> APIClient:
    return token_client(analyst)


@pytest.fixture
def editor_client(editor: Any) -> APIClient:
    return token_client(editor)


@pytest.fixture
def admin_client_api(admin_member: Any) -> APIClient:
    return token_client(admin_member)


@pytest.fixture
def superuser_client(superuser: Any) -> APIClient:
    return token_client(superuser)


@pytest.fixture
def public_reads(settings: Any) -> None:
    settings.API_PUBLIC_READ = True


SEED_TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def seed_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pins "today" to 2026-12-02. The seed's 2019 draft is open with no vote date, so today's
    Council decides it, and the seed's terms are complete only until the end of 2026."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: SEED_TODAY)
    return SEED_TODAY


@pytest.fixture
def draft_2019(seeded: None, seed_today: dt.date) -> Any:
    """The unnumbered December 2019 Russian–Chinese DPRK draft of the seed (its Council is
    today's, "today" pinned by ``seed_today``)."""
    from resolutions.models import Draft

    return Draft.objects.get(symbol=None, title=SEED_TITLE_2019)


@pytest.fixture
def row_counts() -> Callable[[], dict[str, int]]:
    """Row counts of everything a write could touch: compare before and after."""
    from members.models import Term
    from resolutions.models import Draft
    from votes.models import Ballot, Position, Projection, RecordedVote

    histories = [Draft.history.model, Term.history.model, Position.history.model]

    def snapshot() -> dict[str, int]:
        return {
            model.__name__: model.objects.count()
            for model in (Position, Projection, RecordedVote, Ballot, *histories)
        }

    return snapshot
