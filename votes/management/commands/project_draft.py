"""``manage.py project_draft``: the tally, projection, pivotal members and closest path of a
draft, as it stands or under what-if overrides."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

import charter
from votes.management.commands._common import as_json, command_error, draft_from_key, percent
from votes.projections import draft_analysis, draft_composition


def parse_overrides(items: list[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for item in items:
        code, sep, stance = item.partition("=")
        if not sep or not code.strip() or not stance.strip():
            raise CommandError(f"--what-if {item!r}: write it as ISO3=STANCE, e.g. USA=abstain.")
        overrides[code.strip().upper()] = stance.strip().lower()
    return overrides


class Command(BaseCommand):
    help = "Print a draft's tally, projection, pivotal members and closest path to adoption."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft", help="Symbol (S/2019/961), slug (s-2019-961) or id.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument(
            "--what-if",
            nargs="+",
            default=[],
            metavar="ISO3=STANCE",
            help="Override positions without writing anything, e.g. --what-if USA=abstain.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        draft = draft_from_key(options["draft"])
        overrides = parse_overrides(options["what_if"])
        try:
            analysis = draft_analysis(draft, overrides)
        except ValidationError as error:
            raise command_error(error) from None
        composition = draft_composition(draft)
        if options["json"]:
            data = {
                "draft": {
                    "id": draft.pk,
                    "slug": draft.slug,
                    "symbol": draft.symbol,
                    "title": draft.title,
                    "status": draft.status,
                    "matter": draft.matter,
                },
                "council_on": composition.day.isoformat(),
                "what_if": overrides,
                **analysis.to_dict(),
            }
            self.stdout.write(as_json(data))
            return
        self._print(draft, composition.describe(), overrides, analysis)

    def _print(
        self, draft: Any, council: str, overrides: dict[str, str], analysis: charter.Analysis
    ) -> None:
        out = self.stdout.write
        tally, projection = analysis.tally, analysis.projection
        out(self.style.MIGRATE_HEADING(str(draft)))
        out(f"{council[0].upper()}{council[1:]}; {tally.quota} votes needed of {tally.seated}.")
        if overrides:
            out("What if: " + ", ".join(f"{c}={s}" for c, s in overrides.items()))
        out("")
        out(self.style.MIGRATE_HEADING("Tally"))
        for stance in charter.Stance:
            out(f"  {stance.value:<18} {tally.counts[stance]:>2}")
        opposed = ", ".join(tally.permanent_opposed) or "none"
        out(f"  Permanent members opposed (no or leaning no): {opposed}")
        now = tally.outcome_if_held_now
        held = f"{now.result.value} ({now.yes}-{now.no}-{now.abstain})"
        if now.vetoed_by:
            held += " vetoed by " + ", ".join(now.vetoed_by)
        out(f"  If the vote were held now (firm positions only): {held}")
        out(f"  Yes votes still needed: {tally.votes_needed}")
        out("")
        out(self.style.MIGRATE_HEADING("Projection"))
        out(
            f"  Adopted {percent(projection.p_adopted)}   vetoed {percent(projection.p_vetoed)}"
            f"   failed for lack of votes {percent(projection.p_failed)}"
        )
        out(
            f"  Expected yes votes {projection.expected_yes:.2f}; "
            f"most likely: {projection.most_likely.value}"
        )
        out("")
        out(self.style.MIGRATE_HEADING("Pivotal members (adoption if yes vs if no)"))
        for item in analysis.pivotal:
            flip = (
                f"  alone flips it to {item.flips_most_likely_to.value}"
                if (item.flips_most_likely_to)
                else ""
            )
            mark = "P" if item.permanent else " "
            out(f"  {item.member} {mark} swing {percent(item.swing):>8}{flip}")
        out("")
        out(self.style.MIGRATE_HEADING("Most probable path to adoption"))
        path = analysis.closest_path
        if path.feasible:
            if not path.changes:
                out("  None needed: it would be adopted as things stand.")
            else:
                out(f"  {path.summary} ({path.n_changes} changes)")
            for change in path.changes:
                out(
                    f"  {change.member}: {change.from_stance.value} "
                    f"({change.from_vote.value} as things stand) -> {change.to.value}"
                )
            for other in path.alternatives:
                out(f"  With fewer changes: {other.summary} ({other.n_changes} changes)")
        else:
            out(f"  None: {path.reason}")
        if not path.elected_only_feasible and path.elected_only_reason:
            out(f"  Elected members alone: {path.elected_only_reason}")
        failure = analysis.path_to_failure
        out(self.style.MIGRATE_HEADING("Most probable path to failure"))
        if failure.feasible and failure.changes:
            out(f"  {failure.summary} ({failure.n_changes} changes)")
        elif failure.feasible:
            out("  None needed: it would not be adopted as things stand.")
        else:
            out(f"  None: {failure.reason}")
        out(self.style.MIGRATE_HEADING("Assumptions"))
        assumptions = analysis.assumptions
        out(f"  Priors: {assumptions.source}")
        for bloc in assumptions.blocs:
            out(
                f"  Bloc {', '.join(bloc.members)}: votes as one {percent(bloc.weight)} of "
                f"the time on its record; {percent(bloc.weight_given_positions)} given the "
                "positions"
            )
        if not assumptions.blocs_enabled:
            out("  Blocs switched off: members vote independently.")
