"""The benchmark contract: dataset layouts, page ids, the predictions score.py reads."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from cleaner import CleanOptions, Rejected, RejectReason, clean
from cleaner.bench import (
    BenchReport,
    Page,
    dataset_files,
    page_id,
    prediction,
    read_page,
    run_bench,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("0001.html.gz", "0001"), ("a.b.htm", "a.b"), ("seed.txt", "seed"), ("x.json", "x")],
)
def test_page_id_strips_the_page_suffix(name: str, expected: str) -> None:
    assert page_id(Path(name)) == expected


def test_html_layout_wins_and_is_sorted(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    for name in ("2.html.gz", "1.html.gz"):
        (tmp_path / "html" / name).write_bytes(gzip.compress(b"<p>x</p>"))
    (tmp_path / "loose.txt").write_text("x")
    assert [p.name for p in dataset_files(tmp_path)] == ["1.html.gz", "2.html.gz"]


def test_text_layout(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "a.txt").write_text("x")
    assert [p.name for p in dataset_files(tmp_path)] == ["a.txt"]


def test_loose_page_files_skip_other_files(tmp_path: Path) -> None:
    for name in ("b.html", "a.txt", "notes.md", "truth.json"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in dataset_files(tmp_path)] == ["a.txt", "b.html"]


def test_read_page_gunzips(tmp_path: Path) -> None:
    path = tmp_path / "p.html.gz"
    path.write_bytes(gzip.compress(b"<p>hi</p>"))
    assert read_page(path) == Page(id="p", raw=b"<p>hi</p>")


def test_prediction_of_a_document(article_html: bytes) -> None:
    record = prediction("p1", clean(article_html))
    assert record["id"] == "p1"
    assert record["status"] == "cleaned"
    assert "flood wall" in record["text"]
    assert set(record) == {"id", "text", "title", "author", "date", "language", "status"}


def test_prediction_of_a_rejection_keeps_the_title_and_reason() -> None:
    rejected = Rejected(reason=RejectReason.NO_ARTICLE, detail="0 words", title="Menu")
    record = prediction("p2", rejected)
    assert (record["text"], record["title"], record["reason"]) == ("", "Menu", "no_article")


def test_run_bench_writes_one_line_per_page(article_html: bytes) -> None:
    out = io.StringIO()
    report = run_bench([Page("a", article_html), Page("b", b"")], out, CleanOptions())
    assert (report.pages, report.rejected) == (2, 1)
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == ["a", "b"]


def test_report_summary_and_zero_time() -> None:
    assert BenchReport(pages=10, seconds=2.0, rejected=1).pages_per_second == 5.0
    assert BenchReport(pages=0, seconds=0.0, rejected=0).pages_per_second == 0.0
    assert "5.0 pages/s" in BenchReport(pages=10, seconds=2.0, rejected=1).summary()
