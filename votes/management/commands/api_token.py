"""``manage.py api_token``: give a user a role and print its API token (created if needed)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.authtoken.models import Token

from api.permissions import Role


class Command(BaseCommand):
    help = "Print a user's API token, creating the user, its role and the token as needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            choices=[r.value for r in Role],
            help="Put the user in this role's group (analyst, editor, admin).",
        )
        parser.add_argument(
            "--create",
            action="store_true",
            help="Create the user if it does not exist (no password: token only).",
        )
        parser.add_argument("--rotate", action="store_true", help="Replace the existing token.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        try:
            user = users.objects.get(username=options["username"])
        except users.DoesNotExist:
            if not options["create"]:
                raise CommandError(
                    f"No user {options['username']!r}; add --create to create it."
                ) from None
            user = users.objects.create_user(username=options["username"])
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if options["role"]:
            user.groups.add(Group.objects.get(name=options["role"]))
        if options["rotate"]:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
