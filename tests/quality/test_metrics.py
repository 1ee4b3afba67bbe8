"""The gate's metrics on hand-computed cases, and the baseline ratchet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.evaluate import load_truth
from tests.quality.eval_gate import bound, ratchet, shortfalls
from tests.quality.metrics import (
    Truth,
    author_match,
    date_match,
    score_page,
    shingle_shares,
    snippet_rate,
    summarize,
    title_match,
    word_prf,
)


def test_word_prf_counts_repeated_words() -> None:
    precision, recall, f1 = word_prf("a b c d", "A b b x")
    assert (precision, recall) == (0.5, 0.5)
    assert f1 == 0.5


@pytest.mark.parametrize(
    ("true", "pred", "expected"),
    [("", "", (1.0, 1.0, 1.0)), ("", "x", (0.0, 0.0, 0.0)), ("x", "", (0.0, 0.0, 0.0))],
)
def test_word_prf_edge_cases(true: str, pred: str, expected: tuple[float, ...]) -> None:
    assert word_prf(true, pred) == expected


def test_shingle_shares_sum_to_one() -> None:
    shares = shingle_shares("one two three four five", "one two three four six")
    assert shares == pytest.approx((1 / 3, 1 / 3, 1 / 3))


def test_short_texts_make_one_shingle() -> None:
    assert shingle_shares("two words", "two words") == (1.0, 0.0, 0.0)


def test_snippet_rate_is_case_insensitive_and_none_without_snippets() -> None:
    assert snippet_rate("Hello World", ["hello", "moon"]) == 0.5
    assert snippet_rate("Hello", []) is None


def test_metadata_matchers_follow_score_py() -> None:
    assert title_match("Big News", "Big news!")
    assert title_match("The big news of the day", "The big news of the day | Site")
    assert not title_match("Big", "Big news of the day from our site")
    assert author_match("Ann Lee and Bo Chan", ["Bo Chan", "Ann Lee"])
    assert not author_match("Ann Lee", None)
    assert date_match("2025-03-06", "2025-03-06T10:00:00+01:00")


def test_summary_averages_pages_and_skips_missing_truth() -> None:
    pages = [
        score_page(Truth(body="a b c d", title="T"), {"text": "a b c d", "title": "T"}),
        score_page(Truth(body="a b c d"), {"text": ""}),
    ]
    summary = summarize(pages)
    assert summary["word_f1"] == 0.5
    assert summary["title"] == 1.0
    assert summary["author"] is None


def test_bounds_leave_slack_and_round_in_the_safe_direction() -> None:
    assert bound("word_f1", 0.94789) == 0.937
    assert bound("without", 0.1051) == 0.116
    assert bound("word_f1/forum", 0.5) == 0.44
    assert (bound("title", 0.0), bound("without", 1.0)) == (0.0, 1.0)


def test_ratchet_never_loosens_a_bound() -> None:
    old = {"word_f1": 0.9, "without": 0.1}
    assert ratchet(old, {"word_f1": 0.8, "without": 0.3}) == old
    assert ratchet(old, {"word_f1": 0.96, "without": 0.04}) == {"word_f1": 0.95, "without": 0.05}


def test_shortfalls_name_each_broken_bound() -> None:
    measured = {"word_f1": 0.5, "without": 0.5}
    problems = shortfalls(measured, {"word_f1": 0.6, "without": 0.4, "gone": 1.0})
    assert len(problems) == 3


def test_truth_keeps_pages_without_a_body_as_score_py_does(tmp_path: Path) -> None:
    (tmp_path / "ground-truth").mkdir()
    for pid, body in (("a", "Body text."), ("b", "")):
        (tmp_path / "ground-truth" / f"{pid}.json").write_text(
            json.dumps({"ground_truth": {"main_content": body}}))
    assert load_truth(tmp_path) == {"a": "Body text.", "b": ""}
    assert word_prf("", "")[2] == 1.0  # nothing to find, nothing found: right
