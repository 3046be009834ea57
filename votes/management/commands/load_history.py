"""``manage.py load_history``: load the Council's recorded decisions since 1946 kept in
``seed/history/``. Safe to run again: a file loaded before is skipped."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from votes.management.commands._importing import with_progress
from votes.seed import load_history


class Command(BaseCommand):
    help = "Load the 1994–2025 ballots, the UN Digital Library sample and the 1946–2022 outcomes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        show = not options["no_progress"] and sys.stderr.isatty()
        try:
            lines = load_history(progress=with_progress(show))
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in lines:
            self.stdout.write(self.style.SUCCESS(line))
