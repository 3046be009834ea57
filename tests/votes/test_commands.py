"""The command-line tools: project_draft, power_index and vote_outcome, as a user calls them."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from resolutions.models import Draft


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def dprk_draft(seeded: None) -> Draft:
    return Draft.objects.get(symbol=None, regime__slug="dprk-1718")


def test_project_draft_prints_the_tally_projection_and_closest_path(dprk_draft: Draft) -> None:
    text = run("project_draft", dprk_draft.slug)

    assert "Permanent members opposed (no or leaning no): FRA, GBR, USA" in text
    assert "Yes votes still needed: 7" in text
    assert (
        "most likely: vetoed" in text
    )  # three permanent noes against a Council that mostly votes yes
    assert "FRA, GBR and USA oppose as permanent members" in text


def test_project_draft_json_has_the_projection_under_a_what_if(dprk_draft: Draft) -> None:
    plain = json.loads(run("project_draft", str(dprk_draft.pk), "--json"))
    what_if = json.loads(
        run(
            "project_draft",
            dprk_draft.slug,
            "--json",
            "--what-if",
            "USA=abstain",
            "FRA=abstain",
            "GBR=abstain",
        )
    )

    assert plain["projection"]["p_adopted"] < 0.01
    assert what_if["what_if"] == {"USA": "abstain", "FRA": "abstain", "GBR": "abstain"}
    assert what_if["tally"]["permanent_opposed"] == []
    assert what_if["projection"]["p_vetoed"] == 0
    assert what_if["projection"]["p_adopted"] > plain["projection"]["p_adopted"]
    assert len(what_if["projection"]["yes_distribution"]) == 16
    assert dprk_draft.positions.count() == 15  # a what-if writes nothing


def test_project_draft_refuses_bad_keys_and_overrides(dprk_draft: Draft) -> None:
    with pytest.raises(CommandError, match="No draft with the symbol, slug or id 's-1999-1'"):
        run("project_draft", "s-1999-1")
    with pytest.raises(CommandError, match="write it as ISO3=STANCE"):
        run("project_draft", dprk_draft.slug, "--what-if", "USA")
    with pytest.raises(CommandError, match="JPN"):
        run("project_draft", dprk_draft.slug, "--what-if", "JPN=yes")
    with pytest.raises(CommandError, match="maybe"):
        run("project_draft", dprk_draft.slug, "--what-if", "USA=maybe")


def test_power_index_gives_the_known_council_values(seeded: None) -> None:
    data = json.loads(run("power_index", "--date", "2019-12-30", "--json"))
    by_code = {m["member"]: m for m in data["members"]}

    assert len(by_code) == 15
    assert by_code["USA"]["shapley_shubik"] == "421/2145"
    assert by_code["DEU"]["shapley_shubik"] == "4/2145"
    assert round(by_code["USA"]["banzhaf_normalised_float"], 4) == 0.1669
    text = run("power_index", "--date", "2019-12-30")
    assert "United States (USA) P" in text and "421/2145" in text


def test_power_index_refuses_a_council_not_fully_known(seeded: None) -> None:
    with pytest.raises(CommandError, match="known for 10 of 15 seats"):
        run("power_index", "--date", "2028-03-01")


@pytest.mark.parametrize(
    ("args", "outcome", "vetoed_by"),
    [
        (["S/2019/961"], "vetoed", ["CHN", "RUS"]),
        (["S/2022/155"], "vetoed", ["RUS"]),
        (["--resolution", "2397"], "adopted", []),
        (["--resolution", "2393"], "adopted", []),
    ],
)
def test_vote_outcome_classifies_recorded_votes(
    seeded: None, args: list[str], outcome: str, vetoed_by: list[str]
) -> None:
    data = json.loads(run("vote_outcome", *args, "--json"))

    assert data["outcome"] == outcome
    assert data["vetoed_by"] == vetoed_by


def test_every_recorded_vote_in_the_seed_is_classified_as_the_records_say(seeded: None) -> None:
    from votes.models import RecordedVote

    for recorded in RecordedVote.objects.all():
        data = json.loads(run("vote_outcome", "--id", str(recorded.pk), "--json"))
        assert data["outcome"] == recorded.recorded_outcome, recorded.label


def test_vote_outcome_classifies_ballots_given_on_the_command_line(seeded: None) -> None:
    everyone_else = "BEL,CIV,DOM,GNQ,DEU,IDN,KWT,PER,POL,ZAF,FRA,GBR"
    vetoed = json.loads(
        run(
            "vote_outcome",
            "--date",
            "2019-12-20",
            "--yes",
            everyone_else,
            "--no",
            "RUS",
            "--abstain",
            "CHN",
            "--json",
        )
    )
    short = json.loads(
        run("vote_outcome", "--date", "2019-12-20", "--yes", "FRA,GBR,USA", "--no", "RUS", "--json")
    )
    procedural = json.loads(
        run(
            "vote_outcome",
            "--date",
            "2019-12-20",
            "--procedural",
            "--yes",
            everyone_else,
            "--no",
            "RUS",
            "--json",
        )
    )

    assert (vetoed["outcome"], vetoed["vetoed_by"], vetoed["abstain"]) == ("vetoed", ["RUS"], 1)
    assert vetoed["not_participating"] == 1  # USA, not listed
    assert (short["outcome"], short["vetoed_by"]) == ("failed", [])
    assert procedural["outcome"] == "adopted"
    text = run("vote_outcome", "--date", "2019-12-20", "--yes", everyone_else, "--no", "RUS")
    assert "vetoed (12-1-0" in text and "vetoed by RUS" in text


def test_vote_outcome_refuses_a_member_not_seated_that_day(seeded: None) -> None:
    with pytest.raises(CommandError, match="Japan is not on the Security Council on 2019-12-20"):
        run("vote_outcome", "--date", "2019-12-20", "--yes", "JPN")
    with pytest.raises(CommandError, match="Give exactly one of"):
        run("vote_outcome", "S/2019/961", "--resolution", "2397")
