"""The repository stays ruff-clean: lint is part of the one test command CI runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    result = subprocess.run([ruff, "check", "--no-cache", str(REPO)], capture_output=True,
                            text=True, check=False, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
