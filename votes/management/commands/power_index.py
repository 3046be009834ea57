"""``manage.py power_index``: each seated member's Shapley–Shubik and Banzhaf indices."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

import charter
from members.models import Composition
from votes.management.commands._common import as_json, command_error, parse_day


class Command(BaseCommand):
    help = "Print the voting power of each member seated on a date, under the rule then in force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD (default: today).")
        parser.add_argument("--procedural", action="store_true", help="A procedural vote.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_day(options["date"]) or timezone.localdate()
        matter = charter.Matter.PROCEDURAL if options["procedural"] else charter.Matter.SUBSTANTIVE
        try:
            composition = Composition.on(day)
            rule = composition.rule(matter)
        except ValidationError as error:
            raise command_error(error) from None
        indices = charter.power_indices(rule)
        names = composition.names
        if options["json"]:
            self.stdout.write(
                as_json(
                    {
                        "date": day.isoformat(),
                        "rule": rule.to_dict(),
                        "members": [
                            {
                                **i.to_dict(),
                                "name": names[i.member],
                                "shapley_shubik_float": float(i.shapley_shubik),
                                "banzhaf_raw_float": float(i.banzhaf_raw),
                                "banzhaf_normalised_float": float(i.banzhaf_normalised),
                            }
                            for i in indices
                        ],
                    }
                )
            )
            return
        self.stdout.write(
            f"Voting power on {day.isoformat()}: {len(rule.members)} members, "
            f"{rule.quota} votes needed, {matter.value}"
            + (" (permanent members hold a veto)" if rule.has_veto else "")
        )
        self.stdout.write(
            f"{'member':<34} {'Shapley-Shubik':>22} {'Banzhaf':>10} {'normalised':>11}"
        )
        for i in indices:
            label = f"{names[i.member]} ({i.member}){' P' if i.permanent else ''}"
            self.stdout.write(
                f"{label:<34} {i.shapley_shubik!s:>12} {float(i.shapley_shubik):>9.5f}"
                f" {float(i.banzhaf_raw):>10.5f} {float(i.banzhaf_normalised):>11.5f}"
            )
