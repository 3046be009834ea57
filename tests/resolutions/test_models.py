"""Drafts, their versions, sectors and measures: slugs, and what the constraints refuse."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from resolutions.models import Draft, DraftVersion, Measure, Resolution, Sector
from tests.factories import DraftFactory, SanctionsRegimeFactory, SectorFactory

pytestmark = pytest.mark.django_db


def _resolution(number: int) -> Resolution:
    return Resolution.objects.create(number=number, adopted_on=dt.date(2017, 8, 5))


def test_a_draft_with_a_symbol_takes_its_slug_from_the_symbol() -> None:
    draft = DraftFactory.create(symbol="S/2019/961")

    assert draft.slug == "s-2019-961"
    assert Draft.objects.get(pk=draft.pk).slug == "s-2019-961"


def test_an_unnumbered_draft_takes_its_slug_from_its_id() -> None:
    draft = DraftFactory.create(symbol=None)

    assert draft.slug == f"draft-{draft.pk}"
    assert Draft.objects.get(pk=draft.pk).slug == f"draft-{draft.pk}"


def test_a_blank_symbol_is_an_unnumbered_draft() -> None:
    draft = DraftFactory.create(symbol="   ")

    draft.refresh_from_db()
    assert draft.symbol is None
    assert draft.slug == f"draft-{draft.pk}"


def test_a_draft_that_gets_its_symbol_takes_the_symbols_slug() -> None:
    draft = DraftFactory.create(symbol=None)

    draft.symbol = "S/2022/431"
    draft.save(update_fields=["symbol"])

    draft.refresh_from_db()
    assert draft.slug == "s-2022-431"


def test_it_finds_a_draft_by_slug_or_by_id() -> None:
    numbered = DraftFactory.create(symbol="S/2019/961")
    unnumbered = DraftFactory.create(symbol=None)

    assert Draft.objects.by_key("s-2019-961") == numbered
    assert Draft.objects.by_key(" S-2019-961 ") == numbered
    assert Draft.objects.by_key(numbered.pk) == numbered
    assert Draft.objects.by_key("S/2019/961") == numbered
    assert Draft.objects.by_key(str(unnumbered.pk)) == unnumbered
    assert Draft.objects.by_key(f"draft-{unnumbered.pk}") == unnumbered
    with pytest.raises(Draft.DoesNotExist):
        Draft.objects.by_key("s-2019-962")


def test_two_drafts_cannot_share_a_symbol() -> None:
    DraftFactory.create(symbol="S/2019/961")

    with pytest.raises(IntegrityError), transaction.atomic():
        DraftFactory.create(symbol="S/2019/961")

    assert Draft.objects.filter(symbol="S/2019/961").count() == 1


def test_several_unnumbered_drafts_are_allowed() -> None:
    drafts = DraftFactory.create_batch(3, symbol=None)

    assert Draft.objects.filter(symbol__isnull=True).count() == 3
    assert len({d.slug for d in drafts}) == 3


def test_full_clean_refuses_a_symbol_that_does_not_start_with_s() -> None:
    draft = DraftFactory.build(symbol="A/2019/961", regime=SanctionsRegimeFactory.create())

    with pytest.raises(ValidationError) as raised:
        draft.full_clean(exclude=["slug"])

    assert raised.value.message_dict["symbol"] == [
        "A draft symbol looks like S/2019/961 (it starts with S/)."
    ]


def test_an_adopted_draft_has_its_resolution_number() -> None:
    draft = DraftFactory.create(status=Draft.Status.ADOPTED, resolution_number=2397)

    assert Draft.objects.get(resolution_number=2397) == draft


@pytest.mark.parametrize("status", [Draft.Status.VETOED, Draft.Status.IN_NEGOTIATION])
def test_only_an_adopted_draft_has_a_resolution_number(status: Draft.Status) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DraftFactory.create(status=status, resolution_number=2397)

    assert not Draft.objects.exists()


def test_full_clean_explains_a_resolution_number_on_a_draft_not_adopted() -> None:
    draft = DraftFactory.build(
        status=Draft.Status.VETOED, resolution_number=2397, regime=SanctionsRegimeFactory.create()
    )

    with pytest.raises(ValidationError) as raised:
        draft.full_clean(exclude=["slug"])

    assert raised.value.messages == ["Only an adopted draft has a resolution number."]


def test_the_vote_cannot_come_before_the_circulation() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DraftFactory.create(circulated_on=dt.date(2019, 12, 16), vote_on=dt.date(2019, 12, 15))

    assert not Draft.objects.exists()


def test_full_clean_explains_a_vote_before_the_circulation() -> None:
    draft = DraftFactory.build(
        circulated_on=dt.date(2019, 12, 16),
        vote_on=dt.date(2019, 12, 15),
        regime=SanctionsRegimeFactory.create(),
    )

    with pytest.raises(ValidationError) as raised:
        draft.full_clean(exclude=["slug"])

    assert raised.value.messages == ["The vote cannot come before the draft was circulated."]


def test_the_vote_may_be_on_the_day_of_circulation() -> None:
    draft = DraftFactory.create(circulated_on=dt.date(2019, 12, 16), vote_on=dt.date(2019, 12, 16))

    assert draft.council_date == dt.date(2019, 12, 16)


def test_versions_are_numbered_once_per_draft() -> None:
    draft, other = DraftFactory.create_batch(2)
    DraftVersion.objects.create(draft=draft, number=1, dated=dt.date(2019, 12, 16), text="v1")
    DraftVersion.objects.create(draft=other, number=1, dated=dt.date(2019, 12, 16), text="v1")

    with pytest.raises(IntegrityError), transaction.atomic():
        DraftVersion.objects.create(draft=draft, number=1, dated=dt.date(2019, 12, 17), text="x")

    DraftVersion.objects.create(draft=draft, number=2, dated=dt.date(2019, 12, 17), text="v2")
    assert list(draft.versions.values_list("number", "text")) == [(1, "v1"), (2, "v2")]


def test_versions_are_numbered_from_one() -> None:
    draft = DraftFactory.create()

    with pytest.raises(IntegrityError), transaction.atomic():
        DraftVersion.objects.create(draft=draft, number=0, dated=dt.date(2019, 12, 16), text="x")

    assert not draft.versions.exists()


def test_a_resolution_has_one_measure_per_sector() -> None:
    coal = SectorFactory.create(name="Coal")
    r2270, r2371 = _resolution(2270), _resolution(2371)
    Measure.objects.create(sector=coal, resolution=r2270, kind=Measure.Kind.BAN, detail="ban")

    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(sector=coal, resolution=r2270, kind=Measure.Kind.CAP, detail="cap")

    Measure.objects.create(sector=coal, resolution=r2371, kind=Measure.Kind.BAN, detail="full")
    assert [str(m) for m in coal.measures.all()] == ["Coal: ban (2270)", "Coal: ban (2371)"]


def test_a_sector_export_value_needs_its_source() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SectorFactory.create(estimated_annual_export_usd=1_000_000, export_value_source="")

    assert not Sector.objects.exists()


def test_full_clean_explains_an_export_value_without_a_source() -> None:
    sector = SectorFactory.build(
        estimated_annual_export_usd=1_000_000, regime=SanctionsRegimeFactory.create()
    )

    with pytest.raises(ValidationError) as raised:
        sector.full_clean()

    assert raised.value.messages == ["An export value needs its source."]


def test_a_sector_export_value_with_a_source_is_kept() -> None:
    sector = SectorFactory.create(
        estimated_annual_export_usd=1_000_000, export_value_source="Trade statistics 2016"
    )
    without_value = SectorFactory.create(estimated_annual_export_usd=None, export_value_source="")

    assert Sector.objects.get(pk=sector.pk).estimated_annual_export_usd == 1_000_000
    assert Sector.objects.filter(pk=without_value.pk).exists()


def test_an_unnumbered_draft_keeps_the_slug_it_was_given_until_it_gets_a_symbol(db: None) -> None:
    draft = DraftFactory.create(symbol=None, slug="dprk-relief-2019")

    draft.title = "Renamed"
    draft.save()
    assert Draft.objects.get(pk=draft.pk).slug == "dprk-relief-2019"
    assert Draft.objects.by_key("dprk-relief-2019") == draft

    draft.symbol = "S/2030/1"
    draft.save()
    assert Draft.objects.get(pk=draft.pk).slug == "s-2030-1"
