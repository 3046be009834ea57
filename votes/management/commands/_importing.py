"""What ``import_votes`` and ``import_outcomes`` share: the progress bar and the report."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from votes.importers import ImportError_, SourceVote, import_file


def with_progress(
    enabled: bool,
) -> Callable[[Iterator[SourceVote], int], Iterator[SourceVote]]:
    def wrap(votes: Iterator[SourceVote], lines: int) -> Iterator[SourceVote]:
        if not enabled:
            yield from votes
            return
        columns = [
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        ]
        with Progress(*columns, transient=True) as progress:
            task = progress.add_task("lines", total=lines)
            for vote in votes:
                progress.update(task, completed=vote.line - 1)
                yield vote
            progress.update(task, completed=lines)

    return wrap


def run_import(command: BaseCommand, options: dict[str, Any], layouts: list[str]) -> None:
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    show = not options["no_progress"] and sys.stderr.isatty()
    try:
        report = import_file(
            path,
            skip_invalid=options["skip_invalid"],
            dry_run=options["dry_run"],
            expect=layouts,
            progress=with_progress(show),
        )
    except ImportError_ as error:
        raise CommandError(str(error)) from None
    for problem in report.problems:
        command.stderr.write(f"{path.name}: {problem}")
    for disagreement in report.disagreements:
        command.stdout.write(f"{path.name}: outcome differs, {disagreement}")
    summary = report.summary()
    if report.problems and not options["skip_invalid"] and not options["dry_run"]:
        raise CommandError(
            f"{summary} Nothing was written: fix the rows above or use --skip-invalid."
        )
    command.stdout.write(command.style.SUCCESS(summary))
