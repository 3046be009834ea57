"""The roles' Django permissions, so the admin works for a member of a group without being a
superuser. One table, applied by the migration ``0010_role_permissions`` and again after every
``migrate`` or ``flush`` (``post_migrate``, which recreates permissions but not groups):

* analyst: views everything in members, resolutions and votes (history included);
* editor: the analyst's, and adds and changes drafts (their texts, provisions, sponsors),
  positions, recorded votes (ballots, vetoes) and terms; deletes nothing;
* admin: adds, changes and deletes everything in the three apps, except projections and
  history rows, which nobody deletes (the admin refuses it to superusers too).

Membership of the group is enough: joining one makes the user staff (``user_joined_role``).
"""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

from api.permissions import Role

APPS = ("members", "resolutions", "votes")
EDITOR_WRITES = {
    "resolutions": ("draft", "draftversion", "provision", "sponsorship"),
    "votes": ("position", "recordedvote", "ballot", "veto"),
    "members": ("term",),
}
NEVER_DELETED = frozenset({"projection", "projectionseat"})


def role_codenames(models: dict[tuple[str, str], set[str]]) -> dict[Role, set[tuple[str, str]]]:
    """Each role's permissions as ``(app_label, codename)``, given each model's actions."""
    views = {(app, f"view_{model}") for (app, model), acts in models.items() if "view" in acts}
    writes = {
        (app, f"{action}_{model}")
        for app, names in EDITOR_WRITES.items()
        for model in names
        for action in ("add", "change")
    }
    everything: set[tuple[str, str]] = set()
    for (app, model), actions in models.items():
        for action in actions:
            historical = model.startswith("historical")
            if historical and action != "view":
                continue
            if action == "delete" and model in NEVER_DELETED:
                continue
            everything.add((app, f"{action}_{model}"))
    return {Role.ANALYST: views, Role.EDITOR: views | writes, Role.ADMIN: everything}


def grant_role_permissions(apps: Apps) -> None:
    """Create the groups if needed and give each exactly its role's permissions. ``apps`` is
    the registry: the migration's historical one, or the project's."""
    for label in (*APPS, "auth", "contenttypes"):
        config = apps.get_app_config(label)
        stub = getattr(config, "models_module", None) is None
        if stub:
            # A migration's app configs are stubs; create_permissions asks for this only.
            config.models_module = True  # type: ignore[assignment]  # wrong on purpose: only its truth is read
        create_permissions(config, apps=apps, verbosity=0)
        if stub:
            config.models_module = None
    permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group")
    rows: dict[tuple[str, str], Any] = {
        (p.content_type.app_label, p.codename): p
        for p in permission.objects.filter(content_type__app_label__in=APPS).select_related(
            "content_type"
        )
    }
    models: dict[tuple[str, str], set[str]] = {}
    for app, codename in rows:
        action, model = codename.split("_", 1)
        models.setdefault((app, model), set()).add(action)
    for role, codenames in role_codenames(models).items():
        row, _ = group.objects.get_or_create(name=role.value)
        row.permissions.set([rows[key] for key in sorted(codenames) if key in rows])


def roles_after_migrate(sender: Any, apps: Apps | None = None, **kwargs: Any) -> None:
    """``post_migrate``: a flush (as tests do) removes the groups; put them back. ``migrate``
    sends its registry; ``flush`` sends none, and the project's is then current."""
    if apps is None:
        from django.apps import apps as project_apps

        apps = project_apps
    try:
        apps.get_model("votes", "Position")
        apps.get_model("auth", "Group")
    except LookupError:
        return
    grant_role_permissions(apps)


def _follow_roles(user: Any) -> None:
    staff = bool(user.is_superuser or user.groups.filter(name__in=[r.value for r in Role]).exists())
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def user_joined_role(
    sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """``m2m_changed`` of ``User.groups``: a member of a role's group may sign in to the admin
    (``is_staff``); one who leaves every role's group, and is no superuser, may not. A user made
    staff by hand, in no role, stays so until their groups change."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not kwargs.get("reverse"):
        _follow_roles(instance)
    elif pk_set and instance.name in {r.value for r in Role}:
        for user in instance.user_set.model.objects.filter(pk__in=pk_set):
            _follow_roles(user)
