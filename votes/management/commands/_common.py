"""Helpers shared by the votes app's management commands."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from resolutions.models import Draft


def draft_from_key(key: str) -> Draft:
    try:
        return Draft.objects.by_key(key)
    except Draft.DoesNotExist:
        raise CommandError(f"No draft with the symbol, slug or id {key!r}.") from None


def parse_day(text: str | None, *, option: str = "--date") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option}: {text!r} is not a date (use YYYY-MM-DD).") from None


def as_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def command_error(error: ValidationError) -> CommandError:
    if hasattr(error, "message_dict"):
        text = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    else:
        text = " ".join(error.messages)
    return CommandError(text)


def percent(value: float) -> str:
    return f"{value * 100:.2f}%"
