"""Every admin and API write, for each role (analyst, editor, admin: members of the group, no
superuser) and for an anonymous visitor, with the status each one sees. Group membership is
enough: joining a role's group makes the user staff."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from members.models import Member, Term
from resolutions.models import Draft, Sector
from tests.admin_forms import staff_client
from tests.api.conftest import API, SEED_TITLE_2019, SEED_TODAY
from votes.models import Position, Projection, RecordedVote
from votes.projections import projection_refresh

ROLES = ["anonymous", "analyst", "editor", "admin"]
LOGIN = 302
"""An anonymous visitor is sent to the admin's sign-in page."""


@pytest.fixture
def scene(seeded: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: SEED_TODAY)
    draft = Draft.objects.get(symbol=None, title=SEED_TITLE_2019)
    projection = projection_refresh(draft_id=draft.pk)
    assert projection is not None
    return {
        "draft": draft,
        "member": Member.objects.get(code="DNK"),
        "term": Term.objects.get(member__code="DNK", start=dt.date(2025, 1, 1)),
        "sector": Sector.objects.first(),
        "position": Position.objects.filter(draft=draft).first(),
        "vote": RecordedVote.objects.exclude(draft=None).first(),
        "projection": projection,
    }


def _admin(name: str, *args: Any) -> str:
    return reverse(f"admin:{name}", args=args)


# (what, method, url of the scene) -> status per role: anonymous, analyst, editor, admin.
# A POST of a change form with no data is a write attempt: 200 (the form, with its errors)
# for a user who may change the row, 403 for one who may not.
ADMIN_WRITES: list[tuple[str, str, Callable[[dict[str, Any]], str], tuple[int, ...]]] = [
    ("add a member", "get", lambda s: _admin("members_member_add"), (LOGIN, 403, 403, 200)),
    ("change a member", "post", lambda s: _admin("members_member_change", s["member"].pk),
     (LOGIN, 403, 403, 200)),
    ("delete a member", "get", lambda s: _admin("members_member_delete", s["member"].pk),
     (LOGIN, 403, 403, 200)),
    ("add a term", "get", lambda s: _admin("members_term_add"), (LOGIN, 403, 200, 200)),
    ("change a term", "post", lambda s: _admin("members_term_change", s["term"].pk),
     (LOGIN, 403, 200, 200)),
    ("delete a term", "get", lambda s: _admin("members_term_delete", s["term"].pk),
     (LOGIN, 403, 403, 200)),
    ("add a draft", "get", lambda s: _admin("resolutions_draft_add"), (LOGIN, 403, 200, 200)),
    ("change a draft", "post", lambda s: _admin("resolutions_draft_change", s["draft"].pk),
     (LOGIN, 403, 200, 200)),
    ("delete a draft", "get", lambda s: _admin("resolutions_draft_delete", s["draft"].pk),
     (LOGIN, 403, 403, 200)),
    ("add a sector", "get", lambda s: _admin("resolutions_sector_add"), (LOGIN, 403, 403, 200)),
    ("change a sector", "post", lambda s: _admin("resolutions_sector_change", s["sector"].pk),
     (LOGIN, 403, 403, 200)),
    ("add a draft text", "get", lambda s: _admin("resolutions_draftversion_add"),
     (LOGIN, 403, 200, 200)),
    ("add a position", "get", lambda s: _admin("votes_position_add"), (LOGIN, 403, 200, 200)),
    ("change a position", "post", lambda s: _admin("votes_position_change", s["position"].pk),
     (LOGIN, 403, 403, 403)),
    ("delete a position", "get", lambda s: _admin("votes_position_delete", s["position"].pk),
     (LOGIN, 403, 403, 403)),
    ("enter positions on a draft", "get",
     lambda s: _admin("resolutions_draft_positions", s["draft"].pk), (LOGIN, 403, 200, 200)),
    ("record a draft's vote", "get",
     lambda s: _admin("resolutions_draft_record_vote", s["draft"].pk), (LOGIN, 403, 200, 200)),
    ("change a recorded vote", "post",
     lambda s: _admin("votes_recordedvote_change", s["vote"].pk), (LOGIN, 403, 403, 403)),
    ("delete a recorded vote", "get",
     lambda s: _admin("votes_recordedvote_delete", s["vote"].pk), (LOGIN, 403, 403, 403)),
    ("delete a projection", "get",
     lambda s: _admin("votes_projection_delete", s["projection"].pk), (LOGIN, 403, 403, 403)),
    ("read a draft's history", "get",
     lambda s: _admin("resolutions_draft_history", s["draft"].pk), (LOGIN, 200, 200, 200)),
]  # fmt: skip


def _browser(role: str) -> Client:
    return Client() if role == "anonymous" else staff_client(f"{role}-user", role)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_write_answers_each_role_as_its_permissions_say(
    role: str, scene: dict[str, Any]
) -> None:
    client = _browser(role)
    column = ROLES.index(role)

    seen = {
        what: getattr(client, method)(url(scene)).status_code
        for what, method, url, _ in ADMIN_WRITES
    }

    assert seen == {what: statuses[column] for what, _, _, statuses in ADMIN_WRITES}
    assert Projection.objects.filter(pk=scene["projection"].pk).exists()


def _etag(client: APIClient, url: str) -> str:
    response = client.get(url)
    return str(response.get("ETag", '"none"'))


# (what, method, url of the scene, body or body of the scene) -> status per role.
API_WRITES: list[tuple[str, str, Callable[[dict[str, Any]], str], Any, tuple[int, ...]]] = [
    ("post a position", "post", lambda s: f"{API}drafts/{s['draft'].slug}/positions/",
     {"member": "DNK", "stance": "yes", "confidence": 0.9, "as_of": "2026-12-01",
      "source": "Statement"}, (401, 403, 201, 201)),
    ("patch a draft", "patch", lambda s: f"{API}drafts/{s['draft'].slug}/",
     {"notes": "Checked."}, (401, 403, 200, 200)),
    ("patch a term", "patch",
     lambda s: f"{API}members/DNK/terms/{s['term'].pk}/", {"source": "Checked."},
     (401, 403, 200, 200)),
    ("record a vote", "post", lambda s: f"{API}votes/",
     lambda s: {"draft": s["draft"].slug, "voted_on": SEED_TODAY.isoformat(),
                "ballots": {m.code: "yes" for m in Member.objects.seated_on(SEED_TODAY)}},
     (401, 403, 201, 201)),
    ("compute a scenario (no write)", "post",
     lambda s: f"{API}drafts/{s['draft'].slug}/scenarios/", {"overrides": {}},
     (401, 200, 200, 200)),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_api_write_answers_each_role_as_its_permissions_say(
    role: str, scene: dict[str, Any]
) -> None:
    client = APIClient()
    if role != "anonymous":
        user = get_user_model().objects.create_user(f"api-{role}")
        user.groups.add(Group.objects.get(name=role))
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    column = ROLES.index(role)

    seen = {}
    for what, method, url, body, _ in API_WRITES:
        target = url(scene)
        headers = {"HTTP_IF_MATCH": _etag(client, target)} if method == "patch" else {}
        sent = body(scene) if callable(body) else body
        seen[what] = getattr(client, method)(target, sent, format="json", **headers).status_code

    assert seen == {what: statuses[column] for what, _, _, _, statuses in API_WRITES}


def test_joining_a_roles_group_is_enough_to_use_the_admin(db: None) -> None:
    editor = staff_client("solo", "editor")
    assert editor.get(reverse("admin:index")).status_code == 200
    user = get_user_model().objects.get(username="solo")
    user.groups.clear()
    user.refresh_from_db()
    assert not user.is_staff


def test_create_user_makes_a_staff_member_of_the_role_with_a_password_from_stdin(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase 42\n"))

    call_command(
        "create_user",
        "--role",
        "editor",
        "--username",
        "ada",
        "--email",
        "ada@example.org",
        "--password-stdin",
        stdout=out,
    )

    assert out.getvalue().strip() == "Created ada (editor); staff: yes."
    user = get_user_model().objects.get(username="ada")
    assert user.is_staff and not user.is_superuser
    assert user.check_password("a long enough passphrase 42")
    assert user.has_perm("votes.add_position") and not user.has_perm("members.delete_term")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("admin:votes_position_add")).status_code == 200
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_user", "--role", "editor", "--username", "ada")
