"""A word-level diff of two versions of a draft's text, as escaped HTML.

Why not ``difflib.HtmlDiff``: it marks changes by colour alone, pads with ``&nbsp;`` and
embeds a ``<style>`` element that a strict CSP refuses. Here paragraphs (split on blank lines)
are aligned first, so an inserted paragraph shows as one insertion rather than as every later
paragraph changed; then the words of each pair of paragraphs are compared. Deletions and
insertions are ``<del>`` and ``<ins>`` with a visually hidden "deleted: "/"inserted: ", so a
screen reader and a greyscale print say what changed too.

Stable CSS classes: ``diff-para`` on every ``<p>``, with ``diff-para--changed``,
``diff-para--ins`` (a new paragraph) or ``diff-para--del`` (a removed one); ``diff-del`` and
``diff-ins`` on the marks; ``visually-hidden`` on the words for screen readers (the
stylesheet must hide them visually, not with ``display: none``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.safestring import SafeString, mark_safe

from web import element, text

# Han and kana carry no spaces between words, so each character is a token there; elsewhere
# a token is a word (with inner apostrophes and hyphens: "d’Ivoire", "non-proliferation") or
# one mark of punctuation.
_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\w+(?:['’-]\w+)*|[^\w\s]"
)
_WORD = re.compile(r"\w")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_SIMILAR = 0.5  # paragraphs at least this alike (see _similarity) show as one changed paragraph


@dataclass(frozen=True)
class Diff:
    """The diff as HTML (a ``<p>`` per paragraph) and the words it inserts and deletes."""

    html: SafeString
    inserted_words: int
    deleted_words: int


@dataclass(frozen=True)
class _Token:
    space: str  # the whitespace before the token, kept so the text reads as written
    word: str


@dataclass(frozen=True)
class _Paragraph:
    tokens: tuple[_Token, ...]

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(token.word for token in self.tokens)


def diff_texts(old: str, new: str) -> Diff:
    """The changes from ``old`` to ``new``; whitespace-only changes do not count."""
    before, after = _paragraphs(old), _paragraphs(new)
    matcher = SequenceMatcher(
        None, [p.words for p in before], [p.words for p in after], autojunk=False
    )
    html: list[str] = []
    inserted = deleted = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            html.extend(_paragraph("", _plain(p.tokens)) for p in after[j1:j2])
            continue
        for pair in _pair(before[i1:i2], after[j1:j2]):
            match pair:
                case (_Paragraph() as removed, None):
                    html.append(_paragraph("del", _mark("del", removed.tokens)))
                    deleted += _count_words(removed.tokens)
                case (None, _Paragraph() as added):
                    html.append(_paragraph("ins", _mark("ins", added.tokens)))
                    inserted += _count_words(added.tokens)
                case (_Paragraph() as was, _Paragraph() as now):
                    body, added_words, removed_words = _word_diff(was, now)
                    html.append(_paragraph("changed", body))
                    inserted += added_words
                    deleted += removed_words
    return Diff(mark_safe("".join(html)), inserted, deleted)  # every part is escaped


def _paragraphs(source: str) -> list[_Paragraph]:
    paragraphs = []
    for chunk in _BLANK_LINE.split(source.replace("\r\n", "\n")):
        tokens = _tokens(chunk.strip())
        if tokens:
            paragraphs.append(_Paragraph(tokens))
    return paragraphs


def _tokens(chunk: str) -> tuple[_Token, ...]:
    tokens = []
    end = 0
    for match in _TOKEN.finditer(chunk):
        tokens.append(_Token(chunk[end : match.start()], match.group()))
        end = match.end()
    return tuple(tokens)


def _pair(
    before: Sequence[_Paragraph], after: Sequence[_Paragraph]
) -> Iterator[tuple[_Paragraph | None, _Paragraph | None]]:
    """Pairs of an old and a new paragraph that are alike enough to show as one changed
    paragraph, in order; the rest come alone (deleted or inserted).

    Pairing blindly by position would set an inserted paragraph against the old paragraph
    that follows it and show both as rewritten."""
    start = 0
    for old in before:
        candidates = range(start, len(after))
        best = max(candidates, key=lambda k: _similarity(old, after[k]), default=None)
        if best is None or _similarity(old, after[best]) < _SIMILAR:
            yield old, None
            continue
        for k in range(start, best):
            yield None, after[k]
        yield old, after[best]
        start = best + 1
    for k in range(start, len(after)):
        yield None, after[k]


def _similarity(old: _Paragraph, new: _Paragraph) -> float:
    """The share of the shorter paragraph's tokens found in the longer one, in order.

    Not ``ratio()``: it counts the length of both, so a sentence that gains a long clause
    would read as a different paragraph and be shown deleted and inserted whole."""
    matcher = SequenceMatcher(None, old.words, new.words, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / min(len(old.words), len(new.words))


def _word_diff(old: _Paragraph, new: _Paragraph) -> tuple[str, int, int]:
    """The changed paragraph's HTML and the words it inserts and deletes."""
    matcher = SequenceMatcher(None, old.words, new.words, autojunk=False)
    parts: list[str] = []
    inserted = deleted = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        gone, came = old.tokens[i1:i2], new.tokens[j1:j2]
        if tag == "equal":
            # After a change at the start, the new text may have lost the space the old had.
            lead = came[0].space or gone[0].space
            parts.append(text(lead) + _plain(came))
            continue
        lead = (gone or came)[0].space
        parts.append(text(lead))
        if gone:
            parts.append(_mark("del", gone))
            deleted += _count_words(gone)
        if came:
            if gone:
                parts.append(text(_between(came[0])))
            parts.append(_mark("ins", came))
            inserted += _count_words(came)
    return "".join(parts), inserted, deleted


def _between(first_inserted: _Token) -> str:
    """The space between a deletion and the insertion replacing it: the new text's own, or one
    space before a word so "quick" struck and "slow" inserted do not run together."""
    if first_inserted.space:
        return first_inserted.space
    return " " if _WORD.match(first_inserted.word) else ""


def _plain(tokens: Sequence[_Token]) -> str:
    """Tokens as escaped text, without the space before the first: the caller places it."""
    if not tokens:
        return ""
    return text(tokens[0].word + "".join(token.space + token.word for token in tokens[1:]))


def _mark(kind: str, tokens: Sequence[_Token]) -> str:
    verb = "deleted" if kind == "del" else "inserted"
    hidden = element("span", {"class": "visually-hidden"}, text(f"{verb}: "))
    return element(kind, {"class": f"diff-{kind}"}, hidden + _plain(tokens))


def _paragraph(change: str, body: str) -> str:
    css_class = f"diff-para diff-para--{change}" if change else "diff-para"
    return element("p", {"class": css_class}, body)


def _count_words(tokens: Sequence[_Token]) -> int:
    return sum(1 for token in tokens if _WORD.match(token.word))
