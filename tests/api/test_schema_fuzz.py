"""Property-based fuzzing of the REST API against its own OpenAPI document.

Schemathesis loads ``/api/v1/schema/`` from the Django WSGI application itself
(``config.wsgi.application``) and, for every operation in it (GET and POST: one test item per
operation), sends generated requests through that same application. Every response goes
through all of schemathesis's checks (``call_and_validate()`` with its default set, nothing
excluded): no 5xx, a documented status code, content type and headers, a body matching the
documented schema, rejection of schema-invalid input, acceptance of schema-valid input, and
refusal of requests without (or with bad) credentials.

How the requests see the test database: the WSGI application runs in this thread and so uses
this thread's connection, but it is the real handler, not Django's test client, so it sends
``request_started``/``request_finished``, which close any connection not in autocommit mode.
Inside the transaction that the ``db`` fixture wraps a test in, that is every connection: on
PostgreSQL the first request closes it ("connection already closed", a 500 on every request).
So the test uses ``transactional_db``: the seed (the repository's, made by ``load_seed`` once
per session and loaded from a dump), the editor and its token are committed, every request sees
them as a production request would, and the database is flushed after each operation's test.
(The project's ``seeded`` fixture is not used: it holds the seed in a transaction left open for
the whole module, which would bring the same problem back.)

Requests are signed in as an editor with a token (``Authorization: Token ...``), so POSTs get
past authentication; ``ignored_auth`` re-sends some without it and with a bad one to confirm the
API refuses them. Throttling is relaxed so 429s do not mask everything. Path parameters are
often a real draft (its slug, its id, or ``s-2019-961``) or a real recorded vote, and request
bodies often name real members, dates and complete ballots, so the fuzzer gets past the 404s
and the business-rule 400s to the code that writes and computes. A value is only swapped for a
real one when the generated value was itself valid for the schema, so negative cases stay
negative.

A second run, ``test_api_refuses_what_its_schema_forbids``, generates negative data only
(``GenerationMode.NEGATIVE``): every request breaks the schema in one place (``page=0``, a date
before 1946-01-17 or not a date, a body field of the wrong type, an unknown field...). It checks
that the server agrees: no 5xx, and every such request refused with a 4xx (the
``negative_data_rejection`` check, with the others). Its examples are few, so it stays quick.

The schema is loaded when the module is imported (the document does not depend on the
database), not through ``schemathesis.pytest.from_fixture``: that lazy loader reads
``request.node._nodeid``, which pytest 9.2 no longer has.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from config.wsgi import application

SCHEMA_PATH = "/api/v1/schema/"
EXAMPLES_PER_OPERATION = 20
NEGATIVE_EXAMPLES_PER_OPERATION = 8
RATE = "100000/minute"
STANCES = ["yes", "leaning_yes", "undecided", "leaning_no", "no", "abstain", "not_participating"]
VOTES = ["yes", "no", "abstain", "not_participating"]
SEED_APPS = ["members", "resolutions", "votes"]

# Real objects and values, filled in by the ``editor_token`` fixture once the seed is loaded.
REAL: dict[str, Any] = {}

schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)
negative_schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)
negative_schema.config.generation.update(
    modes=[schemathesis.GenerationMode.NEGATIVE],
    max_examples=NEGATIVE_EXAMPLES_PER_OPERATION,
)

# Valid-by-schema data may still break a rule that depends on the database, which no schema can
# express: a member code that names no member, a member not seated on the draft's date, ballots
# that miss a seated member, a date whose Council is not fully known, a vote on a draft that
# already has one. The API answers those with 400 and the field at fault, as its contract says,
# so for positive data a 400 is an answer too. The response must still be the documented error
# (response_schema_conformance checks it), and every other check stays as it is.
# Likewise an If-Match header is valid by the schema whatever its text, but only the ETag the
# draft or term has at that moment is current: any other gets the documented 412.
# ``send_current_etags`` below gives about half the updates the current one, so they are saved.
schema.config.checks.positive_data_acceptance.expected_statuses = [
    *schema.config.checks.positive_data_acceptance.expected_statuses,
    "400",
    "412",
]


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_choice_map(value: object, choices: list[str]) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and v in choices for k, v in value.items()
    )


@negative_schema.hook
@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """About half the time, a real draft, term or recorded vote instead of the generated
    value."""
    if path_parameters and {"code", "id"} <= set(path_parameters) and REAL.get("terms"):
        terms = [{**path_parameters, "code": c, "id": pk} for c, pk in REAL["terms"]]
        return st.one_of(st.just(path_parameters), st.sampled_from(terms))
    for name, real in (("key", REAL.get("draft_keys")), ("id", REAL.get("vote_ids"))):
        if path_parameters and name in path_parameters and real:
            choices = [{**path_parameters, name: value} for value in real]
            return st.one_of(st.just(path_parameters), st.sampled_from(choices))
    return st.just(path_parameters)


@negative_schema.hook
@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    """About half the time, real members, dates and ballots in the POST bodies."""
    operation = context.operation
    if not REAL or operation is None or not isinstance(body, dict):
        return st.just(body)
    path = operation.path
    swaps: dict[str, st.SearchStrategy[Any]] = {}
    if path.endswith("/positions/"):
        member = body.get("member")
        if isinstance(member, str) and 1 <= len(member) <= 3:
            swaps["member"] = st.sampled_from(REAL["draft_members"])
        if _is_date(body.get("as_of")):
            swaps["as_of"] = st.sampled_from(REAL["as_of"])
    elif path.endswith("/scenarios/"):
        overrides = body.get("overrides")
        if _is_choice_map(overrides, STANCES) and overrides:
            stances = list(overrides.values())
            swaps["overrides"] = st.permutations(REAL["draft_members"]).map(
                lambda codes: dict(zip(codes, stances, strict=False))
            )
    elif (
        path.rstrip("/").endswith("/votes")
        and _is_date(body.get("voted_on"))
        and _is_choice_map(body.get("ballots"), VOTES)
    ):
        # A complete set of ballots for the Council seated on a day of a recorded vote.
        swaps["voted_on"] = st.sampled_from(sorted(REAL["councils"]))
        draft = body.get("draft")
        if draft is None or (isinstance(draft, str) and draft):
            swaps["draft"] = st.sampled_from(REAL["draft_keys"])
    if not swaps:
        return st.just(body)

    def realistic(values: dict[str, Any]) -> Any:
        new = {**body, **values}
        if "voted_on" in values:
            council = REAL["councils"][values["voted_on"]]
            return st.lists(
                st.sampled_from(VOTES), min_size=len(council), max_size=len(council)
            ).map(lambda votes: {**new, "ballots": dict(zip(council, votes, strict=True))})
        return st.just(new)

    return st.one_of(st.just(body), st.fixed_dictionaries(swaps).flatmap(realistic))


def _current_etag(path: str, parameters: dict[str, Any]) -> str | None:
    """The ETag the draft or term named by an update's path has now, if it exists."""
    from members.api import term_etag
    from members.models import Term
    from resolutions.models import Draft
    from votes.api.drafts import draft_etag

    if path == "/api/v1/drafts/{key}/":
        try:
            return draft_etag(Draft.objects.by_key(str(parameters.get("key"))))
        except (Draft.DoesNotExist, ValueError):
            return None
    if path == "/api/v1/members/{code}/terms/{id}/" and isinstance(parameters.get("id"), int):
        term = Term.objects.filter(
            member__code=str(parameters.get("code")), pk=parameters["id"]
        ).first()
        return None if term is None else term_etag(term)
    return None


def send_current_etag(case: Any) -> None:
    """An update whose generated If-Match has an even length gets the current ETag instead, so
    the fuzzer reaches the save and its checks; the others keep theirs (a 412)."""
    headers = case.headers or {}
    if case.method.upper() != "PATCH" or len(headers.get("If-Match", "")) % 2:
        return
    etag = _current_etag(case.operation.path, case.path_parameters or {})
    if etag is not None:
        case.headers = {**headers, "If-Match": etag}


@pytest.fixture(scope="session")
def fuzz_seed_dump(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The repository's seed as a fixture file, made once per session (in a transaction rolled
    back at once); each operation's test loads it and commits it."""
    from votes.seed import load_seed

    path = tmp_path_factory.mktemp("fuzz-seed") / f"seed-{connection.vendor}.json"
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        call_command("dumpdata", *SEED_APPS, output=str(path), verbosity=0)
        transaction.set_rollback(True)
    return path


@pytest.fixture
def editor_token(transactional_db: None, fuzz_seed_dump: Path, settings: Any) -> Iterator[str]:
    """Commits the seed and an editor with a token; the database is flushed afterwards."""
    from members.models import Member, Term
    from resolutions.models import Draft
    from votes.models import RecordedVote

    call_command("loaddata", str(fuzz_seed_dump), verbosity=0)
    settings.API_RATE_ANON = RATE
    settings.API_RATE_USER = RATE
    settings.API_PUBLIC_READ = False  # reads need the token too, so ignored_auth can check it

    # A flush after an earlier transactional test removes the groups the migration created.
    editors, _ = Group.objects.get_or_create(name="editor")
    user = get_user_model().objects.create_user("fuzz-editor")
    user.groups.add(editors)
    token = Token.objects.create(user=user)

    draft = Draft.objects.get(symbol=None, regime__slug="dprk-1718")
    voted = Draft.objects.get(slug="s-2019-961")
    assert draft.slug == "dprk-relief-2019"
    assert draft.council_date is not None
    votes = list(RecordedVote.objects.order_by("voted_on"))
    assert len(votes) == 12
    assert draft.circulated_on is not None
    REAL.update(
        draft_keys=[draft.slug, str(draft.pk), voted.slug],
        vote_ids=[v.pk for v in votes],
        draft_members=[m.code for m in Member.objects.seated_on(draft.council_date)],
        terms=list(Term.objects.covering(draft.council_date).values_list("member__code", "pk")),
        as_of=[(draft.circulated_on + dt.timedelta(days=n)).isoformat() for n in range(15)],
        councils={
            v.voted_on.isoformat(): [m.code for m in Member.objects.seated_on(v.voted_on)]
            for v in votes
        },
    )
    assert len(REAL["draft_members"]) == 15
    yield token.key
    REAL.clear()


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    # The seed, the editor and its token are set up once per operation, not once per example.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_api_conforms_to_its_schema(case: Any, editor_token: str) -> None:
    send_current_etag(case)
    case.call_and_validate(headers={"Authorization": f"Token {editor_token}"})


@negative_schema.parametrize()
@hypothesis.settings(
    max_examples=NEGATIVE_EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_api_refuses_what_its_schema_forbids(case: Any, editor_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {editor_token}"})
