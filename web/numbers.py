"""Numbers shown to analysts, written so that they never claim more than the model knows.

A probability of 0.9996 is not certainty and must not read "100%"; 8.4e-5 is not impossible
and must not read "0%". ``percent`` keeps "0%" and "100%" for exact 0 and 1 only.

CSS classes: ``badge`` and one of ``badge--adopted``, ``badge--vetoed``, ``badge--failed``
(from ``outcome_badge``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

NO_VALUE = "—"

_OUTCOMES = {
    "adopted": "Adopted",
    "vetoed": "Vetoed",
    "failed": "Failed",
}


def percent(p: float | None) -> str:
    """A probability as a percentage: "under 0.1%", "0.8%", "2.2%", "45%", "over 99.9%".

    One decimal below 10% (where a whole number would hide the difference between 0.6% and
    1.4%), whole numbers above. Rounding never lands on "0%" or "100%" unless the value is
    exactly 0 or 1. ``None`` (no estimate) is a dash. A value outside [0, 1] is a bug upstream
    and raises ``ValueError`` instead of being shown."""
    if p is None:
        return NO_VALUE
    if math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"a probability must lie in [0, 1]: {p!r}")
    if p == 0:
        return "0%"
    if p == 1:
        return "100%"
    if p < 0.001:
        return "under 0.1%"
    if p > 0.999:
        return "over 99.9%"
    # Decimal from repr(): 0.285 rounds to 29%, as the analyst who typed it expects.
    hundred = Decimal(repr(p)) * 100
    whole = hundred.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if hundred < 10 or whole == 100:
        # Below 10%, or so close to 100% that a whole number would claim certainty.
        one_decimal = hundred.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if one_decimal < 10 or whole == 100:
            return f"{one_decimal}%"
    return f"{whole}%"


def outcome_badge(outcome: str) -> tuple[str, str]:
    """The label and CSS classes of a badge for a vote's outcome (adopted, vetoed, failed).

    An unknown outcome raises ``ValueError``: a badge that silently read "Unknown" would hide a
    new outcome the UI has not been taught to show."""
    try:
        label = _OUTCOMES[outcome]
    except KeyError:
        raise ValueError(
            f"unknown outcome {outcome!r}; expected one of {', '.join(_OUTCOMES)}"
        ) from None
    return label, f"badge badge--{outcome}"
