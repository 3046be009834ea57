"""How the API reads whole numbers and dates from text, in query parameters, paths and bodies
alike: ASCII digits only, dates as YYYY-MM-DD.

Python is more forgiving than a contract should be: ``int()`` takes ``'٣'``, ``' 3'``, ``'+3'``
and ``'3_000'``, ``str.isdigit()`` is true for ``'²'`` (which ``int()`` then refuses, a 500),
and ``date.fromisoformat`` takes ``'20191230'`` and ``'2019-W52-1'``. Every parser of the API
reads through these two functions instead."""

from __future__ import annotations

import datetime as dt
import re

from charter.rule import FIRST_MEETING

WHOLE_NUMBER = re.compile(r"[0-9]{1,4000}")
"""ASCII digits, at most 4,000 of them (Python refuses to convert more than 4,300)."""

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

COUNCIL_DATE_PATTERN = (
    r"^(?:1946-01-(?:1[7-9]|2[0-9]|3[01])"
    r"|1946-(?:0[2-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:194[7-9]|19[5-9][0-9]|[2-9][0-9]{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))$"
)
"""YYYY-MM-DD from ``FIRST_MEETING`` (1946-01-17) on, as a regular expression: what the OpenAPI
schema states for a date in a query string (JSON Schema has no minimum for a date)."""

SHOWN = 40
"""At most this many characters of a value are quoted back in a message."""


def quoted(value: object) -> str:
    """The value as a message quotes it: ``repr``, so a NUL or a stray space shows, and cut
    short when it is long."""
    if isinstance(value, str) and len(value) > SHOWN:
        return repr(value[:SHOWN]) + "…"
    return repr(value)


def whole_number(text: str, *, minimum: int = 1) -> int:
    """The number that ``text`` writes in ASCII digits, at least ``minimum``; else a ValueError
    with a message for a person."""
    if WHOLE_NUMBER.fullmatch(text) and int(text) >= minimum:
        return int(text)
    raise ValueError(f"{quoted(text)} is not a whole number of {minimum} or more.")


def iso_date(text: str) -> dt.date:
    """The day that ``text`` writes as YYYY-MM-DD in ASCII digits; else a ValueError with a
    message for a person."""
    if not ISO_DATE.fullmatch(text):
        raise ValueError(f"{quoted(text)} is not a date: use YYYY-MM-DD (digits 0-9).")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{quoted(text)} is not a day of the calendar.") from None


def council_date(text: str) -> dt.date:
    """A day of the Council's life: ``iso_date``, and not before the Security Council first met
    (``FIRST_MEETING``); else a ValueError with a message for a person."""
    day = iso_date(text)
    if day < FIRST_MEETING:
        raise ValueError(
            f"{day.isoformat()} is before the Security Council first met "
            f"({FIRST_MEETING.isoformat()}): give that day or a later one."
        )
    return day
