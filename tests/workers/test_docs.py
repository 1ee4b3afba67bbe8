"""The docs, followed: docs/service.md documents every setting, key and metric, cites no file
the repository lacks, and its walkthrough and the README's command-line examples run as
written, step by step, in a shell whose PATH has the venv (what activating it does).
`.ci/docs` does the same from a fresh clone and a fresh venv."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workers.conftest import REPO
from workers.metrics import METRIC_NAMES
from workers.settings import Keys, WorkerSettings

DOC = (REPO / "docs" / "service.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")
VENV_BIN = Path(sys.executable).parent


@pytest.mark.parametrize("field", sorted(WorkerSettings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert f"CLEANER_{field.upper()}" in DOC


def test_every_key_and_metric_is_documented_with_its_default_prefix() -> None:
    keys = Keys("cleaner")
    names = [keys.inbox, keys.inbox_group, keys.results, keys.failed, keys.pending,
             keys.deliveries, keys.stats, keys.jobs, keys.sweeper_lock, keys.doc("<id>"),
             "cleaner:rate:", "cleaner:workers", "cleaner:worker:<name>",
             keys.signature("<id>"), keys.cluster("<id>"), keys.clusters, keys.lsh("<period>:")]
    for name in names:
        assert f"`{name}" in DOC, name
    for metric in METRIC_NAMES:
        assert f"`{metric}" in DOC, metric


@pytest.mark.parametrize("name", ["README.md", "docs/service.md"])
def test_the_docs_cite_only_files_the_repository_has(name: str) -> None:
    text = (REPO / name).read_text(encoding="utf-8")
    assert "notes/" not in text and "research §" not in text and "research notes" not in text
    cited = re.findall(r"`((?:cleaner|workers|tests|bench|fixtures|monitoring|docs|train|"
                       r"seeds)/[\w./-]+?)(?:::\w+)?`", text)
    missing = [path for path in cited if not (REPO / path).exists()]
    assert not missing


def _code_block_after(text: str, heading: str) -> list[str]:
    """The lines of the first fenced block after `heading`, comments cut, empty lines dropped."""
    block = text.split(heading, 1)[1].split("```\n", 2)[1]
    lines = [re.sub(r"\s+#\s.*$", "", line).rstrip() for line in block.splitlines()]
    return [line for line in lines if line]


def _shell(script: list[str], cwd: Path, env: dict[str, str], timeout: float
           ) -> subprocess.CompletedProcess[str]:
    """The lines in one bash, stopping at the first that fails; each line echoed first."""
    body = "\n".join(f"echo '$ '{_quote(line)}\n{line}" for line in script)
    stop_jobs = "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT"  # a step failed: no leftovers
    return subprocess.run(["bash", "-c", f"set -eo pipefail\n{stop_jobs}\n{body}"], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout, check=False)


def _quote(line: str) -> str:
    return "'" + line.replace("'", "'\\''") + "'"


def _user_env(home: Path) -> dict[str, str]:
    """A user who configured nothing, with the venv on PATH (as activating it does)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEANER_")}
    return {**env, "PATH": f"{VENV_BIN}:/usr/bin:/bin", "HOME": str(home)}


@pytest.mark.integration
def test_the_service_walkthrough_runs_step_by_step(tmp_path: Path) -> None:
    steps = _code_block_after(DOC, "## Walkthrough: a worker by hand")
    (tmp_path / "fixtures").symlink_to(REPO / "fixtures")
    try:
        done = _shell(steps, tmp_path, _user_env(tmp_path), timeout=240)
    finally:  # a step failed before the walkthrough's SHUTDOWN: stop the server it left
        server = tmp_path / ".redis-cleaner" / "server.json"
        if server.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(json.loads(server.read_text())["pid"], signal.SIGTERM)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "export CLEANER_REDIS_URL=" in (tmp_path / "run.txt").read_text()  # run --keep
    out = done.stdout
    assert out.count("polygraph.info") >= 2  # the lookup by URL, and tail
    assert "crawl/00003" in out  # enqueue printed each input beside its id


@pytest.mark.integration  # real processes, ~10 s: out of the fast part of the suite
def test_the_readme_command_line_examples_run_as_written(
    tmp_path: Path, article_html: bytes, article_text: bytes
) -> None:
    steps = _code_block_after(README, "### From the command line")
    (tmp_path / "page.html").write_bytes(article_html)
    (tmp_path / "dump.txt").write_bytes(article_text)
    (tmp_path / "pages" / "sub").mkdir(parents=True)
    (tmp_path / "pages" / "a.html").write_bytes(article_html)
    (tmp_path / "pages" / "sub" / "b.html.gz").write_bytes(gzip.compress(article_html))
    shutil.copy(REPO / "fixtures" / "warc" / "crawl.warc.gz", tmp_path)
    line = {"url": "https://x.test/a", "html": article_html.decode()}
    (tmp_path / "pages.jsonl").write_text(json.dumps(line) + "\n")
    dataset = tmp_path / "DATASET_DIR"
    dataset.mkdir()
    (dataset / "a.html").write_bytes(article_html)
    steps = [step for step in steps if "--compare" not in step]  # engines: bench's own tests
    done = _shell(steps, tmp_path, _user_env(tmp_path), timeout=240)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (tmp_path / "out" / "manifest.jsonl").exists()
    assert (tmp_path / "pred.jsonl").exists()
