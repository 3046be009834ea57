"""``manage.py vote_outcome``: the engine's reading of a recorded vote, or of ballots given on
the command line for a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

import charter
from members.models import Composition, Member
from votes.management.commands._common import as_json, command_error, draft_from_key, parse_day
from votes.models import RecordedVote
from votes.services import recorded_vote_outcome


def _codes(text: str | None) -> list[str]:
    return [c.strip().upper() for c in (text or "").split(",") if c.strip()]


class Command(BaseCommand):
    help = "Classify a recorded vote (adopted, vetoed and by whom, or failed) with its counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft", nargs="?", help="The symbol of a draft that was voted on.")
        parser.add_argument("--resolution", type=int, help="The number of an adopted resolution.")
        parser.add_argument("--id", type=int, help="The id of a recorded vote.")
        parser.add_argument(
            "--date", help="Classify ballots given here, for the Council of this day."
        )
        parser.add_argument("--procedural", action="store_true")
        parser.add_argument("--yes", help="ISO3 codes voting yes, comma-separated.")
        parser.add_argument("--no", help="ISO3 codes voting no.")
        parser.add_argument("--abstain", help="ISO3 codes abstaining.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = [k for k in ("draft", "resolution", "id", "date") if options[k] is not None]
        if len(chosen) != 1:
            raise CommandError(
                "Give exactly one of: a draft symbol, --resolution N, --id N, or --date "
                "YYYY-MM-DD with --yes/--no/--abstain."
            )
        if options["date"] is not None:
            day = parse_day(options["date"])
            assert day is not None
            outcome, label = self._hypothetical(day, options), f"Vote on {day.isoformat()}"
        else:
            recorded = self._recorded(options)
            outcome, label = recorded_vote_outcome(recorded), recorded.label
        if options["json"]:
            data = {"vote": label, "outcome": outcome.result.value, **outcome.to_dict()}
            self.stdout.write(as_json(data))
            return
        text = f"{label}: {outcome.result.value} ({outcome.yes}-{outcome.no}-{outcome.abstain}"
        text += f", {outcome.not_participating} not participating; {outcome.quota} needed)"
        if outcome.vetoed_by:
            text += " vetoed by " + ", ".join(outcome.vetoed_by)
        self.stdout.write(text)

    def _recorded(self, options: dict[str, Any]) -> RecordedVote:
        votes = RecordedVote.objects.select_related("draft").prefetch_related("ballots__member")
        try:
            if options["id"] is not None:
                return votes.get(pk=options["id"])
            if options["resolution"] is not None:
                return votes.get(resolution_number=options["resolution"])
        except RecordedVote.DoesNotExist:
            which = (
                f"id {options['id']}" if options["id"] else f"resolution {options['resolution']}"
            )
            raise CommandError(f"No recorded vote with {which}.") from None
        draft = draft_from_key(options["draft"])
        recorded = votes.filter(draft=draft).first()
        if recorded is None:
            raise CommandError(f"{draft} has no recorded vote.")
        return recorded

    def _hypothetical(self, day: dt.date, options: dict[str, Any]) -> charter.Outcome:
        try:
            composition = Composition.on(day)
            composition.require_complete()
        except ValidationError as error:
            raise command_error(error) from None
        seated = {m.code for m in composition.members}
        ballots: dict[str, charter.Vote] = {}
        for vote in (charter.Vote.YES, charter.Vote.NO, charter.Vote.ABSTAIN):
            for code in _codes(options[vote.value]):
                if code not in seated:
                    member = Member.objects.filter(code=code).first()
                    who = member.name_on(day) if member else f"{code} (an unknown code)"
                    raise CommandError(f"{who} is not on the Security Council on {day}.")
                if code in ballots:
                    raise CommandError(f"{code} is given two votes.")
                ballots[code] = vote
        matter = charter.Matter.PROCEDURAL if options["procedural"] else charter.Matter.SUBSTANTIVE
        rule = composition.rule(matter)
        return charter.classify(rule, ballots)
