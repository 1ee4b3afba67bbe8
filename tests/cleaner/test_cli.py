"""The `cleaner` command: `python -m cleaner clean` on a file, a folder and stdin in each
format, and `python -m cleaner bench` on a tiny folder, as real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, main

CLI_TIMEOUT = 120


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        input=stdin, capture_output=True, timeout=CLI_TIMEOUT, check=False,
    )  # fmt: skip


@pytest.fixture
def pages(tmp_path: Path, article_html: bytes, article_text: bytes) -> Path:
    """A folder of two pages (one HTML, one text dump) and a menu-only page beside it."""
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "flood.html").write_bytes(article_html)
    (folder / "flood-dump.txt").write_bytes(article_text)
    (tmp_path / "menu.txt").write_text("Home\nNews\nContact\n")
    return tmp_path


@pytest.mark.parametrize("fmt", ["json", "jsonl", "text", "markdown"])
def test_clean_reads_folders_files_and_stdin_in_every_format(pages: Path, fmt: str) -> None:
    stdin = (pages / "folder" / "flood-dump.txt").read_bytes()
    done = run_cli("clean", str(pages / "folder"), str(pages / "menu.txt"), "-",
                   "--format", fmt, stdin=stdin)  # fmt: skip
    assert done.returncode == EXIT_REJECTED, done.stderr  # menu.txt has no article
    out = done.stdout.decode()
    statuses = ["cleaned", "cleaned", "rejected", "cleaned"]
    if fmt == "jsonl":
        records = [json.loads(line) for line in out.splitlines()]
        assert [r["id"] for r in records] == ["flood-dump", "flood", "menu", "-"]
        assert [r["status"] for r in records] == statuses
    elif fmt == "json":  # several pages: one JSON array
        assert [r["status"] for r in json.loads(out)] == statuses
    else:
        assert out.count("Volunteers filled sandbags") >= 3  # three cleaned pages
        assert "menu: rejected (no_article)" in done.stderr.decode()


def test_bench_writes_predictions_and_prints_speed(pages: Path) -> None:
    out = pages / "pred.jsonl"
    done = run_cli("bench", str(pages / "folder"), "--out", str(out))
    assert done.returncode == EXIT_OK, done.stderr
    assert "pages/s" in done.stdout.decode()
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["id"] for r in records} == {"flood", "flood-dump"}
    assert {"id", "text", "title", "author", "date", "language"} <= set(records[0])


def test_single_page_defaults_to_pretty_json(
    pages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = pages / "folder" / "flood.html"
    assert main(["clean", str(file), "--url", "https://x.test/flood"]) == EXIT_OK
    record = json.loads(capsys.readouterr().out)
    assert (record["id"], record["mode"]) == ("flood", "html")
    assert record["url"] == "https://x.test/flood"
    assert "removed" in record


def test_no_removed_and_mode_flags_reach_the_options(
    pages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = pages / "folder" / "flood-dump.txt"
    assert main(["clean", str(file), "--no-removed", "--mode", "text"]) == EXIT_OK
    record = json.loads(capsys.readouterr().out)
    assert "removed" not in record
    assert record["mode"] == "text"


def test_max_bytes_flag_rejects_large_pages(
    pages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clean", str(pages / "menu.txt"), "--max-bytes", "5"]) == EXIT_REJECTED
    assert json.loads(capsys.readouterr().out)["reason"] == "too_large"


def test_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(tmp_path / "nope.html")]) == EXIT_USAGE
    assert "no such file" in capsys.readouterr().err


def test_bench_needs_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", str(tmp_path / "nope"), "--out", str(tmp_path / "p.jsonl")]) == EXIT_USAGE
    assert "not a dataset folder" in capsys.readouterr().err


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["title"] == "CleanResult"


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == EXIT_USAGE
    assert "clean" in capsys.readouterr().out
