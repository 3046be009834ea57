"""A priori voting power of each member: Shapley–Shubik and Banzhaf indices, exact.

The rule is read as a simple game: a coalition (the members voting yes) wins when it has at
least ``quota`` members and, when the rule has a veto, contains every permanent member. Only
the *numbers* of permanent and elected members in a coalition decide whether it wins, so the
indices are computed by counting coalitions by (permanent, elected) composition with binomial
coefficients: O(p * e) work per kind of member, with no enumeration of orderings or subsets.
A Council of 30 or 300 members takes no longer than a moment; results are exact Fractions.

Abstention is not modelled here: in the simple game a member either joins the yes coalition
or does not. That is the classical reading of the Council's voting rule, and the one the
published values (e.g. Shapley–Shubik 421/2145 for a permanent member of the 15-member Council)
are computed under.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import comb, factorial

from .rule import JSONValue, Rule


@dataclass(frozen=True)
class PowerIndex:
    """One member's a priori voting power under a rule."""

    member: str
    permanent: bool
    shapley_shubik: Fraction
    banzhaf_raw: Fraction
    banzhaf_normalised: Fraction

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form; Fractions as strings such as ``"421/2145"``."""
        return {
            "member": self.member,
            "permanent": self.permanent,
            "shapley_shubik": str(self.shapley_shubik),
            "banzhaf_raw": str(self.banzhaf_raw),
            "banzhaf_normalised": str(self.banzhaf_normalised),
        }


@dataclass(frozen=True)
class _KindPower:
    shapley_shubik: Fraction
    swings: int


def _kind_power(rule: Rule, *, permanent_player: bool) -> _KindPower:
    """Shapley–Shubik value and swing count of one player of the given kind.

    Counts the coalitions of the *other* players by composition (i permanent, j elected) that
    lose without the player and win with it.
    """
    n = len(rule.members)
    p_total = len(rule.permanent)
    e_total = n - p_total
    veto = rule.has_veto
    other_p = p_total - 1 if permanent_player else p_total
    other_e = e_total if permanent_player else e_total - 1

    def wins(i: int, j: int) -> bool:
        return i + j >= rule.quota and (not veto or i == p_total)

    n_factorial = factorial(n)
    shapley = Fraction(0)
    swings = 0
    for i in range(other_p + 1):
        for j in range(other_e + 1):
            joined = (i + 1, j) if permanent_player else (i, j + 1)
            if wins(*joined) and not wins(i, j):
                coalitions = comb(other_p, i) * comb(other_e, j)
                size = i + j
                swings += coalitions
                # Orderings in which the player arrives right after exactly such a coalition.
                shapley += Fraction(
                    coalitions * factorial(size) * factorial(n - 1 - size), n_factorial
                )
    return _KindPower(shapley, swings)


def power_indices(rule: Rule) -> tuple[PowerIndex, ...]:
    """Shapley–Shubik and Banzhaf indices of every member, in seating order.

    ``banzhaf_raw`` is the share of the coalitions of the other members in which the member is
    decisive (swing count / 2^(n-1)); ``banzhaf_normalised`` divides each member's swing count
    by the total over all members, so the normalised indices sum to 1, as Shapley–Shubik do.
    Works for any rule: any quota, any permanent set, substantive or procedural.
    """
    n = len(rule.members)
    kinds: dict[bool, _KindPower] = {}
    if rule.permanent:
        kinds[True] = _kind_power(rule, permanent_player=True)
    if len(rule.permanent) < n:
        kinds[False] = _kind_power(rule, permanent_player=False)
    total_swings = sum(
        kinds[code in rule.permanent].swings for code in rule.members
    )  # > 0: the grand coalition wins and the empty one loses (quota >= 1)
    coalitions_of_others = 2 ** (n - 1)
    return tuple(
        PowerIndex(
            member=code,
            permanent=code in rule.permanent,
            shapley_shubik=kinds[code in rule.permanent].shapley_shubik,
            banzhaf_raw=Fraction(kinds[code in rule.permanent].swings, coalitions_of_others),
            banzhaf_normalised=Fraction(kinds[code in rule.permanent].swings, total_swings),
        )
        for code in rule.members
    )
