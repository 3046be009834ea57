"""Every change to who sits on a draft's Council day (a term added, moved or deleted, a
member's permanent flag) marks the drafts it concerns stale, sends their refreshes once the
change commits, and the periodic job repairs what no signal announced."""

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings
from rest_framework.test import APIClient

from members.models import Member, Term
from members.services import term_create
from resolutions.models import Draft
from tests.factories import DraftFactory, MemberFactory, TermFactory
from tests.votes.queue import refreshes_held
from votes import projections
from votes.tasks import refresh_stale_projections as projections_refresh_stale


def _stale_ids() -> set[int]:
    return set(projections.stale_drafts().values_list("pk", flat=True))


VOTE_2030, VOTE_2031 = dt.date(2030, 6, 1), dt.date(2031, 6, 1)


@pytest.fixture
def council(db: None) -> list[Member]:
    """Five permanent members and ten elected for 2030-2031 (the factories' terms)."""
    members = []
    for n in range(15):
        member = MemberFactory.create(permanent=n < 5)
        TermFactory.create(member=member)
        members.append(member)
    return members


@pytest.fixture
def voted(
    council: list[Member], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> dict[int, Draft]:
    """Two drafts in blue, scheduled for a vote in 2030 and in 2031, with stored projections
    (entered with the Council in one committed transaction, then refreshed)."""
    with refreshes_held(), django_capture_on_commit_callbacks(execute=True):
        drafts = {
            day.year: DraftFactory.create(
                circulated_on=day, vote_on=day, status=Draft.Status.IN_BLUE
            )
            for day in (VOTE_2030, VOTE_2031)
        }
    projections_refresh_stale()
    assert not _stale_ids()
    return drafts


def _seats(draft: Draft) -> dict[str, bool]:
    seats = draft.projections.latest().seats.select_related("member")
    return {seat.member.code: seat.permanent for seat in seats}


def _change(django_capture_on_commit_callbacks: Any, edit: Any) -> list[int]:
    """Make ``edit`` in a transaction that commits; the refreshes it sends are held."""
    with refreshes_held() as sent, django_capture_on_commit_callbacks(execute=True):
        edit()
    return sent


def test_moving_a_term_marks_the_drafts_of_its_old_and_new_days_and_refreshes_them(
    council: list[Member],
    voted: dict[int, Draft],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    settings: Settings,
) -> None:
    leaving, joining = council[5], MemberFactory.create()

    def edit() -> None:
        term = leaving.terms.get()
        term.end = dt.date(2030, 12, 31)  # leaves after the 2030 vote, before the 2031 one
        term.full_clean()
        term.save()
        term_create(member=joining, start=dt.date(2031, 1, 1), end=dt.date(2031, 12, 31))

    sent = _change(django_capture_on_commit_callbacks, edit)

    # Both drafts lie in the old days of the edited term, so both are refreshed (once each);
    # only the 2031 Council has changed.
    assert sorted(sent) == sorted(d.pk for d in voted.values())
    assert _stale_ids() == {voted[2031].pk}
    # The stored projection says so through the API until the repair job has run.
    settings.API_PUBLIC_READ = True
    url = f"/api/v1/drafts/{voted[2031].slug}/projection/"
    with refreshes_held():
        body = APIClient().get(url).json()
    assert body["stale"] is True
    assert {p["member"] for p in body["pivotal"]} == {m.code for m in council}
    assert projections_refresh_stale() == [voted[2031].pk]
    body = APIClient().get(url).json()
    assert body["stale"] is False
    assert {p["member"] for p in body["pivotal"]} == {m.code for m in council[:5] + council[6:]} | {
        joining.code
    }
    assert leaving.code in _seats(voted[2030])


def test_a_term_far_from_every_draft_sends_nothing(
    council: list[Member],
    voted: dict[int, Draft],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    def edit() -> None:
        term_create(
            member=MemberFactory.create(), start=dt.date(2040, 1, 1), end=dt.date(2041, 12, 31)
        )

    sent = _change(django_capture_on_commit_callbacks, edit)

    assert sent == []
    assert not _stale_ids()


def test_a_deleted_term_counts(
    council: list[Member],
    voted: dict[int, Draft],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    sent = _change(django_capture_on_commit_callbacks, lambda: council[6].terms.get().delete())

    assert sorted(sent) == sorted(d.pk for d in voted.values())
    assert _stale_ids() == {d.pk for d in voted.values()}
    # A Council with a vacant seat has no projection: it stays stale until the seat is filled.
    projections_refresh_stale()
    assert _stale_ids() == {d.pk for d in voted.values()}
    replacement = MemberFactory.create()
    TermFactory.create(member=replacement)
    projections_refresh_stale()
    assert not _stale_ids()
    assert replacement.code in _seats(voted[2030])
    assert council[6].code not in _seats(voted[2030])


def test_a_term_deleted_and_entered_again_leaves_the_council_as_it_was(
    council: list[Member], voted: dict[int, Draft]
) -> None:
    term = council[7].terms.get()
    start, end = term.start, term.end
    term.delete()
    Term.objects.create(member=council[7], start=start, end=end, source="again")

    assert not _stale_ids()


def test_a_members_permanent_flag_changes_its_vetoes(
    council: list[Member],
    voted: dict[int, Draft],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    member = council[8]

    def edit() -> None:
        member.permanent = True
        member.save()

    sent = _change(django_capture_on_commit_callbacks, edit)

    assert sorted(sent) == sorted(d.pk for d in voted.values())
    assert _stale_ids() == {d.pk for d in voted.values()}
    projections_refresh_stale()
    assert _seats(voted[2030])[member.code] is True
    pivotal = {p["member"]: p for p in voted[2030].projections.latest().results["pivotal"]}
    assert pivotal[member.code]["p_adopted_if_no"] == 0  # a veto now


def test_a_change_made_without_signals_is_found_by_the_periodic_repair(
    council: list[Member], voted: dict[int, Draft]
) -> None:
    Term.objects.filter(member=council[9]).update(start=dt.date(2031, 1, 1))  # no signal

    assert _stale_ids() == {voted[2030].pk}
    projections_refresh_stale()
    assert _stale_ids() == {voted[2030].pk}  # 2030 now has a vacant seat
    TermFactory.create(
        member=MemberFactory.create(), start=dt.date(2030, 1, 1), end=dt.date(2030, 12, 31)
    )
    assert projections_refresh_stale() == [voted[2030].pk]
    assert not _stale_ids()


def test_one_transaction_of_many_changes_sends_one_refresh_per_draft(
    council: list[Member],
    voted: dict[int, Draft],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    def edit() -> None:
        with transaction.atomic():
            for member in council[5:9]:
                term = member.terms.get()
                term.source = "corrected"
                term.save()
            try:
                with transaction.atomic():  # a savepoint rolled back loses nothing after it
                    council[9].terms.get().delete()
                    raise RuntimeError
            except RuntimeError:
                pass
            voted[2031].title = "Retitled"
            voted[2031].save()

    sent = _change(django_capture_on_commit_callbacks, edit)

    assert sorted(sent) == sorted(d.pk for d in voted.values())
    assert Term.objects.filter(member=council[9]).exists()
    assert _stale_ids() == {voted[2031].pk}
