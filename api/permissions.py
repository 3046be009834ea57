"""Who may do what. Roles are groups: analyst (read), editor (read, record positions and
votes), admin (everything). Reads need a signed-in user unless ``API_PUBLIC_READ`` opens them;
writes always need an editor."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request


class Role(StrEnum):
    ANALYST = "analyst"
    EDITOR = "editor"
    ADMIN = "admin"


def roles_of(user: Any) -> set[Role]:
    if not user or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Role)
    names = {g.name for g in user.groups.all()}
    return {role for role in Role if role.value in names}


def can_read(user: Any) -> bool:
    return bool(settings.API_PUBLIC_READ) or bool(user and user.is_authenticated)


def can_edit(user: Any) -> bool:
    return bool(roles_of(user) & {Role.EDITOR, Role.ADMIN})


def signed_in(user: User | AnonymousUser) -> User:
    """The user a write is entered by. Writes pass ``can_edit`` first, so an anonymous user
    here is a bug: it fails loudly rather than saving a row without the editor who made it."""
    if not isinstance(user, User):
        raise TypeError(f"A write needs a signed-in user, not {user!r}.")
    return user


class ReadOrEdit(BasePermission):
    """Safe methods for readers, everything else for editors and admins."""

    message = "Recording positions and votes needs the editor role."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return can_read(request.user)
        return can_edit(request.user)


class Compute(BasePermission):
    """For POSTs that compute without writing (what-if scenarios): anyone who may read."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return can_read(request.user)
