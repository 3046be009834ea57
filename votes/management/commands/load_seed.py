"""``manage.py load_seed``: load the seed data kept in the repository. Safe to run again."""

from django.core.management.base import BaseCommand

from votes.seed import load_seed


class Command(BaseCommand):
    help = "Load the Council terms, the 1718 regime, the December 2019 draft and recorded votes."

    def handle(self, *args: object, **options: object) -> None:
        report = load_seed()
        self.stdout.write(self.style.SUCCESS(str(report)))
