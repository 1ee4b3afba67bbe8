from __future__ import annotations

from cleaner.models import BlockKind
from cleaner.text.segment import segment


def test_one_line_per_non_empty_line_with_its_blank_neighbours() -> None:
    lines = segment("Home\nNews\n\nA paragraph of text.\n\nAnother one.")
    assert [line.text for line in lines] == ["Home", "News", "A paragraph of text.",
                                             "Another one."]
    assert [(line.blank_before, line.blank_after) for line in lines] == [
        (True, False), (False, True), (True, True), (True, True)]


def test_detectors_run_on_every_line() -> None:
    lines = segment("Follow us:\n2 min read\nThe minister spoke for an hour on Monday.")
    assert [line.detected for line in lines] == [BlockKind.SOCIAL, BlockKind.READING_TIME, None]


def test_a_date_glued_before_the_first_paragraph_is_split_off() -> None:
    lines = segment(" date 2025-03-06 Ukraine said on Wednesday it planned to hold new talks.")
    assert [(line.text, line.detected) for line in lines] == [
        ("date 2025-03-06", BlockKind.DATE_PREFIX),
        ("Ukraine said on Wednesday it planned to hold new talks.", None),
    ]


def test_a_date_inside_a_sentence_is_not_a_prefix() -> None:
    text = "March 3, 2025 was the day the river finally burst its banks."
    assert [line.text for line in segment(text)] == [text]


def test_an_empty_dump_has_no_lines() -> None:
    assert segment("\n \n\t\n") == ()


def test_each_line_carries_its_word_count() -> None:
    dump = "Home\n date 2025-03-06 Ukraine said on Wednesday it planned talks.\n  a  b\tc "
    lines = segment(dump)
    assert [line.words for line in lines] == [len(line.text.split()) for line in lines]
    assert [line.words for line in lines] == [1, 2, 7, 3]
