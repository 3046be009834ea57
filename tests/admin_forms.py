"""Read an admin page's form as a browser would submit it: inputs, checked boxes, selected
options and text areas, by name (for tests that post the page back)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = form_id is None
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.form_id is not None:
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
                return
            self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            self.data.setdefault(name, "")
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
                self.data[self._select] = value
            if "selected" in a:
                self.data[self._select] = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea] = "".join(self._text).removeprefix("\n")
            self._textarea = None
        elif tag == "form" and self.form_id is not None:
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)


def form_data(page: str, form_id: str | None = None) -> dict[str, str]:
    """The values the page's form (or the form with this id) would send."""
    parser = _FormParser(form_id)
    parser.feed(page)
    return parser.data


def error_texts(page: str) -> list[str]:
    """Every error the page shows (Django's error lists and the admin's messages)."""
    found = re.findall(r'<ul class="(?:errorlist|messagelist)[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", " ", f)).strip() for f in found]


def staff_client(username: str, role: str) -> Client:
    """A signed-in browser of a user whose only privilege is the role's group."""
    user = get_user_model().objects.create_user(username, f"{username}@example.org", None)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.refresh_from_db()
    assert user.is_staff and not user.is_superuser
    client = Client()
    client.force_login(user)
    return client
