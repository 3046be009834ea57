"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Chromium missing: the tests skip, saying so, except under ``CI=true``, where they fail.
Every test fails on any console error or uncaught page error, which includes every
Content Security Policy violation (the browser logs each one as a console error)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import IN_CI

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests
# make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not shutil.which(CHROMIUM):
        reason = f"needs Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: browser tests are required)", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_ARGS}


@pytest.fixture
def console_errors(page: Any) -> Iterator[list[str]]:
    """Console errors and page errors of the test's page; the test fails if any occurred."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    yield errors
    assert errors == [], "the browser reported errors:\n" + "\n".join(errors)


@pytest.fixture
def site(
    transactional_db: None, _seed_dump: Path, live_server: Any, settings: Any
) -> Iterator[str]:
    """The live server's address, with the seed committed and reads open (as in the demo)."""
    from django.core.cache import cache
    from django.core.management import call_command

    settings.API_PUBLIC_READ = True
    call_command("loaddata", str(_seed_dump), verbosity=0)
    cache.clear()
    yield live_server.url
    cache.clear()
