"""``manage.py create_demo_admin``: a superuser for trying the app locally (DEBUG only)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Create (or reset) the demo administrator and print its login. Refused unless DEBUG."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="tracker-demo")

    def handle(self, *args: object, **options: str) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo administrator is for development only (DEBUG=1).")
        user_model = get_user_model()
        user, _ = user_model.objects.get_or_create(username=options["username"])
        user.is_staff = user.is_superuser = True
        user.set_password(options["password"])
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo admin: http://127.0.0.1:8000/admin/  user {options['username']}  "
                f"password {options['password']}"
            )
        )
