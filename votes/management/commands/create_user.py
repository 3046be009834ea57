"""``manage.py create_user --role editor --username ada [--email ...] [--password-stdin]``: a
user in one role, for scripts. Joining the role's group makes the user staff (the admin opens
to it, with the role's permissions); no superuser is needed."""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from api.permissions import Role


class Command(BaseCommand):
    help = "Create a user in a role (analyst, editor, admin); the password is read from stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input (else the user has "
            "no usable password and signs in with an API token only).",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        username = options["username"].strip()
        if not username:
            raise CommandError("--username: give a user name.")
        if users.objects.filter(username=username).exists():
            raise CommandError(f"--username: a user {username!r} already exists.")
        user = users(username=username, email=options["email"])
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("--password-stdin: standard input held no password.")
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError("password: " + " ".join(error.messages)) from None
            user.set_password(password)
        else:
            user.set_unusable_password()
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        user.save()
        group, _ = Group.objects.get_or_create(name=options["role"])
        user.groups.add(group)
        user.refresh_from_db()
        self.stdout.write(
            f"Created {username} ({options['role']}); staff: {'yes' if user.is_staff else 'no'}."
        )
