"""``manage.py import_outcomes FILE.csv``: load the Dag Hammarskjöld Library's table of the
Council's decisions 1946–2022, known by their counts (no per-member ballots)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from votes.management.commands._importing import run_import


class Command(BaseCommand):
    help = (
        "Import decisions known by their counts (unsc_outcomes_1946_2022.csv): counts-only "
        "votes, adoptions without a vote, vetoing members. All or nothing unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Load the good rows, report the bad ones."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, options, ["outcomes"])
