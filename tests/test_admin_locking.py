"""Two editors open the same draft in the admin; the second save must not overwrite the
first one's change."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from django.test import Client

from resolutions.models import Draft

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse


def _form_data(page: str) -> dict[str, str]:
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page):
        data[name] = value
    return data


def test_a_stale_admin_form_is_refused_instead_of_overwriting(
    admin_client: Client, seeded: None
) -> None:
    draft = Draft.objects.get(symbol="S/2019/961")
    vote_on = draft.vote_on
    assert vote_on is not None
    url = f"/admin/resolutions/draft/{draft.pk}/change/"
    first = _form_data(admin_client.get(url).content.decode())
    second = dict(first)

    def post(form: dict[str, str], title: str) -> _MonkeyPatchedWSGIResponse:
        data = {
            **form,
            "title": title,
            "status": draft.status,
            "matter": draft.matter,
            "vote_on": vote_on.isoformat(),
            "symbol": draft.symbol,
        }
        return admin_client.post(url, data)

    assert post(first, "Syria: cross-border access (edited by the first editor)").status_code == 302
    refused = post(second, "Syria: cross-border access (edited by the second editor)")

    assert refused.status_code == 200
    page = html.unescape(refused.content.decode())
    errors = re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', page, re.S)
    assert any("This draft was changed" in e for e in errors), errors
    assert "This draft was changed by admin after you opened it" in page
    assert (
        "title: Syria: humanitarian cross-border access → Syria: cross-border access (edited "
        "by the first editor)" in page
    )
    draft.refresh_from_db()
    assert draft.title == "Syria: cross-border access (edited by the first editor)"
