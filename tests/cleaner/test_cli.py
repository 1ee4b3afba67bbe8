"""The `cleaner` command: `clean` on files, folders, stdin, WARC and JSONL in each format,
`-o DIR` with `--parallel`, a closed pipe, `bench`, and one-line errors. The acceptance
runs (`crawl.warc.gz -o out/ --parallel 2`, `| head -1`) are real subprocesses."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, main
from cleaner.outputs import PAGE_BREAK

CLI_TIMEOUT = 120
REPO = Path(__file__).resolve().parents[2]
CRAWL = REPO / "fixtures" / "warc" / "crawl.warc.gz"
CRAWL_URLS = [
    "https://www.sciencealert.com/nasa-finds-water-plumes-above-the-surface-of-jupiter-s-icy-moon-europa",
    "https://www.aljazeera.com/ajimpact/nasas-commercial-moon-shot-musk-bezos-firms-bid-191119041538885.html",
    "https://www.polygraph.info/a/fact-check-russia-us-al-tanf-rukban/30279001.html",
]


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


def test_clean_reads_folders_files_and_stdin_in_every_format(
    pages: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = (pages / "folder" / "flood-dump.txt").read_bytes()
    args = [str(pages / "folder"), str(pages / "menu.txt"), "-"]
    statuses = ["cleaned", "cleaned", "rejected", "cleaned"]
    outputs = {}
    for fmt in ("jsonl", "json", "text", "markdown"):
        monkeypatch.setattr(sys, "stdin", _Stdin(stdin))
        assert main(["clean", *args, "--format", fmt]) == EXIT_REJECTED  # menu: no article
        outputs[fmt] = capsys.readouterr()
    records = [json.loads(line) for line in outputs["jsonl"].out.splitlines()]
    assert [r["id"] for r in records] == ["flood-dump", "flood", "menu", "-"]
    assert [r["status"] for r in records] == statuses
    assert [r["status"] for r in json.loads(outputs["json"].out)] == statuses
    for fmt in ("text", "markdown"):
        bodies = outputs[fmt].out.split(PAGE_BREAK + "\n")
        assert len(bodies) == 3 and all("Volunteers filled sandbags" in b for b in bodies)
        assert "menu: rejected (no_article)" in outputs[fmt].err
    summary = outputs["jsonl"].err.strip().splitlines()[-1]
    assert summary.startswith("cleaner: 4 pages in ")
    assert summary.endswith("3 cleaned, 1 rejected (no_article 1)")


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_output_keeps_one_shape_whatever_the_number_of_pages(
    pages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["clean", str(empty), "--format", "json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == []
    one = pages / "folder" / "flood.html"
    assert main(["clean", str(one), "--format", "json"]) == EXIT_OK
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["flood"]
    assert main(["clean", str(one)]) == EXIT_OK  # jsonl, the default: one line per page
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_text_output_can_carry_a_metadata_header(
    pages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = pages / "folder" / "flood.html"
    assert main(["clean", str(file), "--format", "text", "--metadata",
                 "--url", "https://x.test/flood"]) == EXIT_OK
    out = capsys.readouterr().out
    header, body = out.split("---\n\n", 1)
    assert header.startswith("---\nid: flood\nurl: https://x.test/flood\n")
    assert "title: River floods the lower town" in header
    assert "Volunteers filled sandbags" in body


def test_folders_are_read_recursively_with_every_suffix_and_unique_names(
    tmp_path: Path, article_html: bytes, article_text: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "crawl"
    (root / "deep" / "er").mkdir(parents=True)
    (root / "a.html").write_bytes(article_html)
    (root / "a.txt").write_bytes(article_text)  # same stem as a.html
    (root / "deep" / "er" / "b.md").write_bytes(b"# River floods\n\n" + article_text)
    (root / "deep" / "c.html.gz").write_bytes(gzip.compress(article_html))
    (root / "logo.png").write_bytes(b"\x89PNG")
    (root / ".hidden.html").write_bytes(article_html)
    assert main(["clean", str(root)]) == EXIT_OK
    captured = capsys.readouterr()
    names = [json.loads(line)["id"] for line in captured.out.splitlines()]
    assert names == ["a", "a-2", "deep/c", "deep/er/b"]
    assert "skipped 1 files (.png 1)" in captured.err


def test_jsonl_input_maps_fields_and_reports_a_bad_line(
    tmp_path: Path, article_html: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"url": "https://x.test/a", "html": article_html.decode(), "date": "2025-01-02",
                    "crawl": 7}),
        "not json",
        json.dumps({"id": "page-b", "content": article_html.decode(), "meta": {"k": 1}}),
    ]
    jsonl = tmp_path / "pages.jsonl"
    jsonl.write_text("\n".join(lines) + "\n")
    assert main(["clean", str(jsonl)]) == EXIT_REJECTED  # the bad line
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in records] == ["pages/00001", "pages/00002", "page-b"]
    assert (records[0]["url"], records[0]["fetched_at"]) == ("https://x.test/a", "2025-01-02")
    assert records[1]["status"] == "unreadable" and "Expecting value" in records[1]["detail"]
    assert records[2]["status"] == "cleaned"


@pytest.mark.integration  # a real process
def test_warc_with_output_dir_and_parallel_writes_one_document_per_response(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    done = run_cli("clean", str(CRAWL), "-o", str(out), "--parallel", "2")
    assert done.returncode == EXIT_OK, done.stderr
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    assert [m["url"] for m in manifest] == CRAWL_URLS  # the request records are not pages
    for entry in manifest:
        document = json.loads((out / entry["output"]).read_text())
        assert (document["status"], document["url"]) == ("cleaned", entry["url"])
        assert document["fetched_at"].startswith("2019-11-20T08:0")
    assert sorted(p.name for p in (out / "crawl").iterdir()) == [
        "00001.json", "00002.json", "00003.json"]
    assert done.stderr.decode().strip().endswith(
        "3 cleaned, 0 rejected; written to " + f"{out}/ (manifest.jsonl)")


@pytest.mark.integration  # a real process
def test_a_closed_pipe_ends_the_run_quietly(tmp_path: Path) -> None:
    pages = REPO / "fixtures" / "pages"
    shell = f"{sys.executable} -m cleaner clean {pages} --format text | head -1; " \
            "exit ${PIPESTATUS[0]}"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, timeout=CLI_TIMEOUT,
                          check=False)
    assert done.stdout.decode().count("\n") == 1
    assert b"Traceback" not in done.stderr and b"pipe" not in done.stderr.lower()
    assert b" pages in " not in done.stderr  # stopped: no summary of a run that did not end
    assert done.returncode in (0, 141)  # 141: stopped by the closed pipe


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("cleaner ")


def test_bench_writes_predictions_and_prints_speed(pages: Path) -> None:
    out = pages / "pred.jsonl"
    assert main(["bench", str(pages / "folder"), "--out", str(out)]) == EXIT_OK
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["id"] for r in records} == {"flood", "flood-dump"}
    assert {"id", "text", "title", "author", "date", "language"} <= set(records[0])


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


@pytest.mark.parametrize(("argv", "message"), [
    (["clean", "{tmp}/nope.html"], "cleaner: no such file or folder: {tmp}/nope.html"),
    (["clean", "{tmp}", "--url", "https://x.test/"], "cleaner: --url names one page"),
    (["clean", "-", "-"], "cleaner: stdin (-) can be read once"),
    (["bench", "{tmp}/nope", "--out", "{tmp}/p.jsonl"], "cleaner: not a dataset folder"),
])
def test_usage_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main([arg.format(tmp=tmp_path) for arg in argv]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(message.format(tmp=tmp_path))


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["title"] == "CleanResult"


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == EXIT_USAGE
    assert "clean" in capsys.readouterr().out
