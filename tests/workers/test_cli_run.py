"""`cleaner run seeds/` on a fresh machine: no config, nothing but pip-installed packages."""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workers.conftest import SEEDS
from workers.messages import CleanedMessage
from workers.runner import RunReport, display_width, print_report

pytestmark = pytest.mark.integration

CLEANER = [sys.executable, "-m", "cleaner"]


def _fresh_env() -> dict[str, str]:
    """The environment of a user who configured nothing."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CLEANER_")}


def _cleaner(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLEANER, *args], cwd=cwd, env=_fresh_env(), capture_output=True,
                          text=True, timeout=180, check=False)


def test_run_cleans_the_five_seeds_and_results_stay_readable(tmp_path: Path) -> None:
    run = _cleaner("run", str(SEEDS), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    seeds = sorted(p.name.removesuffix(".txt") for p in SEEDS.glob("*.txt"))
    rows = [line for line in run.stdout.splitlines() if line.split()[:1] and
            line.split()[0] in seeds]
    assert len(rows) == 5
    assert all(row.split()[1] == "cleaned" for row in rows), run.stdout
    assert "5 pages: 5 cleaned, 0 failed, 0 unfinished" in run.stdout
    assert "cleaner results get " in run.stdout

    # the commands `run` suggests work as printed, with no venv activated (PATH without it)
    suggested = run.stdout.split("Inspect the results:\n")[1].split("\n\n")[0].splitlines()
    commands = [line.strip() for line in suggested if not line.strip().startswith("(")]
    assert len(commands) == 4
    for command in commands:
        done = subprocess.run(shlex.split(command), cwd=tmp_path, capture_output=True,
                              text=True, timeout=60, check=False,
                              env={**_fresh_env(), "PATH": "/usr/bin:/bin"})
        assert done.returncode == 0, (command, done.stderr)

    # after `run` has exited, its results are still there (the server restarts on its data)
    stats = _cleaner("results", "stats", cwd=tmp_path)
    assert "cleaned     5" in stats.stdout, stats.stderr
    job_id = run.stdout.split("cleaner results get ")[1].split()[0]
    got = _cleaner("results", "get", job_id, cwd=tmp_path)
    assert json.loads(got.stdout)["status"] == "cleaned"
    assert not (tmp_path / ".redis-cleaner" / "server.json").exists()  # nothing left running


def test_the_run_table_aligns_wide_titles() -> None:
    japanese = {"title": "東京都の新しい条例について", "language": "ja", "word_count": 12}
    english = {"title": "River floods", "language": "en", "word_count": 7}
    outcomes = {"a": CleanedMessage(id="a", document=japanese),
                "b": CleanedMessage(id="b", document=english)}
    report = RunReport(names=["ja-page", "en-page"], ids=["a", "b"], outcomes=outcomes,
                       seconds=1.0, url="redis://x", embedded=None)
    out = io.StringIO()
    print_report(report, out)
    header, ja, en = out.getvalue().splitlines()[:3]
    starts = [display_width(line[:line.index(f" {lang} ")])
              for line, lang in ((header, "lang"), (ja, "ja"), (en, "en"))]
    assert starts[0] == starts[1] == starts[2]  # the language column starts at one place
