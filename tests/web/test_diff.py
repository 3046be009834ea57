"""The word-level diff of two versions of a draft."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.web.svg import assert_csp_clean, parse, with_class
from web.diff import Diff, diff_texts

DEL = '<del class="diff-del"><span class="visually-hidden">deleted: </span>'
INS = '<ins class="diff-ins"><span class="visually-hidden">inserted: </span>'


def paragraphs(diff: Diff) -> list[ET.Element]:
    """The diff's paragraphs as elements (wrapped, since the HTML has several roots)."""
    return list(parse(f"<div>{diff.html}</div>"))


def test_identical_texts_have_no_marks() -> None:
    text = "The Security Council,\n\nRecalling its resolution 1718 (2006),\n\nDecides."
    diff = diff_texts(text, text)

    assert "<del" not in diff.html and "<ins" not in diff.html
    assert (diff.inserted_words, diff.deleted_words) == (0, 0)
    assert [p.text for p in paragraphs(diff)] == [
        "The Security Council,",
        "Recalling its resolution 1718 (2006),",
        "Decides.",
    ]
    assert {p.get("class") for p in paragraphs(diff)} == {"diff-para"}


def test_a_changed_word_is_a_deletion_then_an_insertion_with_hidden_words() -> None:
    diff = diff_texts("Decides that all States shall freeze", "Decides that all States may freeze")

    assert diff.html == (
        '<p class="diff-para diff-para--changed">Decides that all States '
        f"{DEL}shall</del> {INS}may</ins> freeze</p>"
    )
    assert (diff.inserted_words, diff.deleted_words) == (1, 1)


def test_words_and_punctuation_keep_their_spacing() -> None:
    diff = diff_texts("freeze funds, assets.", "freeze funds; assets and resources.")

    assert diff.html == (
        '<p class="diff-para diff-para--changed">freeze funds'
        f"{DEL},</del>{INS};</ins> assets {INS}and resources</ins>.</p>"
    )
    assert (diff.inserted_words, diff.deleted_words) == (2, 0)


def test_a_change_at_the_start_keeps_the_space_before_the_next_word() -> None:
    removed = diff_texts("Strongly condemns the test", "condemns the test")
    added = diff_texts("condemns the test", "Strongly condemns the test")

    assert str(removed.html).endswith("Strongly</del> condemns the test</p>")
    assert str(added.html).endswith("Strongly</ins> condemns the test</p>")


def test_an_inserted_paragraph_is_one_insertion_and_its_neighbours_stay_unchanged() -> None:
    old = "Recalling resolution 1718.\n\nDecides to freeze assets."
    new = (
        "Recalling resolution 1718.\n\n"
        "Noting with concern the launches.\n\n"
        "Decides to freeze assets."
    )
    diff = diff_texts(old, new)

    classes = [p.get("class") for p in paragraphs(diff)]
    assert classes == ["diff-para", "diff-para diff-para--ins", "diff-para"]
    assert f"{INS}Noting with concern the launches.</ins>" in diff.html
    assert (diff.inserted_words, diff.deleted_words) == (5, 0)


def test_a_deleted_paragraph_is_one_deletion() -> None:
    old = "Recalling resolution 1718.\n\nNoting the launches.\n\nDecides to freeze assets."
    new = "Recalling resolution 1718.\n\nDecides to freeze assets."
    diff = diff_texts(old, new)

    classes = [p.get("class") for p in paragraphs(diff)]
    assert classes == ["diff-para", "diff-para diff-para--del", "diff-para"]
    assert f"{DEL}Noting the launches.</del>" in diff.html
    assert (diff.inserted_words, diff.deleted_words) == (0, 3)


def test_an_inserted_paragraph_before_a_changed_one_pairs_the_changed_one_with_its_old_self() -> (
    None
):
    old = "Decides that all States shall freeze the funds."
    new = "Recalls its earlier decisions.\n\nDecides that all States shall freeze the assets."
    diff = diff_texts(old, new)

    first, second = paragraphs(diff)
    assert first.get("class") == "diff-para diff-para--ins"
    assert second.get("class") == "diff-para diff-para--changed"
    assert f"{DEL}funds</del> {INS}assets</ins>." in diff.html
    assert (diff.inserted_words, diff.deleted_words) == (5, 1)


def test_whitespace_and_line_breaks_alone_are_no_change() -> None:
    diff = diff_texts(
        "Decides  to\nfreeze.\n\n\n\nAnd more.", "Decides to freeze.\r\n\r\nAnd more."
    )

    assert "<del" not in diff.html and "<ins" not in diff.html
    assert len(paragraphs(diff)) == 2


def test_text_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    diff = diff_texts("Plain <b>bold</b> & text.", f"Plain {evil} & text.")
    inserted = diff_texts("Plain & text.", f"Plain {evil} & text.")

    for html in (diff.html, inserted.html):
        assert_csp_clean(html)
        assert "<b>" not in html
        assert "&amp; text." in html
    assert inserted.html == (
        '<p class="diff-para diff-para--changed">Plain '
        f"{INS}&lt;script&gt;alert(1)&lt;/script&gt;</ins> &amp; text.</p>"
    )
    (paragraph,) = paragraphs(diff)
    assert "".join(paragraph.itertext()).startswith("Plain <deleted: b inserted: script>")


def test_unicode_words_are_diffed_whole_and_chinese_by_character() -> None:
    diff = diff_texts(
        "Côte d’Ivoire et le Conseil 安理会决议", "Côte d’Ivoire et la Conseil 安理会新决议"
    )

    assert f"{DEL}le</del> {INS}la</ins>" in diff.html
    assert f"安理会{INS}新</ins>决议" in diff.html
    assert "Côte d’Ivoire" in diff.html
    assert (diff.inserted_words, diff.deleted_words) == (2, 1)


def test_empty_texts() -> None:
    assert diff_texts("", "").html == ""
    added = diff_texts("", "Decides.")
    assert with_class(parse(f"<div>{added.html}</div>"), "diff-ins")
    assert (added.inserted_words, added.deleted_words) == (1, 0)
    removed = diff_texts("Decides.", "   \n\n  ")
    assert with_class(parse(f"<div>{removed.html}</div>"), "diff-del")
    assert (removed.inserted_words, removed.deleted_words) == (0, 1)


def test_the_html_is_a_safe_string_so_templates_do_not_escape_it_again() -> None:
    assert hasattr(diff_texts("a", "b").html, "__html__")
