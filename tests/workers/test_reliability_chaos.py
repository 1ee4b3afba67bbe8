"""The chaos script itself, small: kills and a Redis restart, and the figures it prints add up."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.chaos import run_chaos

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_a_small_chaos_run_loses_and_duplicates_nothing(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    figures, summary = run_chaos(jobs=300, kills=2, workers=2, workdir=tmp_path)
    assert (figures.lost, figures.duplicated) == ([], []), figures.lines()
    assert figures.submitted == figures.done + sum(figures.failed.values()) == 300
    assert figures.failed["empty"] == 3  # the load's deliberately empty pages
    # A page cleaned while Redis is down can outlive the short soft limit (its publish
    # retries) or the delivery cap: failed with its reason, never lost or doubled.
    assert set(figures.failed) <= {"empty", "timeout", "crashed"}, figures.lines()
    assert "1 Redis restart" in summary
    printed = capsys.readouterr().out
    assert "redis SIGKILLed and restarted" in printed
    assert printed.count("SIGKILLed") == 3  # two kills and the restart
