"""How the API reads whole numbers and dates from text, in query parameters, paths and bodies
alike: ASCII digits only, dates as YYYY-MM-DD.

Python is more forgiving than a contract should be: ``int()`` takes ``'٣'``, ``' 3'``, ``'+3'``
and ``'3_000'``, ``str.isdigit()`` is true for ``'²'`` (which ``int()`` then refuses, a 500),
and ``date.fromisoformat`` takes ``'20191230'`` and ``'2019-W52-1'``. Every parser of the API
reads through these two functions instead."""

from __future__ import annotations

import datetime as dt
import re

WHOLE_NUMBER = re.compile(r"[0-9]{1,4000}")
"""ASCII digits, at most 4,000 of them (Python refuses to convert more than 4,300)."""

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

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
