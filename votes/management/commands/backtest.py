"""``manage.py backtest FILE``: forecast every recorded vote of FILE from what was known before
it, and score the forecasts against the naive base rate and the engine's first, fixed row.

Training uses the votes of earlier days only, from FILE and from the database (a vote in both
counts once), so a vote's own ballots never train its forecast (``charter.backtest``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import charter
from charter import backtest
from votes.forecast import VoteFileError, database_votes, read_votes
from votes.management.commands._common import as_json


def _figure(value: float) -> str:
    return f"{value:.4f}"


class Command(BaseCommand):
    help = (
        "Back-test the forecast on the recorded votes with ballots in FILE: n, Brier score, log "
        "loss, reliability and per-member log loss, beside the naive base rate and the fixed row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A CSV of recorded ballots (any layout read_votes reads).")
        parser.add_argument(
            "--reveal",
            type=int,
            default=0,
            metavar="K",
            help="Give K of each vote's ballots, drawn at random with a fixed seed, as positions "
            f"at confidence {backtest.REVEAL_CONFIDENCE}.",
        )
        parser.add_argument(
            "--since", type=int, default=None, metavar="YEAR", help="Forecast votes from YEAR on."
        )
        parser.add_argument(
            "--seed", type=int, default=backtest.DEFAULT_SEED, help="Seed of the draws."
        )
        parser.add_argument(
            "--no-blocs", action="store_true", help="Members vote independently (no blocs)."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument(
            "--svg", metavar="PATH", help="Also write the reliability diagram (SVG) to PATH."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if options["reveal"] < 0:
            raise CommandError(f"--reveal must be 0 or more, not {options['reveal']}.")
        try:
            votes = list(read_votes(path))
        except (VoteFileError, charter.EngineError) as error:
            raise CommandError(str(error)) from None
        if not votes:
            raise CommandError(f"{path}: no recorded votes in it.")
        report = backtest.run(
            votes,
            training=list(database_votes()),
            reveal=options["reveal"],
            seed=options["seed"],
            since=options["since"],
            blocs=not options["no_blocs"],
        )
        if report.model.n == 0:
            raise CommandError(f"No vote in {path.name} from {options['since']} on.")
        if options["svg"]:
            Path(options["svg"]).write_text(backtest.reliability_svg(report), encoding="utf-8")
        if options["json"]:
            self.stdout.write(as_json(report.to_dict()))
            return
        self._print(report, path)

    def _print(self, report: backtest.BacktestReport, path: Path) -> None:
        out = self.stdout.write
        first = report.forecasts[0].voted_on
        last = report.forecasts[-1].voted_on
        out(
            f"Back-test on {path.name}: {report.model.n} votes, {first} to {last}; "
            f"{report.reveal} ballots revealed at confidence {backtest.REVEAL_CONFIDENCE} "
            f"(seed {report.seed}); blocs {'on' if report.blocs else 'off'}"
        )
        out("")
        out(f"  {'':<22} {'n':>6} {'Brier':>8} {'log loss':>9}")
        for name, scores in (
            ("model", report.model),
            ("naive base rate", report.base_rate),
            ("fixed row (engine 1)", report.fixed_row),
        ):
            out(
                f"  {name:<22} {scores.n:>6} {_figure(scores.brier):>8} "
                f"{_figure(scores.log_loss):>9}"
            )
        out("")
        out("  Reliability of the model (outcome: adopted)")
        out(f"  {'forecast':<11} {'n':>6} {'mean':>7} {'observed':>9} {'gap':>6}")
        for item in report.model.reliability:
            if item.n == 0:
                out(f"  {item.low:.1f}-{item.high:.1f}    {0:>6}")
                continue
            assert item.mean_forecast is not None and item.observed is not None
            assert item.gap is not None
            out(
                f"  {item.low:.1f}-{item.high:.1f}    {item.n:>6} {item.mean_forecast:>7.3f} "
                f"{item.observed:>9.3f} {item.gap:>6.3f}"
            )
        out("")
        out("  Log loss of yes/abstain/no, ballots not revealed")
        out(f"  {'member':<9} {'n':>6} {'model':>7} {'base rate':>10} {'fixed row':>10}")
        for member in report.members:
            out(
                f"  {member.member:<9} {member.n:>6} {member.model:>7.3f} "
                f"{member.base_rate:>10.3f} {member.fixed_row:>10.3f}"
            )
