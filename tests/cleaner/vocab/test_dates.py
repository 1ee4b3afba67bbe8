from __future__ import annotations

import datetime as dt

import pytest

from cleaner.vocab.dates import find_dates, strip_dates


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Mar 06, 2025, at 06:04 pm", "2025-03-06"),
        ("Monday, November 25, 2024", "2024-11-25"),
        ("9 mars 2025", "2025-03-09"),
        ("9. März 2025", "2025-03-09"),
        ("9 de marzo de 2025", "2025-03-09"),
        ("date 2025-03-06", "2025-03-06"),
        ("25/11/2024", "2024-11-25"),  # day first when the first number cannot be a month
        ("13.05.2023", "2023-05-13"),
        ("Nov. 25, 2024", "2024-11-25"),
    ],
)
def test_reads_dates_in_many_forms(text: str, iso: str) -> None:
    assert [f.iso for f in find_dates(text)] == [iso]


def test_ignores_impossible_and_out_of_range_dates() -> None:
    assert find_dates("February 30, 2024") == []
    assert find_dates("March 3, 1850") == []  # history in the text, not a publication date


def test_reports_where_the_date_sits() -> None:
    (found,) = find_dates("Viet Dung March 9, 2025 07:13")
    assert found.date == dt.date(2025, 3, 9)
    assert "Viet Dung March 9, 2025 07:13"[found.start : found.end] == "March 9, 2025"


def test_strip_dates_leaves_the_byline_name() -> None:
    assert strip_dates("Viet Dung March 9, 2025 07:13") == "Viet Dung"


@pytest.mark.parametrize(("text", "iso"), [
    ("发表时间：2022年2月6日 13:48", "2022-02-06"),
    ("2022年02月06日", "2022-02-06"),
    ("2022년 2월 6일", "2022-02-06"),
    ("2022.02.06", "2022-02-06"),
    ("6 февраля 2022 года", "2022-02-06"),
    ("15 مارس 2023", "2023-03-15"),
])
def test_reads_dates_in_other_scripts(text: str, iso: str) -> None:
    assert [found.iso for found in find_dates(text)] == [iso]
