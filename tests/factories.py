"""Factories for the tests: members and their terms, regimes, sectors, drafts and positions;
(the seed itself is loaded once per module by the root conftest).

Member codes are drawn from ``QAA``..``QZZ`` (skipping Qatar) so that they never clash with the
seed's ISO3 codes when both are used in one test.
"""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from members.models import Member, Term
from resolutions.models import Draft, SanctionsRegime, Sector
from votes.models import Position, Stance


def _test_code(n: int) -> str:
    letters = string.ascii_uppercase
    # 26 * 26 codes; QAT (Qatar) is left out.
    n = n % (26 * 26 - 1)
    if n >= letters.index("A") * 26 + letters.index("T"):
        n += 1
    return "Q" + letters[n // 26] + letters[n % 26]


class MemberFactory(DjangoModelFactory[Member]):
    class Meta:
        model = Member
        django_get_or_create = ("code",)

    code = factory.Sequence(_test_code)
    name = factory.Sequence(lambda n: f"Testland {n}")
    permanent = False


class TermFactory(DjangoModelFactory[Term]):
    """An elected member's two-year term from 2030 unless told otherwise; a permanent member's
    term (``member__permanent=True``) opens on the Charter's day and has no end."""

    class Meta:
        model = Term

    member: factory.SubFactory[Term, Member] = factory.SubFactory(MemberFactory)
    start: factory.LazyAttribute[Term, dt.date] = factory.LazyAttribute(
        lambda o: dt.date(1945, 10, 24) if o.member.permanent else dt.date(2030, 1, 1)
    )
    end: factory.LazyAttribute[Term, dt.date | None] = factory.LazyAttribute(
        lambda o: None if o.member.permanent else dt.date(o.start.year + 1, 12, 31)
    )
    source = "test fixture"


class SanctionsRegimeFactory(DjangoModelFactory[SanctionsRegime]):
    class Meta:
        model = SanctionsRegime
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"regime-{n}")
    name = factory.Sequence(lambda n: f"Test regime {n}")
    resolution = factory.Sequence(lambda n: 9000 + n)
    committee: factory.LazyAttribute[SanctionsRegime, str] = factory.LazyAttribute(
        lambda o: f"Committee established by resolution {o.resolution}"
    )
    established_on = dt.date(2006, 10, 14)
    source = "test fixture"


class SectorFactory(DjangoModelFactory[Sector]):
    class Meta:
        model = Sector

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.Sequence(lambda n: f"Sector {n}")
    regime: factory.SubFactory[Sector, SanctionsRegime] = factory.SubFactory(SanctionsRegimeFactory)


class DraftFactory(DjangoModelFactory[Draft]):
    """An unnumbered draft in negotiation, circulated on 2019-12-16 unless told otherwise."""

    class Meta:
        model = Draft

    symbol = None
    title = factory.Sequence(lambda n: f"Test draft {n}")
    regime: factory.SubFactory[Draft, SanctionsRegime] = factory.SubFactory(SanctionsRegimeFactory)
    status = Draft.Status.IN_NEGOTIATION
    circulated_on = dt.date(2019, 12, 16)


class PositionFactory(DjangoModelFactory[Position]):
    class Meta:
        model = Position

    draft: factory.SubFactory[Position, Draft] = factory.SubFactory(DraftFactory)
    member: factory.SubFactory[Position, Member] = factory.SubFactory(MemberFactory)
    stance = Stance.UNDECIDED
    confidence = Decimal("0.5")
    as_of = dt.date(2019, 12, 30)
    source = "test fixture"
