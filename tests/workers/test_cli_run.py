"""`cleaner run seeds/` on a fresh machine: no config, nothing but pip-installed packages."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workers.conftest import SEEDS

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

    # after `run` has exited, its results are still there (the server restarts on its data)
    stats = _cleaner("results", "stats", cwd=tmp_path)
    assert "cleaned     5" in stats.stdout, stats.stderr
    job_id = run.stdout.split("cleaner results get ")[1].split()[0]
    got = _cleaner("results", "get", job_id, cwd=tmp_path)
    assert json.loads(got.stdout)["status"] == "cleaned"
    assert not (tmp_path / ".redis-cleaner" / "server.json").exists()  # nothing left running


def test_run_keep_leaves_the_server_up_for_redis_cli(tmp_path: Path) -> None:
    seed = sorted(SEEDS.glob("*.txt"))[0]
    run = _cleaner("run", "--keep", str(seed), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    server = json.loads((tmp_path / ".redis-cleaner" / "server.json").read_text())
    try:
        assert f"redis-cli -p {server['port']} " in run.stdout
        tail = _cleaner("results", "tail", "--json", cwd=tmp_path)
        assert json.loads(tail.stdout)["status"] == "cleaned"
    finally:
        os.kill(server["pid"], signal.SIGTERM)  # the server this test's `run --keep` started
