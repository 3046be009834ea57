"""``manage.py import_votes FILE.csv``: load recorded votes with their ballots from the UN
Digital Library's voting CSV, an ``sc_ballots`` file or a ``recorded_votes.csv``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from votes.management.commands._importing import run_import

LAYOUTS = ["undl", "ballots", "recorded_votes"]


class Command(BaseCommand):
    help = (
        "Import recorded votes (layout detected from the header: UN Digital Library voting CSV, "
        "sc_ballots or recorded_votes). All or nothing unless --skip-invalid; importing a file "
        "twice adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Load the good votes, report the bad ones."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, options, LAYOUTS)
