"""``manage.py export_votes``: write the recorded votes in the UN Digital Library's layout or
the ``sc_ballots`` one; ``import_votes`` reads either back."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from votes.importers import export_ballots, export_undl


class Command(BaseCommand):
    help = (
        "Export recorded votes: --format undl (votes with ballots and adoptions without a vote) "
        "or ballots (votes with ballots). Counts-only records have no per-member rows to write."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["undl", "ballots"], default="undl")
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        writer = {"undl": export_undl, "ballots": export_ballots}[options["format"]]
        if options["output"]:
            with open(options["output"], "w", newline="", encoding="utf-8") as out:
                written = writer(out)
            self.stdout.write(
                self.style.SUCCESS(f"{written} decisions written to {options['output']}.")
            )
        else:
            writer(sys.stdout)
