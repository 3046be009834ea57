"""The one place where the codes and labels that source files use are mapped to seats.

Files name members in their own ways: the UN Digital Library writes ``SUN`` for the USSR and
labels the Democratic Republic of the Congo ``ZAIRE`` in the 1980s; the Dag Hammarskjöld
Library's tables print "USSR", "USA" or "United States" for a vetoing member. Each of them
means a seat (a :class:`~members.models.Member`), whatever the name of the day.
"""

from __future__ import annotations

import unicodedata

from members.models import Member

LABELS = {
    # Abbreviations the DHL meetings tables print in their "vetoed by" column.
    "USSR": "RUS",
    "USA": "USA",
    "UK": "GBR",
}
"""Short labels of the sources that are neither a member's code nor one of its names."""


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(folded.replace("’", "'").upper().split())


class SeatDirectory:
    """Every member with its codes and names in memory (two queries), to map file codes and
    labels to seats for many rows without a query per row."""

    def __init__(self) -> None:
        members = list(Member.objects.with_names())
        self.by_code: dict[str, Member] = {m.code: m for m in members}
        self._aliases: dict[str, Member] = {}
        self._labels: dict[str, Member] = {}
        for member in members:
            self._labels[_key(member.name)] = member
            for name in member.names.all():
                self._labels[_key(name.name)] = member
                if name.code and name.code != member.code:
                    self._aliases[name.code] = member
        for label, code in LABELS.items():
            if code in self.by_code:
                self._labels[_key(label)] = self.by_code[code]

    def by_file_code(self, code: str) -> Member | None:
        """The seat a file's code means: the member's own code, or a code of the time."""
        text = (code or "").strip().upper()
        return self.by_code.get(text) or self._aliases.get(text)

    def by_label(self, label: str) -> Member | None:
        """The seat a file's label means: a name (of today or of the time) or an abbreviation
        the sources use ("USSR", "UK"). Case and accents do not matter."""
        return self._labels.get(_key(label or ""))

    def resolve(self, code: str, label: str = "") -> Member | None:
        return self.by_file_code(code) or (self.by_label(label) if label else None)
