"""Every subcommand of `cleaner`, given what a user might mistype: one line on stderr, a
non-zero exit, never a traceback. In process (each case is ~ms); the worker's exec is never
reached, since each case fails before it. A few cases run as real subprocesses too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.cli import main

BAD_URL = {"CLEANER_REDIS_URL": "http://foo"}
NO_SERVER = {"CLEANER_REDIS_URL": "redis://127.0.0.1:1/0"}  # port 1: refused at once

CASES: list[tuple[list[str], dict[str, str]]] = [
    (["--bogus"], {}),
    (["nope"], {}),
    # clean
    (["clean"], {}),
    (["clean", "{tmp}/nope.html"], {}),
    (["clean", "{page}", "--max-bytes", "0"], {}),
    (["clean", "{page}", "--max-bytes", "-5"], {}),
    (["clean", "{page}", "--max-bytes", "ten"], {}),
    (["clean", "{page}", "--format", "xml"], {}),
    (["clean", "{page}", "--parallel", "0"], {}),
    (["clean", "{page}", "--mode", "pdf"], {}),
    (["clean", "{tmp}", "--url", "https://x.test/"], {}),
    (["clean", "{page}", "{page}", "--url", "https://x.test/"], {}),
    (["clean", "-", "-"], {}),
    (["clean", "{page}", "-o", "{page}"], {}),  # a file where the output folder should be
    (["clean", "{broken_warc}"], {}),
    # bench, schema
    (["bench"], {}),
    (["bench", "{tmp}/nope", "--out", "{tmp}/p.jsonl"], {}),
    (["bench", "{tmp}", "--out", "{tmp}/p.jsonl", "--limit", "x"], {}),
    (["schema", "extra"], {}),
    # run
    (["run"], {}),
    (["run", "{tmp}/nope"], {}),
    (["run", "{page}", "--concurrency", "0"], {}),
    (["run", "{page}", "--timeout", "soon"], {}),
    (["run", "{page}"], BAD_URL),
    (["run", "{page}"], {"CLEANER_CONCURRENCY": "many"}),
    (["run", "{page}"], {"CLEANER_SOFT_TIME_LIMIT": "100"}),  # above the hard limit
    # enqueue
    (["enqueue", "{page}"], {}),
    (["enqueue", "{page}"], BAD_URL),
    (["enqueue"], NO_SERVER),
    (["enqueue", "{page}", "--jsonl", "{page}"], NO_SERVER),
    (["enqueue", "{tmp}/nope"], NO_SERVER),
    (["enqueue", "{page}", "--max-bytes", "0"], NO_SERVER),
    (["enqueue", "{page}"], NO_SERVER),
    # results
    (["results"], {}),
    (["results", "bogus"], {}),
    (["results", "stats"], {}),  # no URL, no embedded data
    (["results", "stats"], BAD_URL),
    (["results", "stats"], NO_SERVER),
    (["results", "stats"], {"CLEANER_REDIS_URL": "redis://host:abc/0"}),
    (["results", "stats"], {"CLEANER_REDIS_URL": "redis://:secret@host:99999/0"}),
    (["results", "stats"], {"CLEANER_REDIS_URL": "rediss://h:1/0?ssl_cert_reqs=maybe"}),
    (["results", "tail", "-n", "0"], NO_SERVER),
    (["results", "tail"], NO_SERVER),
    (["results", "get"], NO_SERVER),
    (["results", "get", "a", "--url", "https://x.test/"], NO_SERVER),
    (["results", "get", "a"], NO_SERVER),
    (["results", "get", "--url", "https://x.test/"], NO_SERVER),
    (["results", "failed", "-n", "x"], NO_SERVER),
    (["results", "duplicates"], NO_SERVER),
    (["results", "duplicates", "-n", "0"], NO_SERVER),
    (["results", "retry-failed", "--reason", "bogus"], NO_SERVER),
    (["results", "retry-failed"], {}),
    (["results", "retry-failed"], NO_SERVER),
    # worker, redis-cli
    (["worker"], {}),
    (["worker", "-n", "w1@%h"], BAD_URL),
    (["worker", "--concurrency", "1"], {"CLEANER_TIME_LIMIT": "1000"}),
    (["redis-cli", "PING"], BAD_URL),
    (["redis-cli", "PING"], {}),  # no URL, no embedded data
]


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A user's environment with no CLEANER_* setting, and paths the cases name."""
    for name in [n for n in os.environ if n.startswith("CLEANER_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CLEANER_EMBEDDED_DIR", str(tmp_path / "no-embedded-data"))
    page = tmp_path / "page.html"
    page.write_text("<p>A page.</p>")
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"\x1f\x8b not gzip at all")
    return {"tmp": str(tmp_path), "page": str(page), "broken_warc": str(broken)}


@pytest.mark.parametrize(("argv", "env"), CASES, ids=[" ".join(a) + (" " + " ".join(e) if e
                                                                        else "") for a, e in CASES])
def test_a_bad_command_line_is_one_line_and_a_non_zero_exit(
    argv: list[str], env: dict[str, str], places: dict[str, str],
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        code = main([arg.format(**places) for arg in argv])
    except SystemExit as exited:  # argparse
        code = exited.code
    err = capsys.readouterr().err
    assert code not in (0, None), err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert "secret" not in err  # a password never reaches the terminal


@pytest.mark.integration  # real processes
@pytest.mark.parametrize("argv", [["worker", "-n", "w1@%h", "--concurrency", "1", "-E"],
                                  ["results", "stats"], ["enqueue", "-"]])
def test_a_bad_redis_url_is_one_line_from_a_real_process(argv: list[str]) -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CLEANER_")},
           "CLEANER_REDIS_URL": "http://foo"}
    done = subprocess.run([sys.executable, "-m", "cleaner", *argv], env=env, input=b"",
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        "cleaner: CLEANER_REDIS_URL must start with redis://, rediss:// or unix://, "
        "got 'http://foo'"]


def test_enqueue_reports_each_page_the_job_schema_refuses_and_goes_on(
    places: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CLEANER_REDIS_URL", NO_SERVER["CLEANER_REDIS_URL"])
    lines = [{"id": "a b", "html": "<p>x</p>"}, {"html": "<p>y</p>", "url": "u" * 9000},
             {"html": "<p>y</p>", "fetched_at": "yesterday"}, "not json"]
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text("\n".join(json.dumps(line) if isinstance(line, dict) else line
                               for line in lines) + "\n")
    assert main(["enqueue", str(jsonl)]) == 1  # nothing reached Redis: nothing to send
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": not sent: ")[1].split(":")[0] for line in err[:4]] == [
        "id", "url", "fetched_at", "Expecting value"]
    assert err[4].startswith("cleaner: 0 jobs submitted") and "4 inputs not sent" in err[4]
